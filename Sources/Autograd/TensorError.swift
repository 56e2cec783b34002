// Errors raised by tensor operations on user input. Each case carries the values involved so the
// message a learner reads names the shapes, axes and sizes (tinygrad style: "(2, 3) != (4, 3)").

/// A tensor operation refused its input; `description` names the operation and the values involved.
public enum TensorError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Two operands whose shapes cannot be combined (broadcast, matmul, concat, …).
    case shapeMismatch(op: String, lhs: [Int], rhs: [Int])
    /// An axis outside `-rank ..< rank`.
    case invalidAxis(op: String, axis: Int, rank: Int)
    /// An index outside `0 ..< bound` (negative indices are normalised before the check).
    case indexOutOfRange(op: String, index: Int, bound: Int)
    /// A shape that the operation cannot accept (wrong rank, negative dimension, wrong element count).
    case invalidShape(op: String, shape: [Int], reason: String)
    /// A requested tensor larger than `TensorLimits.maximumElementCount`.
    case sizeLimitExceeded(shape: [Int], elementCount: Int, limit: Int)
    /// Any other bad argument (non-positive k, empty list, …), explained in words.
    case invalidArgument(op: String, reason: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(op, lhs, rhs):
            let verb = op == "matmul" || op == "linear" ? "do not align" : "are not compatible"
            return "\(op): shapes \(lhs) and \(rhs) \(verb)"
        case let .invalidAxis(op, axis, rank):
            return "\(op): axis \(axis) is out of range for a tensor of rank \(rank)"
        case let .indexOutOfRange(op, index, bound):
            return "\(op): index \(index) is out of range 0..<\(bound)"
        case let .invalidShape(op, shape, reason):
            return "\(op): shape \(shape) \(reason)"
        case let .sizeLimitExceeded(shape, count, limit):
            return TensorLimits.tooLargeMessage(shape: shape, elementCount: count, limit: limit)
        case let .invalidArgument(op, reason):
            return "\(op): \(reason)"
        }
    }
}
