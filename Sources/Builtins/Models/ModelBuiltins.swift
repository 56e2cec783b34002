// Models: linear, mlp and seq, and the model object scripts call (`m(x)`, `m.params`).
// Other builtins (the MoE layer) wrap their own Module in a ModelObject subclass, or conform
// to ModuleObject, and can then be passed to seq(…) and to the optimizers.

import Autograd
import Interop
import NeuralNets
import Script

// MARK: - The model protocol

/// A native object that is a trainable module: `seq(…)`, `sgd(…)`, `adam(…)` accept any of these.
public protocol ModuleObject: NativeObject {
    /// The module this object applies and trains.
    var module: any Module { get }
}

/// A model in a script: callable (`m(x)`, x a tensor or list data) with `params` (the count of
/// trainable values) and `parameters()` (the tensors). Subclass it to add members: override
/// `member(_:)`/`memberNames`/`help` and fall back to `super`.
open class ModelObject: ModuleObject {
    /// The wrapped module.
    public let module: any Module
    /// The type name scripts see (`type(m)`): "model" unless a subclass says otherwise.
    public let kind: String
    /// How the model echoes: "linear(4 → 2)".
    public let summary: String

    /// The size of the last axis the model accepts, when known: checked before the forward pass
    /// so the error names the model ("mlp([2, 3], relu): expects inputs with 2 features …").
    public let inputDimensions: Int?

    /// Wraps `module`; `summary` is the echo ("mlp([2, 16, 2], relu)"), `kind` the type name.
    public init(module: any Module, summary: String, kind: String = "model", inputDimensions: Int? = nil) {
        self.module = module
        self.summary = summary
        self.kind = kind
        self.inputDimensions = inputDimensions
    }

    open var typeName: String { kind }
    open var repr: String { "\(summary), \(module.parameterCount) params" }
    open var memberNames: [String] { ["params", "parameters", "zero_grad", "load"] }
    open var help: String {
        """
        \(kind): \(summary). Call it on a batch: m(x) with x [rows, inputs] (tensor or lists).
          y = m(tensor([[0, 1]]))
        properties: params (number of trainable values)
        methods: parameters() (the weight tensors), zero_grad(), load(path) (weights from a safetensors file, as save(m, path) wrote them)
        """
    }

    open func member(_ name: String) throws -> Value? {
        switch name {
        case "params": return .number(Double(module.parameterCount))
        case "parameters":
            return boundMethod(kind, "parameters", help: "m.parameters(): the trainable tensors, in order.\n  m.parameters()[0].shape") { arguments in
                try arguments.expectCount(0)
                return .list(ListObject(self.module.parameters().map(Conversions.value)))
            }
        case "zero_grad":
            return boundMethod(kind, "zero_grad", help: "m.zero_grad(): clear the gradients of every parameter.\n  m.zero_grad()") { arguments in
                try arguments.expectCount(0)
                self.module.zeroGrad()
                return .null
            }
        case "load":
            return boundMethod(kind, "load", help: "m.load(path): copies the weights of a safetensors file into the model; refused whole, naming the tensor and both shapes, when a name or a shape does not match.\n  m.load(out_dir + \"/m.safetensors\")") { arguments in
                try arguments.rejectUnknownNames(["path"])
                try arguments.expectCount(1)
                let path = try arguments.string(at: 0, named: "path")
                try interopCall("load") {
                    let contents = try SafeTensors.read(from: path)
                    try StateDict.load(contents.tensors, into: self.module)
                }
                return .null
            }
        default: return nil
        }
    }

    /// `m(x)`: the forward pass.
    open func call(_ arguments: Arguments) throws -> Value {
        try arguments.rejectUnknownNames([])
        try arguments.expectCount(1)
        let input = try Conversions.tensor(try arguments.require(at: 0, named: "x"), summary, "x")
        if let inputDimensions, input.shape.last != inputDimensions {
            throw NativeError("\(summary): expects inputs with \(inputDimensions) features on the last axis, got shape \(input.shape)")
        }
        return Conversions.value(try rethrowingNamed(summary) {
            do { return try module(input) } catch let error as LayerError {
                throw NativeError(error.rooted(at: module.layerDescription).description)
            }
        })
    }
}

// MARK: - Builtins

enum ModelBuiltins {
    static func install(_ context: BuiltinContext) {
        LayerBuiltins.install(context)   // embedding_layer, layernorm, rmsnorm
        context.define("linear", help: """
            linear(in, out, bias=true, seed=): a dense layer y = x·Wᵀ + b, weights uniform in ±1/√in.
              layer = linear(4, 2, seed=1); layer(ones(3, 4)).shape   # [3, 2]
            """) { arguments in
            try arguments.rejectUnknownNames(["in", "out", "bias", "seed"])
            let inputs = try positiveSize(arguments, 0, "in")
            let outputs = try positiveSize(arguments, 1, "out")
            let bias = try arguments.bool(named: "bias", default: true)
            let layer = try context.withGenerator(arguments) {
                try Linear(inputDimensions: inputs, outputDimensions: outputs, bias: bias, generator: &$0)
            }
            return .object(ModelObject(module: layer, summary: "linear(\(inputs) → \(outputs))", inputDimensions: inputs))
        }
        context.define("mlp", help: """
            mlp([sizes], act="relu", seed=): linear layers of the given sizes with act between them (relu, gelu, silu, tanh, sigmoid).
              m = mlp([2, 16, 2], seed=0); m(tensor([[0, 1]]))
            """) { arguments in
            try arguments.rejectUnknownNames(["sizes", "act", "seed"])
            let sizes = try Conversions.integers(try arguments.require(at: 0, named: "sizes"), "mlp", "sizes")
            guard sizes.count >= 2 else {
                throw NativeError("mlp: sizes \(sizes) need at least an input and an output size")
            }
            for (index, size) in sizes.enumerated() where size < 1 {
                throw NativeError("mlp: size \(index) must be 1 or more, got \(size)")
            }
            let activationName = try arguments.string(at: 1, named: "act", default: "relu")
            guard let activation = Activation(rawValue: activationName) else {
                let names = Activation.allCases.map(\.rawValue)
                throw NativeError("mlp: unknown act '\(activationName)'"
                    + (nearestName(to: activationName, in: names).map { "; did you mean '\($0)'?" }
                       ?? "; choose one of \(names.joined(separator: ", "))"))
            }
            let model = try context.withGenerator(arguments) {
                try MLP(layerSizes: sizes, activation: activation, generator: &$0)
            }
            let sizeList = sizes.map(String.init).joined(separator: ", ")
            return .object(ModelObject(module: model, summary: "mlp([\(sizeList)], \(activationName))",
                                       inputDimensions: sizes[0]))
        }
        context.define("seq", help: """
            seq(a, b, …): models (or activation names like "relu") applied one after another.
              m = seq(linear(2, 8, seed=0), "tanh", linear(8, 1, seed=1))
            """) { arguments in
            try arguments.rejectUnknownNames([])
            guard arguments.count >= 1 else { throw NativeError("seq: needs at least one model") }
            var layers: [any Module] = []
            var parts: [String] = []
            var inputDimensions: Int?
            for (index, value) in arguments.positional.enumerated() {
                switch value {
                case .object(let object as ModuleObject):
                    // The input size is known when the first model (activations aside) knows it.
                    if layers.allSatisfy({ $0 is Activation }) { inputDimensions = (object as? ModelObject)?.inputDimensions }
                    layers.append(object.module)
                    parts.append((object as? ModelObject)?.summary ?? object.typeName)
                case .string(let name):
                    guard let activation = Activation(rawValue: name) else {
                        throw NativeError("seq: argument \(index) '\(name)' is not an activation; "
                            + "use one of \(Activation.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    layers.append(activation)
                    parts.append(name)
                default:
                    throw NativeError("seq: argument \(index) must be a model or an activation name, got \(value.typeAndValue)")
                }
            }
            return .object(ModelObject(module: Sequential(layers), summary: "seq(\(parts.joined(separator: ", ")))",
                                       inputDimensions: inputDimensions))
        }
    }

    /// A positional or named size that must be at least 1.
    private static func positiveSize(_ arguments: Arguments, _ position: Int, _ name: String) throws -> Int {
        let size = try arguments.integer(at: position, named: name)
        guard size >= 1 else { throw NativeError("\(arguments.functionName): '\(name)' must be 1 or more, got \(size)") }
        return size
    }
}
