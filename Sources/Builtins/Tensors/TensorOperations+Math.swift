// Normalisation (layer_norm, rms_norm), reductions as functions (logsumexp, mean, argmax) and
// elementwise functions with a second operand or bounds (clamp, pow, minimum, maximum), and
// sum/max/min extended to tensors.

import Autograd
import Foundation
import Script

extension TensorOperations {
    // MARK: - Normalisation

    static let normalization: [TensorOperation] = [
        TensorOperation(
            name: "layer_norm", parameters: "weight=nil, bias=nil, eps=1e-5",
            summary: "(t − mean) / √(var + eps) over the last axis (biased variance), then × weight + bias ([D] each); PyTorch's F.layer_norm over the last axis, eps 1e-5 as there.",
            example: "layer_norm(tensor([[1, 2, 3]]), weight=ones(3), bias=zeros(3))",
            methodExample: "tensor([[1, 2, 3]]).layer_norm(eps=1e-5)"
        ) { arguments in
            try arguments.rejectUnknownNames(["t", "weight", "bias", "eps"])
            try arguments.expectCount(1...4)
            let input = try input(arguments)
            guard input.rank >= 1 else {
                throw NativeError("layer_norm: t must have a last axis to normalise, got shape \(input.shape)")
            }
            var weight = try optionalInput(arguments, "weight", at: 1)
            let bias = try optionalInput(arguments, "bias", at: 2)
            try checkLastAxis(weight, "weight", of: input, "layer_norm")
            try checkLastAxis(bias, "bias", of: input, "layer_norm")
            // PyTorch accepts a bias alone; Autograd's fused op wants a weight with it, so pass ones.
            if bias != nil, weight == nil { weight = try Tensor.ones([input.shape[input.rank - 1]]) }
            let eps = try epsilon(arguments, at: 3, default: 1e-5)
            return Conversions.value(try input.layerNorm(weight: weight, bias: bias, epsilon: eps))
        },
        TensorOperation(
            name: "rms_norm", parameters: "weight=nil, eps=1e-6",
            summary: "t / √(mean(t²) + eps) over the last axis, then × weight ([D]). eps defaults to 1e-6 as in DeepSeek-V3 (PyTorch's F.rms_norm defaults to float32 machine eps, ≈1.19e-7: pass eps= to match).",
            example: "rms_norm(tensor([[1, 2, 3]]), weight=ones(3), eps=1e-6)",
            methodExample: "tensor([[3, 4]]).rms_norm()"
        ) { arguments in
            try arguments.rejectUnknownNames(["t", "weight", "eps"])
            try arguments.expectCount(1...3)
            let input = try input(arguments)
            guard input.rank >= 1 else {
                throw NativeError("rms_norm: t must have a last axis to normalise, got shape \(input.shape)")
            }
            let weight = try optionalInput(arguments, "weight", at: 1)
            try checkLastAxis(weight, "weight", of: input, "rms_norm")
            let eps = try epsilon(arguments, at: 2, default: 1e-6)
            return Conversions.value(try input.rmsNorm(weight: weight, epsilon: eps))
        },
    ]

    // MARK: - Reductions

    /// `sum`, `max` and `min` stay the standard library's list functions; on tensors use the
    /// methods (`t.sum(axis=0)`). These names are free, so they are functions too.
    static let reductions: [TensorOperation] = [
        reduction("logsumexp", "log Σ exp(t) over an axis (all values when axis is nil), computed stably; keepdims= keeps the reduced axis as size 1 (PyTorch keepdim).",
                  example: "logsumexp(tensor([[1, 2], [3, 4]]), axis=1)") { try $0.logSumExp(axis: $1, keepDims: $2) },
        reduction("mean", "the mean over an axis (all values when axis is nil); keepdims= keeps the reduced axis as size 1.",
                  example: "mean(tensor([[1, 2], [3, 4]]), axis=0, keepdims=true)", method: false) { try $0.mean(axis: $1, keepDims: $2) },
        reduction("argmax", "the index of the first largest value over an axis (of the flattened tensor when axis is nil); no gradient.",
                  example: "argmax(tensor([[1, 5], [7, 2]]), axis=1)   # [1, 0]", method: false) { try $0.argmax(axis: $1, keepDims: $2) },
    ]

    /// A reduction `name(t, axis=nil, keepdims=false)`.
    private static func reduction(_ name: String, _ summary: String, example: String, method: Bool = true,
                                  _ reduce: @escaping @Sendable (Tensor, Int?, Bool) throws -> Tensor) -> TensorOperation {
        TensorOperation(name: name, parameters: "axis=nil, keepdims=false", summary: summary, example: example,
                        methodExample: method ? "tensor([[1, 2], [3, 4]]).\(name)(axis=1, keepdims=true)" : nil) { arguments in
            try arguments.rejectUnknownNames(["t", "axis", "keepdims"])
            try arguments.expectCount(1...2)
            let input = try input(arguments)
            let axis = try arguments.optionalInteger(at: 1, named: "axis")
            if let axis, axis < -input.rank || axis >= input.rank {
                throw NativeError("\(name): axis \(axis) is out of range for t of shape \(input.shape)")
            }
            if input.count == 0, name != "mean" || axis == nil {
                throw NativeError("\(name): t is empty (shape \(input.shape))")
            }
            return Conversions.value(try reduce(input, axis, try arguments.bool(named: "keepdims", default: false)))
        }
    }

    // MARK: - Elementwise

    static let elementwise: [TensorOperation] = [
        TensorOperation(
            name: "clamp", parameters: "min=nil, max=nil",
            summary: "every value limited to [min, max] (either bound may be left out); the gradient passes where min ≤ t ≤ max.",
            example: "clamp(tensor([-2, 0, 2]), min=-1, max=1)   # [-1, 0, 1]",
            methodExample: "tensor([-2, 0, 2]).clamp(min=-1, max=1)"
        ) { arguments in
            try arguments.rejectUnknownNames(["t", "min", "max"])
            try arguments.expectCount(1...3)
            let input = try input(arguments)
            let lower = try arguments.optionalNumber(at: 1, named: "min").map(Float.init) ?? -.infinity
            let upper = try arguments.optionalNumber(at: 2, named: "max").map(Float.init) ?? .infinity
            return Conversions.value(input.clamp(min: lower, max: upper))
        },
        TensorOperation(
            name: "pow", parameters: "p",
            summary: "each value to the power p, a number (same as t ** p; torch.pow with a scalar exponent).",
            example: "pow(tensor([1, 2, 3]), 2)   # [1, 4, 9]",
            methodExample: "tensor([1, 2]).pow(2)   # [1, 4]"
        ) { arguments in
            try arguments.rejectUnknownNames(["t", "p"])
            try arguments.expectCount(1...2)
            guard case .number(let exponent)? = try arguments.value(at: 1, named: "p") else {
                let given = try arguments.value(at: 1, named: "p")
                throw NativeError("pow: p must be a number, got \(given?.typeAndValue ?? "nothing"); "
                    + "for a tensor exponent write exp(p * log(t))")
            }
            if case .number(let base) = try arguments.require(at: 0, named: "t") {
                return .number(Foundation.pow(base, exponent))
            }
            return Conversions.value(try input(arguments).pow(Float(exponent)))
        },
        pairwise("minimum", "the elementwise smaller of a and b (broadcast, PyTorch torch.minimum); on ties the gradient goes to a.",
                 example: "minimum(tensor([1, 5]), tensor([3, 2]))   # [1, 2]") { try Tensor.minimum($0, $1) },
        pairwise("maximum", "the elementwise larger of a and b (broadcast, PyTorch torch.maximum); on ties the gradient goes to a.",
                 example: "maximum(tensor([1, 5]), 3)   # [3, 5]") { try Tensor.maximum($0, $1) },
    ]

    /// `name(a, b)` on two tensors (or lists, numbers), broadcast; function only.
    private static func pairwise(_ name: String, _ summary: String, example: String,
                                 _ combine: @escaping @Sendable (Tensor, Tensor) throws -> Tensor) -> TensorOperation {
        TensorOperation(name: name, parameters: "b", summary: summary, example: example, methodExample: nil, first: "a") { arguments in
            try arguments.rejectUnknownNames([])
            try arguments.expectCount(2)
            let first = try input(arguments, "a", at: 0)
            let second = try input(arguments, "b", at: 1)
            do {
                return Conversions.value(try combine(first, second))
            } catch is TensorError {
                throw NativeError("\(name): shapes \(first.shape) and \(second.shape) do not broadcast")
            }
        }
    }
}

// MARK: - sum, max, min on tensors

extension TensorOperations {
    /// Extends the standard library's `sum`, `max` and `min` to tensors, as `torch.sum(t, dim)`:
    /// a tensor first argument reduces it (`axis=`, `keepdims=`), `max(a, b)` with a tensor is the
    /// elementwise maximum (`torch.max(a, b)`); anything else goes to the list function.
    static func installStandardNames(_ context: BuiltinContext) {
        guard let interpreter = context.interpreter else { return }
        let summaries = ["sum": "the sum", "max": "the largest value", "min": "the smallest value"]
        for name in ["sum", "max", "min"] {
            let listFunction: NativeFunction?
            if case .native(let function)? = interpreter.global(name) { listFunction = function } else { listFunction = nil }
            let listHelp = listFunction.map { "\n" + $0.help } ?? ""
            let pairwise = name == "sum" ? "." : "; values only, no indices. \(name)(a, b) with a tensor is the elementwise \(name)imum (as \(name)imum(a, b))."
            let help = """
                \(name)(t, axis=nil, keepdims=false): on a tensor, \(summaries[name] ?? name) of all values or along an axis (torch.\(name)(t, dim))\(pairwise)
                  \(name)(tensor([[1, 5], [7, 2]]), axis=1)   # \(name == "sum" ? "[6, 9]" : name == "max" ? "[5, 7]" : "[1, 2]")
                """ + listHelp
            context.define(name, help: help) { arguments in
                let tensorGiven = arguments.positional.contains { if case .object(_ as TensorObject) = $0 { return true } else { return false } }
                guard tensorGiven else {
                    guard let listFunction else { throw NativeError("\(name): expects a tensor, got \(arguments.positional.first?.typeAndValue ?? "nothing")") }
                    return try listFunction.body(arguments)
                }
                if arguments.count == 2 {
                    guard name != "sum" else { throw NativeError("sum: for an axis write sum(t, axis=…)") }
                    guard case .object = arguments.positional[0], case .object = arguments.positional[1] else {
                        throw NativeError("\(name): for an axis write \(name)(t, axis=…); for the elementwise \(name)imum with a number write \(name)imum(t, x)")
                    }
                    let first = try input(arguments, "a", at: 0), second = try input(arguments, "b", at: 1)
                    do {
                        return Conversions.value(name == "max" ? try Tensor.maximum(first, second) : try Tensor.minimum(first, second))
                    } catch is TensorError {
                        throw NativeError("\(name): shapes \(first.shape) and \(second.shape) do not broadcast")
                    }
                }
                try arguments.rejectUnknownNames(["t", "axis", "keepdims"])
                try arguments.expectCount(1)
                let input = try input(arguments)
                let axis = try arguments.optionalInteger(named: "axis")
                if let axis, axis < -input.rank || axis >= input.rank {
                    throw NativeError("\(name): axis \(axis) is out of range for t of shape \(input.shape)")
                }
                if input.count == 0, name != "sum" { throw NativeError("\(name): t is empty (shape \(input.shape))") }
                let keep = try arguments.bool(named: "keepdims", default: false)
                switch name {
                case "sum": return Conversions.value(try input.sum(axis: axis, keepDims: keep))
                case "max": return Conversions.value(try input.max(axis: axis, keepDims: keep))
                default: return Conversions.value(try input.min(axis: axis, keepDims: keep))
                }
            }
        }
    }
}
