// What one training step reports, and the per-step lists a run accumulates for charts. Both are
// keyed by metric name only, in a fixed order: the loss, its parts, then the objective's metrics,
// then what the model's modules report (expert load and imbalance when it has MoE layers).
import Foundation
import NeuralNets

/// One training step: named metrics, the loss first.
public struct StepRecord: CustomStringConvertible, Sendable {
    /// 1 for the first step.
    public let step: Int
    /// Every metric of the step in display order: "loss", its parts, then the rest.
    public let metrics: [Metric]
    /// The names among `metrics` that are parts of the loss (they add up to it).
    public let lossParts: [String]

    /// A record; `metrics` must start with "loss".
    public init(step: Int, metrics: [Metric], lossParts: [String]) {
        precondition(metrics.first?.name == "loss", "a step record starts with its loss")
        self.step = step
        self.metrics = metrics
        self.lossParts = lossParts
    }

    /// The value of the metric called `name`, if the step has one.
    public subscript(name: String) -> MetricValue? { metrics.first { $0.name == name }?.value }

    /// The number called `name` (nil when absent or a list).
    public func scalar(_ name: String) -> Double? { self[name]?.scalar }

    /// The total loss: the objective's plus every auxiliary term.
    public var loss: Double { scalar("loss") ?? .nan }

    /// The metric names in order.
    public var names: [String] { metrics.map(\.name) }

    /// `step 3  loss 1.0470 = task 0.0470 + aux 1.0000  accuracy 0.950  load [0.25 0.25]  imbalance 1.20`
    /// (the parts are shown when there is more than one).
    public var description: String {
        var text = "step \(step)  loss " + StepRecord.format(loss)
        if lossParts.count > 1 {
            text += " = " + lossParts.map { "\($0) " + StepRecord.format(scalar($0) ?? .nan) }.joined(separator: " + ")
        }
        for metric in metrics where metric.name != "loss" && !lossParts.contains(metric.name) {
            switch metric.value {
            case .scalar(let value): text += "  \(metric.name) " + StepRecord.format(value)
            case .vector(let values):
                text += "  \(metric.name) [" + values.map { String(format: "%.2f", $0) }.joined(separator: " ") + "]"
            }
        }
        return text
    }

    /// Four decimals for ordinary sizes, scientific notation for very small or large ones, and
    /// whole numbers as they are.
    public static func format(_ value: Double) -> String {
        if value.isNaN || value.isInfinite { return "\(value)" }
        if value == value.rounded(), abs(value) < 1e9 { return String(Int(value)) }
        let magnitude = abs(value)
        return magnitude < 1e-3 || magnitude >= 1e6 ? String(format: "%.3e", value) : String(format: "%.4f", value)
    }
}

/// Per-step lists, index i for step i + 1: one list per metric name, ready to plot.
public struct TrainingHistory: Sendable {
    /// Metric names in the order they first appeared.
    public private(set) var names: [String] = []
    private var columns: [String: [MetricValue]] = [:]
    /// Number of steps recorded.
    public private(set) var count = 0

    /// An empty history.
    public init() {}

    /// Appends one step. A metric a step lacks (or a new one) is NaN in the steps without it, so
    /// every list has one entry per step.
    public mutating func append(_ record: StepRecord) {
        for metric in record.metrics where columns[metric.name] == nil {
            names.append(metric.name)
            columns[metric.name] = Array(repeating: .scalar(.nan), count: count)
        }
        for name in names {
            columns[name, default: []].append(record[name] ?? .scalar(.nan))
        }
        count += 1
    }

    /// The values of `name` over the steps (nil for an unknown name).
    public subscript(name: String) -> [MetricValue]? { columns[name] }

    /// The numbers of `name` over the steps (NaN where a step had a list or nothing).
    public func scalars(_ name: String) -> [Double] { columns[name]?.map { $0.scalar ?? .nan } ?? [] }

    /// The lists of `name` over the steps, one per step (empty lists where a step had a number).
    public func vectors(_ name: String) -> [[Double]] { columns[name]?.map { $0.vector ?? [] } ?? [] }

    /// The total loss per step.
    public var loss: [Double] { scalars("loss") }
}
