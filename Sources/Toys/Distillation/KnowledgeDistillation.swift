// Hinton, Vinyals & Dean (2015) knowledge distillation, science.md §B.1:
//   loss = α · T² · KL(softmax(v/T) ‖ softmax(z/T)) + (1 − α) · CE(softmax(z), y)
// with v the teacher's logits, z the student's, KL summed over classes and averaged over the batch
// ("batchmean", §B.3). The soft term's gradient shrinks as 1/T², so T² keeps it comparable to the
// hard term's at any temperature.
import Autograd

/// Soft targets, the distillation loss and the divergences it is made of.
public enum Distillation {
    /// One distillation loss with its two weighted terms (they add up to `loss`).
    public struct Loss {
        /// α·soft + (1 − α)·hard, a scalar.
        public let loss: Tensor
        /// α · T² · KL(p_teacher,T ‖ q_student,T), a scalar.
        public let soft: Tensor
        /// (1 − α) · CE(student, labels), a scalar (0 without labels or at α = 1).
        public let hard: Tensor
    }

    /// softmax(logits / T) over the last axis: a teacher's probabilities at temperature T. T = 1
    /// is the ordinary softmax; a larger T flattens them and shows the small ones ("dark knowledge").
    public static func softTargets(_ logits: Tensor, temperature: Double) throws -> Tensor {
        try checkTemperature(temperature, op: "soft_targets")
        guard logits.rank >= 1 else {
            throw TensorError.invalidArgument(op: "soft_targets", reason: "logits have shape \(logits.shape): they need a class axis")
        }
        return try (logits / Float(temperature)).softmax(axis: -1)
    }

    /// The distillation loss of student logits against teacher logits (both [N, C]); `labels`
    /// (N classes) give the hard term, nil leaves it out (a transfer set without labels: then α
    /// must be 1, all weight on the soft term).
    public static func loss(studentLogits: Tensor, teacherLogits: Tensor, labels: [Int]?,
                            temperature: Double, alpha: Double) throws -> Loss {
        try checkTemperature(temperature, op: "kd_loss")
        try checkAlpha(alpha, op: "kd_loss")
        guard studentLogits.rank == 2, studentLogits.shape == teacherLogits.shape else {
            throw TensorError.invalidArgument(op: "kd_loss", reason: "student logits \(studentLogits.shape) and teacher logits \(teacherLogits.shape) must have the same shape [batch, classes]")
        }
        if labels == nil, alpha != 1 {
            throw TensorError.invalidArgument(op: "kd_loss", reason: "alpha = \(alpha) weighs a hard-label term by \(1 - alpha), but there are no labels; use alpha=1")
        }
        let t = Float(temperature)
        let divergence = try Tensor.klDivergence(studentLogits: studentLogits, teacherLogits: teacherLogits, temperature: t)
        let soft = divergence * (Float(alpha) * t * t)
        guard let labels, alpha < 1 else {
            return Loss(loss: soft, soft: soft, hard: Tensor(0))
        }
        guard labels.count == studentLogits.shape[0] else {
            throw TensorError.invalidArgument(op: "kd_loss", reason: "\(labels.count) labels for \(studentLogits.shape[0]) rows of logits: they need one label per row")
        }
        let hard = try Tensor.crossEntropy(logits: studentLogits, targets: labels) * Float(1 - alpha)
        return Loss(loss: try soft + hard, soft: soft, hard: hard)
    }

    // MARK: - Checks

    /// T must be a positive, finite number.
    public static func checkTemperature(_ temperature: Double, op: String) throws {
        guard temperature > 0, temperature.isFinite else {
            throw TensorError.invalidArgument(op: op, reason: "T = \(format(temperature)) must be a positive temperature (T = 1 is the ordinary softmax)")
        }
    }

    /// α must lie in [0, 1]: the soft term's weight (the hard term gets 1 − α).
    public static func checkAlpha(_ alpha: Double, op: String) throws {
        guard alpha >= 0, alpha <= 1 else {
            throw TensorError.invalidArgument(op: op, reason: "alpha = \(format(alpha)) must be between 0 and 1 (the weight of the soft term; the hard term gets 1 − alpha)")
        }
    }

    /// 4, 0.5, -1 rather than 4.0, 0.5, -1.0.
    static func format(_ value: Double) -> String {
        value == value.rounded() && Swift.abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
