// The distiller's objective: each step draws a batch of the transfer set, runs the frozen teacher
// (evaluation mode, no gradient) and the student, and returns Hinton's loss with its two weighted
// parts ("soft", "hard") and what a learner watches: agreement with the teacher, the student's and
// the teacher's accuracy on the batch's labels.
import Autograd
import NeuralNets

/// Hinton's distillation of a frozen teacher into the model being trained (the student).
public final class DistillationObjective: Objective {
    /// The frozen teacher: never trained here, always run in evaluation mode without gradients.
    public let teacher: any Module
    /// The transfer set's inputs [n, …].
    public let inputs: Tensor
    /// The transfer set's labels, when it has any (they are used only when `usesLabels`).
    public let labels: [Int]?
    /// T: both teacher and student logits are divided by it in the soft term.
    public let temperature: Double
    /// α: the soft term's weight; the hard term gets 1 − α.
    public let alpha: Double
    /// Whether the hard-label term is part of the loss (false: distil from soft targets alone).
    public let usesLabels: Bool
    /// Classes both models score.
    public let classCount: Int
    private var sampler: BatchSampler

    /// Checks the settings and that teacher and student score the same classes (naming both
    /// shapes when they do not) and share no parameter. `labels` nil is a transfer set without
    /// labels; `usesLabels` false ignores labels it has (then α must be 1).
    public init(teacher: any Module, student: any Module, inputs: Tensor, labels: [Int]?, temperature: Double,
                alpha: Double, usesLabels: Bool, batchSize: Int, seed: UInt64) throws {
        try Distillation.checkTemperature(temperature, op: "distiller")
        try Distillation.checkAlpha(alpha, op: "distiller")
        if usesLabels, labels == nil {
            throw TensorError.invalidArgument(op: "distiller", reason: "the transfer set has no labels; pass labels=false to distil from the teacher's soft targets alone")
        }
        if !usesLabels, alpha != 1 {
            throw TensorError.invalidArgument(op: "distiller", reason: "alpha = \(Distillation.format(alpha)) weighs a hard-label term, but labels=false uses no labels; leave alpha out (it is then 1)")
        }
        guard inputs.rank >= 1, inputs.shape[0] >= 1 else {
            throw TensorError.invalidArgument(op: "distiller", reason: "the transfer set has shape \(inputs.shape): it needs at least one row")
        }
        if let labels, labels.count != inputs.shape[0] {
            throw TensorError.invalidArgument(op: "distiller", reason: "\(labels.count) labels for \(inputs.shape[0]) rows: they need one label per row")
        }
        let teacherIdentities = Set(teacher.parameters().map(ObjectIdentifier.init))
        if student.parameters().contains(where: { teacherIdentities.contains(ObjectIdentifier($0)) }) {
            throw TensorError.invalidArgument(op: "distiller", reason: "the teacher and the student share parameters; the student must be a separate model (training it would change the teacher)")
        }
        // Both models on the first row, to compare their class counts before any training.
        let probe = try inputs.slice(axis: 0, start: 0, end: 1)                     // (1, …)
        teacher.setTraining(false)
        let (teacherShape, studentShape) = try withNoGrad { (try teacher(probe).shape, try student(probe).shape) }
        guard teacherShape.count == 2, studentShape.count == 2 else {
            throw TensorError.invalidArgument(op: "distiller", reason: "for one row the teacher gives \(teacherShape) and the student \(studentShape); both must give class scores [rows, classes]")
        }
        guard teacherShape == studentShape else {
            throw TensorError.invalidArgument(op: "distiller", reason: "the teacher gives \(teacherShape) class scores for one row but the student gives \(studentShape): they must score the same number of classes")
        }
        self.teacher = teacher
        self.inputs = inputs
        self.labels = labels
        self.temperature = temperature
        self.alpha = alpha
        self.usesLabels = usesLabels
        classCount = teacherShape[1]
        if let labels, let bad = labels.first(where: { $0 < 0 || $0 >= teacherShape[1] }) {
            throw TensorError.invalidArgument(op: "distiller", reason: "label \(bad) is not one of the models' \(teacherShape[1]) classes (0..<\(teacherShape[1]))")
        }
        sampler = try BatchSampler(rowCount: inputs.shape[0], batchSize: batchSize, seed: seed)
    }

    public var name: String { "distillation" }
    /// Rows per step.
    public var batchSize: Int { sampler.batchSize }

    /// Throws when `optimizer` would update any of the teacher's parameters.
    public func checkOptimizer(_ optimizer: any Optimizer) throws {
        let teacherIdentities = Set(teacher.parameters().map(ObjectIdentifier.init))
        if optimizer.parameters.contains(where: { teacherIdentities.contains(ObjectIdentifier($0)) }) {
            throw TensorError.invalidArgument(op: "distiller", reason: "opt updates the teacher's parameters; the teacher is frozen: give the optimizer the student's (adam(student))")
        }
    }

    public func loss(model: any Module, step: Int) throws -> ObjectiveLoss {
        let rows = sampler.next()
        let batch = try inputs.indexSelect(axis: 0, indices: rows)                   // (B, …)
        let batchLabels = labels.map { all in rows.map { all[$0] } }
        teacher.setTraining(false)                                                   // frozen: no noise, no aux terms
        let teacherLogits = try withNoGrad { try teacher(batch) }                    // (B, C), no graph
        let studentLogits = try model(batch)                                         // (B, C)
        guard studentLogits.shape == teacherLogits.shape else {
            throw TensorError.invalidArgument(op: "distiller", reason: "the student gives \(studentLogits.shape) for a batch where the teacher gives \(teacherLogits.shape)")
        }
        let parts = try Distillation.loss(studentLogits: studentLogits, teacherLogits: teacherLogits,
                                          labels: usesLabels ? batchLabels : nil, temperature: temperature, alpha: alpha)
        let studentChoices = try withNoGrad { try studentLogits.argmax(axis: 1).integerValues }
        let teacherChoices = try teacherLogits.argmax(axis: 1).integerValues
        var metrics = [Metric("agreement", Self.share(studentChoices, teacherChoices))]
        if let batchLabels {
            metrics.append(Metric("accuracy", Self.share(studentChoices, batchLabels)))
            metrics.append(Metric("teacher_accuracy", Self.share(teacherChoices, batchLabels)))
        }
        var named: [(name: String, value: Double)] = [("soft", Double(try parts.soft.item()))]
        if usesLabels { named.append(("hard", Double(try parts.hard.item()))) }
        return ObjectiveLoss(loss: parts.loss, parts: named, metrics: metrics)
    }

    /// Share of positions where the two lists agree.
    static func share(_ first: [Int], _ second: [Int]) -> Double {
        Double(zip(first, second).filter { $0 == $1 }.count) / Double(Swift.max(first.count, 1))
    }
}
