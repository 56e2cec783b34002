// gradcheck: compares backward() with central finite differences for a Seek function.

import Autograd
import Script

enum GradientBuiltins {
    static func install(_ context: BuiltinContext) {
        context.define("gradcheck", help: """
            gradcheck(f, x, eps=0.01): the largest difference between autograd's gradient of f at x and central finite differences.
            f takes a tensor and returns a one-element tensor; values are Float32, so expect differences near 1e-3.
              gradcheck(fn(v) { (v * v * v).sum() }, tensor([1, 2, 3]))
            """) { arguments in
            try arguments.rejectUnknownNames(["f", "x", "eps"])
            let function = try arguments.callable(at: 0, named: "f")
            let point = try Conversions.tensor(try arguments.require(at: 1, named: "x"), "gradcheck", "x")
            let step = try arguments.number(named: "eps", default: 0.01)
            guard step.isFinite, step > 0 else {
                throw NativeError("gradcheck: eps must be positive, got \(Value.number(step).description)")
            }
            let interpreter = arguments.interpreter

            /// f at `values`: its one value, and the output tensor when it is one. A number is a fine
            /// result off the graph (indexing a tensor without gradients gives plain numbers).
            func evaluate(_ values: [Float], tracking: Bool) throws -> (value: Double, output: Tensor?, input: Tensor) {
                let input = try Tensor(shape: point.shape, values: values, requiresGrad: tracking)
                let output = try interpreter.call(function, [Conversions.value(input)])
                switch output {
                case .object(let object as TensorObject) where object.tensor.count == 1:
                    return (Double(object.tensor.storage[0]), object.tensor, input)
                case .number(let number) where !tracking:
                    return (number, nil, input)
                default:
                    throw NativeError("gradcheck: f must return a one-element tensor, got \(output.typeAndValue)"
                        + (output.typeName == "tensor" ? " of shape \(shapeOf(output))" : ""))
                }
            }

            // Reverse mode: one backward pass from a tracked copy of x (a constant f leaves grad nil: zeros).
            let tracked = try evaluate(point.storage, tracking: true)
            if let output = tracked.output, output.requiresGrad { try output.backward() }
            let analytic = tracked.input.grad?.storage ?? [Float](repeating: 0, count: point.count)

            // Finite differences, one coordinate at a time (Double arithmetic on Float outputs).
            var largest = 0.0
            var values = point.storage
            for index in values.indices {
                let original = values[index]
                values[index] = original + Float(step)
                let plus = try evaluate(values, tracking: false).value
                values[index] = original - Float(step)
                let minus = try evaluate(values, tracking: false).value
                values[index] = original
                let numeric = (plus - minus) / (2 * step)
                largest = max(largest, abs(numeric - Double(analytic[index])))
            }
            return .number(largest)
        }
    }

    private static func shapeOf(_ value: Value) -> String {
        guard case .object(let object as TensorObject) = value else { return "?" }
        return "\(object.tensor.shape)"
    }
}
