// The toy policy's default optimizer: Adam at lr 0.01 (science.md §D.3 and the PyTorch reference)
// for the MLP, and 10× that for the five free format logits. Adam moves a parameter by about lr
// per step, so at 0.01 the format logits need ~200 steps to make the right format 95% likely
// (the reference prints a format rate of 0.955 over its last 20 of 300 steps); R1-Zero's format
// reward is learned first and fast (§C.9), and the larger step gives the toy that shape.
import Autograd
import NeuralNets

/// Several optimizers stepped together, each over its own parameters (PyTorch's parameter groups).
public final class GroupedOptimizer: Optimizer {
    /// The groups, in order.
    public let groups: [any Optimizer]
    /// How each group's learning rate relates to the first's (kept when `learningRate` is set).
    private let scales: [Float]

    public init(_ groups: [any Optimizer]) {
        precondition(!groups.isEmpty, "a grouped optimizer needs a group")
        self.groups = groups
        let base = groups[0].learningRate
        scales = groups.map { base == 0 ? 1 : $0.learningRate / base }
    }

    public var parameters: [Tensor] { groups.flatMap(\.parameters) }

    /// The first group's rate; setting it sets every group in proportion.
    public var learningRate: Float {
        get { groups[0].learningRate }
        set { for (group, scale) in zip(groups, scales) { group.learningRate = newValue * scale } }
    }

    public func step() { for group in groups { group.step() } }
}

extension MLPPolicy {
    /// Adam at `learningRate` for the MLP and `formatScale` × that for the format logits.
    public func defaultOptimizer(learningRate: Float = 0.01, formatScale: Float = 10) -> GroupedOptimizer {
        GroupedOptimizer([Adam(parameters: network.hidden.parameters() + network.out.parameters(), learningRate: learningRate),
                          Adam(parameters: [network.format], learningRate: learningRate * formatScale)])
    }
}
