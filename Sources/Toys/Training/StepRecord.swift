// What one training step reports, and the per-step lists a run accumulates for charts.
import Foundation

/// One training step: the loss and its parts, batch accuracy, and the routing of every MoE layer.
public struct StepRecord: CustomStringConvertible, Sendable {
    /// 1 for the first step.
    public let step: Int
    /// task + auxiliary.
    public let loss: Double
    /// Cross-entropy of the batch.
    public let taskLoss: Double
    /// Sum of the MoE layers' weighted auxiliary losses (0 without any).
    public let auxiliaryLoss: Double
    /// Share of the batch classified correctly.
    public let accuracy: Double
    /// Share of assignments per expert in the first MoE layer (empty without one).
    public let load: [Double]
    /// The largest max/mean load over the MoE layers (0 without one).
    public let imbalance: Double
    /// Assignments dropped for capacity, summed over MoE layers.
    public let dropped: Int

    public var description: String {
        var text = String(format: "step %d  loss %.4f (task %.4f + aux %.4f)  acc %.3f", step, loss, taskLoss,
                          auxiliaryLoss, accuracy)
        if !load.isEmpty {
            text += "  load [" + load.map { String(format: "%.2f", $0) }.joined(separator: " ") + "]"
            text += String(format: "  imbalance %.2f", imbalance)
        }
        if dropped > 0 { text += "  dropped \(dropped)" }
        return text
    }
}

/// Per-step lists, index i for step i + 1: ready to plot.
public struct TrainingHistory: Sendable {
    public private(set) var loss: [Double] = []
    public private(set) var taskLoss: [Double] = []
    public private(set) var auxiliaryLoss: [Double] = []
    public private(set) var accuracy: [Double] = []
    public private(set) var imbalance: [Double] = []
    /// load[step][expert].
    public private(set) var load: [[Double]] = []

    /// An empty history.
    public init() {}

    /// Appends one step.
    public mutating func append(_ record: StepRecord) {
        loss.append(record.loss)
        taskLoss.append(record.taskLoss)
        auxiliaryLoss.append(record.auxiliaryLoss)
        accuracy.append(record.accuracy)
        imbalance.append(record.imbalance)
        load.append(record.load)
    }

    /// Number of steps recorded.
    public var count: Int { loss.count }
}
