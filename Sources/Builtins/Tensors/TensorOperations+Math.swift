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

    /// Every reduction, one body for `name(t, …)` and `t.name(…)`. `sum`, `max` and `min` are
    /// also the standard library's list functions, so their function forms are installed by
    /// `installStandardNames`, which hands tensors to these same bodies.
    static let reductions: [TensorOperation] = [
        reduction("sum", "the sum over an axis (all values when axis is nil); keepdims= keeps the reduced axis as size 1 (torch.sum(t, dim, keepdim)).",
                  example: "sum(tensor([[1, 5], [7, 2]]), axis=1)   # [6, 9]", function: false) { try $0.sum(axis: $1, keepDims: $2) },
        reduction("mean", "the mean over an axis (all values when axis is nil); keepdims= keeps the reduced axis as size 1. An empty axis gives nan, as in PyTorch.",
                  example: "mean(tensor([[1, 2], [3, 4]]), axis=0, keepdims=true)") { try $0.mean(axis: $1, keepDims: $2) },
        reduction("max", "the largest value over an axis (all values when axis is nil); values only, no indices; nan if any value is nan. The gradient goes to the first largest entry along an axis, and is split evenly among tied entries over all values (as torch.max).",
                  example: "max(tensor([[1, 5], [7, 2]]), axis=1)   # [5, 7]", function: false, refusesEmptyAxis: true) { try $0.max(axis: $1, keepDims: $2) },
        reduction("min", "the smallest value over an axis (all values when axis is nil); values only, no indices; gradient and nan as for max.",
                  example: "min(tensor([[1, 5], [7, 2]]), axis=1)   # [1, 2]", function: false, refusesEmptyAxis: true) { try $0.min(axis: $1, keepDims: $2) },
        reduction("argmax", "the index of the first largest value over an axis (of the flattened tensor when axis is nil); keepdims= keeps the reduced axis as size 1 (torch.argmax(t, dim, keepdim)); no gradient.",
                  example: "argmax(tensor([[1, 5], [7, 2]]), axis=1)   # [1, 0]", refusesEmptyAxis: true) { try $0.argmax(axis: $1, keepDims: $2) },
        reduction("logsumexp", "log Σ exp(t) over an axis (all values when axis is nil), computed stably; keepdims= keeps the reduced axis as size 1 (PyTorch keepdim). An empty axis gives -inf.",
                  example: "logsumexp(tensor([[1, 2], [3, 4]]), axis=1)") { try $0.logSumExp(axis: $1, keepDims: $2) },
        TensorOperation(
            name: "cumsum", parameters: "axis",
            summary: "the running sum along axis (torch.cumsum(t, dim)); gradients flow back as the running sum from the end.",
            example: "cumsum(tensor([1, 2, 3]), axis=0)   # [1, 3, 6]",
            methodExample: "tensor([[1, 2], [3, 4]]).cumsum(axis=1)   # [[1, 3], [3, 7]]"
        ) { arguments in
            try arguments.rejectUnknownNames(["t", "axis"])
            try arguments.expectCount(1...2)
            let input = try input(arguments)
            guard input.rank >= 1 else { throw NativeError("cumsum: t must have an axis, got shape []") }
            return Conversions.value(try input.cumulativeSum(axis: try axis(arguments, at: 1, of: input)))
        },
    ]

    /// A reduction `name(t, axis=nil, keepdims=false)`. PyTorch refuses max / min / argmax over an
    /// empty axis (they have no identity), and so do these; the others give nan / -inf / 0.
    private static func reduction(_ name: String, _ summary: String, example: String, function: Bool = true,
                                  refusesEmptyAxis: Bool = false,
                                  _ reduce: @escaping @Sendable (Tensor, Int?, Bool) throws -> Tensor) -> TensorOperation {
        TensorOperation(name: name, parameters: "axis=nil, keepdims=false", summary: summary, example: example,
                        methodExample: "tensor([[1, 2], [3, 4]]).\(name)(axis=1, keepdims=true)", isFunction: function) { arguments in
            try arguments.rejectUnknownNames(["t", "axis", "keepdims"])
            try arguments.expectCount(1...2)
            let input = try input(arguments)
            let axis = try arguments.optionalInteger(at: 1, named: "axis")
            if let axis, axis < -input.rank || axis >= input.rank, !(input.rank == 0 && (axis == 0 || axis == -1)) {
                throw NativeError("\(name): axis \(axis) is out of range for t of shape \(input.shape)")
            }
            // A 0-d tensor reduces over its one value for axis 0 or -1, as in PyTorch.
            let normalized = axis.map { input.rank == 0 ? nil : ($0 < 0 ? $0 + input.rank : $0) } ?? nil
            if refusesEmptyAxis, normalized.map({ input.shape[$0] == 0 }) ?? (input.count == 0) {
                throw NativeError("\(name): cannot reduce an empty axis (t has shape \(input.shape)); PyTorch refuses it too")
            }
            return Conversions.value(try reduce(input, normalized, try arguments.bool(named: "keepdims", default: false)))
        }
    }

    // MARK: - Elementwise

    static let elementwise: [TensorOperation] = [
        TensorOperation(
            name: "clamp", parameters: "min=nil, max=nil",
            summary: "every value limited to [min, max] (either bound may be left out; nan stays nan); the gradient passes strictly inside, min < t < max, so a value exactly at a bound gets 0 (as PyTorch).",
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
        pairwise("minimum", "the elementwise smaller of a and b (broadcast, PyTorch torch.minimum); NaN on either side gives NaN; on ties the gradient is split 0.5 / 0.5.",
                 example: "minimum(tensor([1, 5]), tensor([3, 2]))   # [1, 2]") { try Tensor.minimum($0, $1) },
        pairwise("maximum", "the elementwise larger of a and b (broadcast, PyTorch torch.maximum); NaN on either side gives NaN; on ties the gradient is split 0.5 / 0.5.",
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
            let help = (named(name)?.functionHelp ?? "\(name)(t, axis=nil, keepdims=false): \(summaries[name] ?? name)")
                + (name == "sum" ? "" : "\n\(name)(a, b) with a tensor is the elementwise \(name)imum (as \(name)imum(a, b)).") + listHelp
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
                guard let operation = named(name) else { preconditionFailure("\(name) is missing from the reduction table") }
                return try operation.body(arguments)
            }
        }
    }
}

// MARK: - Rounding

extension TensorOperations {
    /// floor, ceil and int: on a number they give a number, on a tensor a tensor without gradient
    /// (PyTorch's gradient of floor and ceil is zero everywhere; `.long()` has none).
    static let rounding: [TensorOperation] = [
        rounded("floor", "the largest whole number ≤ each value (torch.floor); no gradient (PyTorch's is zero).",
                example: "floor(tensor([-1.5, 0.5, 2]))   # [-2, 0, 2]", rule: .down) { $0.floor() },
        rounded("ceil", "the smallest whole number ≥ each value (torch.ceil); no gradient (PyTorch's is zero).",
                example: "ceil(tensor([-1.5, 0.5, 2]))   # [-1, 1, 2]", rule: .up) { $0.ceil() },
        rounded("int", "each value rounded towards zero, as Python's int() and PyTorch's t.long() (torch.trunc); no gradient. A tensor stays a tensor of whole numbers.",
                example: "int(tensor([-1.7, 2.9]))   # [-1, 2]; int(3.9)   # 3", rule: .towardZero) { $0.truncated() },
    ]

    private static func rounded(_ name: String, _ summary: String, example: String, rule: FloatingPointRoundingRule,
                                _ tensorRounding: @escaping @Sendable (Tensor) -> Tensor) -> TensorOperation {
        TensorOperation(name: name, parameters: "", summary: summary, example: example,
                        methodExample: "tensor([-1.5, 2.5]).\(name)()") { arguments in
            try arguments.rejectUnknownNames(["t"])
            try arguments.expectCount(1)
            if case .number(let number) = try arguments.require(at: 0, named: "t") {
                guard number.isFinite || name != "int" else {
                    throw NativeError("int: cannot convert \(Value.number(number).description) to a whole number")
                }
                return .number(number.rounded(rule))
            }
            return Conversions.value(tensorRounding(try input(arguments)))
        }
    }
}
