// Which experts each class goes to: the classes × experts table a learner watches form.
import Autograd
import NeuralNets

/// Specialisation of the first MoE layer of a model on labelled data.
public enum Specialization {
    /// classes × experts: row c is the share of class c's assignments that went to each expert
    /// (rows sum to 1; a class with no rows gives zeros). Runs `model` once without gradients and
    /// reads the routing its first MoE layer recorded.
    public static func table(model: any Module, data: Dataset) throws -> [[Double]] {
        guard let layer = mixtureLayers(in: model).first else {
            throw TensorError.invalidArgument(op: "specialization", reason: "the model has no moe layer")
        }
        let wasTraining = layer.isTraining
        model.setTraining(false)
        defer { if wasTraining { model.setTraining(true) } }
        _ = try withNoGrad { try model(data.inputs) }
        guard let routing = layer.lastRouting, routing.tokenCount == data.count else {
            throw TensorError.invalidArgument(op: "specialization", reason:
                "the moe layer saw \(layer.lastRouting?.tokenCount ?? 0) tokens for \(data.count) rows; it must see one token per row")
        }
        var table = [[Double]](repeating: [Double](repeating: 0, count: layer.config.expertCount), count: data.classCount)
        for (label, experts) in zip(data.labels, routing.chosen) {
            for expert in experts { table[label][expert] += 1 }
        }
        return table.map { row in
            let total = row.reduce(0, +)
            return total > 0 ? row.map { $0 / total } : row
        }
    }
}
