// A Seek function as a model: `trainer(fn(x) { x @ w + b }, data, params=[w, b])`. The function
// is called through the interpreter for each forward pass; its parameters are the tensors the
// learner names, so optimisers, the finiteness check and errors see them like a layer's.

import Autograd
import NeuralNets
import Script

/// A module whose forward pass is a Seek function.
struct ScriptModule: Module {
    /// The function value.
    let function: Value
    /// The tensors it trains, in the order given.
    let parameterTensors: [Tensor]
    /// The interpreter to call it in. Unowned would dangle if a trainer outlived its interpreter;
    /// a strong reference is fine because the interpreter does not own trainers (scripts do).
    let interpreter: Interpreter

    func ownParameters() -> [(name: String, tensor: Tensor)] {
        parameterTensors.enumerated().map { (String($0.offset), $0.element) }
    }

    var layerDescription: String { "model" }

    func callAsFunction(_ input: Tensor) throws -> Tensor {
        let result = try interpreter.call(function, [Conversions.value(input)])
        guard case .object(let object as TensorObject) = result else {
            throw LayerError(layer: "model", message: "the model function must return a tensor, got \(result.typeAndValue)")
        }
        return object.tensor
    }
}
