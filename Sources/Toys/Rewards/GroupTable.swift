// One group of a batch as a table a learner can read: each sample's text, its reward parts, its
// advantage, and its sequence log-probability before the update (π_old) and now, with the ratio.
import Autograd
import Foundation

/// One row of `GroupTable`.
public struct GroupRow {
    public let text: String
    public let accuracy: Double
    public let format: Double
    public let reward: Double
    public let advantage: Double
    /// log π_old(o|q): the sequence log-probability the update's ratio divided by.
    public let oldLogProbability: Double
    /// log π(o|q) under the policy as it is now.
    public let newLogProbability: Double
    /// π(o|q) / π_old(o|q) for the whole sequence.
    public var ratio: Double { exp(newLogProbability - oldLogProbability) }
}

/// Group `group` of a batch.
public struct GroupTable: CustomStringConvertible {
    public let question: Question
    public let rows: [GroupRow]

    /// The rows of `group` in `batch`, with the log-probabilities `policy` gives them now.
    public init(batch: RolloutBatch, group: Int, policy: any Policy, temperature: Float) throws {
        guard (0 ..< batch.groupCount).contains(group) else {
            throw RewardError.invalid("show_group: group \(group) is not in 0..<\(batch.groupCount)")
        }
        let rowRange = batch.rows(ofGroup: group)
        let completions = batch.completions.selecting(Array(rowRange))
        let now = try withNoGrad { try policy.logProbabilities(of: completions, temperature: temperature).values.storage }
        let old = batch.oldLogProbabilities ?? batch.completions.logProbabilities
        question = completions.questions[0]
        rows = rowRange.enumerated().map { local, row in
            GroupRow(text: batch.texts[row], accuracy: batch.scores[row].checks.accuracy, format: batch.scores[row].checks.format,
                     reward: batch.scores[row].reward, advantage: batch.advantages[row],
                     oldLogProbability: batch.completions.sequenceSum(old, row: row),
                     newLogProbability: completions.sequenceSum(now, row: local))
        }
    }

    public var description: String {
        let header = ["sample", "accuracy", "format", "reward", "advantage", "old logp", "new logp", "ratio"]
        let cells: [[String]] = rows.map { row in
            ["\"" + row.text + "\"", GroupTable.number(row.accuracy), GroupTable.number(row.format), GroupTable.number(row.reward),
             String(format: "%+.3f", row.advantage), String(format: "%.3f", row.oldLogProbability),
             String(format: "%.3f", row.newLogProbability), String(format: "%.3f", row.ratio)]
        }
        let widths = header.indices.map { column in ([header[column]] + cells.map { $0[column] }).map(\.count).max() ?? 0 }
        func line(_ values: [String]) -> String {
            values.enumerated().map { column, value in
                column == 0 ? value.padding(toLength: widths[0], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - value.count) + value
            }.joined(separator: "  ")
        }
        let sum = rows.reduce(0) { $0 + $1.advantage }
        return (["question: \(question.prompt)", line(header)] + cells.map(line)
                + ["advantages sum to \(String(format: "%.2g", sum))"]).joined(separator: "\n")
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }
}
