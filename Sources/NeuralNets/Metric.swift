// A named quantity reported for one training step: the loss and its parts, an objective's
// accuracy, an MoE layer's expert load. Trainers print and record metrics by name only, so a new
// idea adds its own quantities without the trainer knowing them.

/// One step's value of a named quantity: a number, or a list (one value per expert).
public enum MetricValue: Sendable, Equatable {
    case scalar(Double)
    case vector([Double])

    /// The number, or nil for a list.
    public var scalar: Double? { if case .scalar(let value) = self { value } else { nil } }
    /// The list, or nil for a number.
    public var vector: [Double]? { if case .vector(let values) = self { values } else { nil } }
}

/// A named value of one step, and how values of the same name from several modules combine.
public struct Metric: Sendable, Equatable {
    /// How two modules' values of one metric combine into the step's value.
    public enum Combination: Sendable, Equatable {
        /// The first module's (in forward order): e.g. the load of the first MoE layer.
        case first
        /// The largest: e.g. the worst imbalance over the MoE layers.
        case maximum
        /// The sum: e.g. tokens dropped for capacity over all layers.
        case sum
    }

    /// The name shown in records and histories ("loss", "accuracy", "imbalance").
    public let name: String
    /// The step's value.
    public let value: MetricValue
    /// How it combines with another module's metric of the same name.
    public let combination: Combination

    /// A metric with a number.
    public init(_ name: String, _ value: Double, combination: Combination = .first) {
        self.name = name
        self.value = .scalar(value)
        self.combination = combination
    }

    /// A metric with a list of numbers.
    public init(_ name: String, _ values: [Double], combination: Combination = .first) {
        self.name = name
        self.value = .vector(values)
        self.combination = combination
    }

    /// Combines metrics of the same name by their rule, keeping the order of first appearance.
    public static func combined(_ metrics: [Metric]) -> [Metric] {
        var result: [Metric] = []
        for metric in metrics {
            guard let index = result.firstIndex(where: { $0.name == metric.name }) else {
                result.append(metric)
                continue
            }
            let existing = result[index]
            switch (existing.combination, existing.value, metric.value) {
            case (.maximum, .scalar(let a), .scalar(let b)):
                result[index] = Metric(existing.name, Swift.max(a, b), combination: .maximum)
            case (.sum, .scalar(let a), .scalar(let b)):
                result[index] = Metric(existing.name, a + b, combination: .sum)
            default:
                break   // .first, or lists (which only combine as .first)
            }
        }
        return result
    }
}
