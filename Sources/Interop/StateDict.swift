// A model's weights by name, as PyTorch's state_dict: saving takes `namedParameters()` (paths such
// as `0.weight`, `experts.3.2.bias`, the reference PyTorch model's own names), loading copies
// values into the existing parameter tensors after checking every name and shape first, so a
// mismatch changes nothing.
import Autograd
import NeuralNets

/// Saving and loading a module's parameters by name.
public enum StateDict {
    /// Why weights do not fit a model.
    public struct MismatchError: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// The module's parameters by their PyTorch paths.
    public static func tensors(of module: any Module) -> [(name: String, tensor: Tensor)] {
        module.namedParameters()
    }

    /// Copies `tensors` into `module`'s parameters. Refused whole, before anything changes, when a
    /// parameter is missing, a tensor has no parameter, or a shape differs (naming the tensor and
    /// both shapes).
    public static func load(_ tensors: [(name: String, tensor: Tensor)], into module: any Module) throws {
        let parameters = module.namedParameters()
        let given = Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
        let expected = Set(parameters.map(\.name))
        if let missing = parameters.first(where: { given[$0.name] == nil }) {
            throw MismatchError(description: "the file has no tensor \"\(missing.name)\" (shape \(missing.tensor.shape)) that the model needs; nothing was loaded")
        }
        if let extra = tensors.first(where: { !expected.contains($0.name) }) {
            throw MismatchError(description: "the file's tensor \"\(extra.name)\" (shape \(extra.tensor.shape)) is not a parameter of the model; nothing was loaded")
        }
        if let wrong = parameters.first(where: { given[$0.name]?.shape != $0.tensor.shape }), let source = given[wrong.name] {
            throw MismatchError(description: "\"\(wrong.name)\" has shape \(source.shape) in the file but \(wrong.tensor.shape) in the model; nothing was loaded")
        }
        for (name, parameter) in parameters {
            guard let source = given[name] else { continue }
            let values = source.storage
            parameter.withUnsafeMutableValues { target in
                for index in 0 ..< target.count { target[index] = values[index] }
            }
        }
    }
}
