// What a trainer minimises. An objective computes one step's loss with the model in training
// mode, and names the loss's parts and its own metrics; the trainer adds the modules' auxiliary
// terms, steps the optimiser and records everything by name. Distillation and policy gradients
// are objectives too, so every idea trains through the same `Trainer`.
import Autograd
import NeuralNets

/// One step's loss, its named parts and the objective's own metrics.
public struct ObjectiveLoss {
    /// The scalar to minimise (before the modules' auxiliary terms).
    public var loss: Tensor
    /// Weighted terms that add up to `loss`, shown as `loss 1.05 = soft 0.95 + hard 0.10`; empty
    /// when the loss has a single term (it is then reported as "task").
    public var parts: [(name: String, value: Double)]
    /// The objective's metrics (accuracy, rewards, teacher agreement …), in display order.
    public var metrics: [Metric]

    /// A loss with its parts and metrics.
    public init(loss: Tensor, parts: [(name: String, value: Double)] = [], metrics: [Metric] = []) {
        self.loss = loss
        self.parts = parts
        self.metrics = metrics
    }
}

/// A training objective: the loss of one update step.
public protocol Objective: AnyObject {
    /// A short name for summaries ("cross_entropy").
    var name: String { get }
    /// Computes the loss of step `step` (1 for the first). The trainer has put `model` in training
    /// mode; the objective draws its own batch (or samples its own rollouts).
    func loss(model: any Module, step: Int) throws -> ObjectiveLoss
}
