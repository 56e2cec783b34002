// Optimizers: sgd, adam, adamw over a model's parameters (or a list of param tensors), with
// `.step()` that updates and then clears the gradients, `.zero_grad()`, and a writable `.lr`.

import Autograd
import NeuralNets
import Script

/// An optimizer in a script.
final class OptimizerObject: NativeObject {
    let optimizer: any Optimizer
    let name: String
    /// The hyper-parameters other than lr, for the echo: "momentum=0.9".
    let settings: String

    init(_ optimizer: any Optimizer, name: String, settings: String) {
        self.optimizer = optimizer
        self.name = name
        self.settings = settings
    }

    var typeName: String { "optimizer" }
    var memberNames: [String] { ["lr", "step", "zero_grad"] }
    var repr: String {
        "\(name)(lr=\(Value.number(Conversions.number(learningRate)).description)\(settings.isEmpty ? "" : ", " + settings), "
            + "\(optimizer.parameters.count) tensors)"
    }
    var help: String {
        """
        optimizer (\(name)): updates parameters from their gradients.
          loss.backward(); opt.step()
        properties: lr (readable and writable)
        methods: step() (update, then clear the gradients), zero_grad()
        """
    }

    /// The learning rate of whichever optimizer this is.
    var learningRate: Float {
        get {
            switch optimizer {
            case let sgd as SGD: return sgd.learningRate
            case let adam as Adam: return adam.learningRate
            case let adamW as AdamW: return adamW.learningRate
            default: preconditionFailure("optimizer object wraps an unknown optimizer type")
            }
        }
        set {
            switch optimizer {
            case let sgd as SGD: sgd.learningRate = newValue
            case let adam as Adam: adam.learningRate = newValue
            case let adamW as AdamW: adamW.learningRate = newValue
            default: preconditionFailure("optimizer object wraps an unknown optimizer type")
            }
        }
    }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "lr": return .number(Conversions.number(learningRate))
        case "step":
            return boundMethod(self.name, "step", help: "opt.step(): update every parameter from its gradient, then clear the gradients.\n  loss.backward(); opt.step()") { arguments in
                try arguments.expectCount(0)
                self.optimizer.step()
                self.optimizer.zeroGrad()
                return .null
            }
        case "zero_grad":
            return boundMethod(self.name, "zero_grad", help: "opt.zero_grad(): clear the gradients without updating.\n  opt.zero_grad()") { arguments in
                try arguments.expectCount(0)
                self.optimizer.zeroGrad()
                return .null
            }
        default: return nil
        }
    }

    func setMember(_ name: String, to value: Value) throws {
        guard name == "lr" else { throw NativeError("cannot assign to '\(name)' of an optimizer; only lr can change") }
        guard case .number(let rate) = value, rate.isFinite, rate >= 0 else {
            throw NativeError("lr must be a number 0 or more, got \(value.typeAndValue)")
        }
        learningRate = Float(rate)
    }
}

// MARK: - Builtins

enum OptimizerBuiltins {
    static func install(_ context: BuiltinContext) {
        context.define("sgd", help: """
            sgd(m, lr=0.01, momentum=0, weight_decay=0): stochastic gradient descent over a model's (or a list of params') values.
              opt = sgd(m, lr=0.1, momentum=0.9); loss.backward(); opt.step()
            """) { arguments in
            try arguments.rejectUnknownNames(["m", "lr", "momentum", "weight_decay"])
            let parameters = try trainable(arguments)
            let rate = try nonNegative(arguments, "lr", 0.01)
            let momentum = try nonNegative(arguments, "momentum", 0)
            let decay = try nonNegative(arguments, "weight_decay", 0)
            let optimizer = SGD(parameters: parameters, learningRate: rate, momentum: momentum, weightDecay: decay)
            return .object(OptimizerObject(optimizer, name: "sgd", settings: momentum == 0 ? "" : "momentum=\(format(momentum))"))
        }
        context.define("adam", help: """
            adam(m, lr=0.001): Adam (betas 0.9, 0.999) over a model's (or a list of params') values.
              opt = adam(m, lr=0.01)
            """) { arguments in
            try arguments.rejectUnknownNames(["m", "lr"])
            let parameters = try trainable(arguments)
            let rate = try nonNegative(arguments, "lr", 0.001)
            return .object(OptimizerObject(Adam(parameters: parameters, learningRate: rate), name: "adam", settings: ""))
        }
        context.define("adamw", help: """
            adamw(m, lr=0.001, weight_decay=0.01): Adam with decoupled weight decay.
              opt = adamw(m, lr=0.01, weight_decay=0.1)
            """) { arguments in
            try arguments.rejectUnknownNames(["m", "lr", "weight_decay"])
            let parameters = try trainable(arguments)
            let rate = try nonNegative(arguments, "lr", 0.001)
            let decay = try nonNegative(arguments, "weight_decay", 0.01)
            let optimizer = AdamW(parameters: parameters, learningRate: rate, weightDecay: decay)
            return .object(OptimizerObject(optimizer, name: "adamw", settings: "weight_decay=\(format(decay))"))
        }
    }

    /// The tensors to train: a model's parameters, or a list of tensors that track gradients.
    private static func trainable(_ arguments: Arguments) throws -> [Tensor] {
        let name = arguments.functionName
        let value = try arguments.require(at: 0, named: "m")
        switch value {
        case .object(let object as ModuleObject):
            let parameters = object.module.parameters()
            guard !parameters.isEmpty else { throw NativeError("\(name): the \(object.typeName) has no parameters to train") }
            return parameters
        case .object(let object as TensorObject):
            return try [checkedParameter(object.tensor, name, 0)]
        case .list(let list):
            guard !list.elements.isEmpty else { throw NativeError("\(name): the list of params is empty") }
            return try list.elements.enumerated().map { index, element in
                guard case .object(let object as TensorObject) = element else {
                    throw NativeError("\(name): element \(index) of the list must be a param tensor, got \(element.typeAndValue)")
                }
                return try checkedParameter(object.tensor, name, index)
            }
        default:
            throw NativeError("\(name): 'm' must be a model or a list of params, got \(value.typeAndValue)")
        }
    }

    private static func checkedParameter(_ tensor: Tensor, _ name: String, _ index: Int) throws -> Tensor {
        guard tensor.requiresGrad, tensor.isLeaf else {
            throw NativeError("\(name): tensor \(index) (shape \(tensor.shape)) is not a param; make it with param(…)")
        }
        return tensor
    }

    private static func nonNegative(_ arguments: Arguments, _ name: String, _ fallback: Double) throws -> Float {
        let value = try arguments.number(named: name, default: fallback)
        guard value.isFinite, value >= 0 else {
            throw NativeError("\(arguments.functionName): \(name) must be a number 0 or more, got \(Value.number(value).description)")
        }
        return Float(value)
    }

    private static func format(_ value: Float) -> String { Value.number(Conversions.number(value)).description }
}

/// The `opt=` argument of a trainer: the optimizer object given, or `makeDefault()` when there is
/// none; anything else is refused, naming the function and an example (`adam(model)`).
func optimizerArgument(_ arguments: Arguments, _ function: String, example: String,
                       default makeDefault: () -> any Optimizer) throws -> any Optimizer {
    guard let given = try arguments.value(named: "opt"), !given.isNull else { return makeDefault() }
    guard case .object(let object as OptimizerObject) = given else {
        throw NativeError("\(function): opt must be an optimizer such as \(example), got \(given.typeAndValue)")
    }
    return object.optimizer
}
