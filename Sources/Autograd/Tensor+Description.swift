import Foundation

// How a tensor prints: its values nested like the shape, then the shape, cut with … when a
// dimension is long (the REPL echoes this).

extension Tensor: CustomStringConvertible {
    /// Dimensions longer than this show their first and last `edgeItems` entries around "…".
    static let summaryThreshold = 8
    static let edgeItems = 3

    /// Rows longer than this many characters are printed one per line.
    static let lineWidth = 80

    /// `tensor([[1, 2, 3], [4, 5, 6]], shape=[2, 3])`: reads like the call that makes it, with
    /// the shape after the values; long dimensions are cut with … and wide matrices break
    /// one row per line, aligned under the first (as NumPy and PyTorch print).
    public var description: String {
        let flag = requiresGrad ? ", requires_grad=true" : ""
        let tail = ", shape=\(shape)\(flag))"
        let oneLine = describe(axis: 0, offset: 0, breakRows: false)
        if rank < 2 || oneLine.count + tail.count + 7 <= Tensor.lineWidth {
            return "tensor(" + oneLine + tail
        }
        return "tensor(" + describe(axis: 0, offset: 0, breakRows: true) + tail
    }

    /// The values of the sub-tensor at `offset` from `axis` on, nested in brackets.
    private func describe(axis: Int, offset: Int, breakRows: Bool) -> String {
        if axis == rank { return Tensor.format(storage[offset]) }
        let dimension = shape[axis]
        let stride = shape[(axis + 1)...].reduce(1, *)
        var positions = Array(0 ..< dimension)
        var cut = false
        if dimension > Tensor.summaryThreshold {
            positions = Array(0 ..< Tensor.edgeItems) + Array((dimension - Tensor.edgeItems) ..< dimension)
            cut = true
        }
        var parts = positions.map { describe(axis: axis + 1, offset: offset + $0 * stride, breakRows: breakRows) }
        if cut { parts.insert("…", at: Tensor.edgeItems) }
        // Break between the sub-tensors of every axis but the last; indent past "tensor(" and
        // the brackets already open, so columns line up.
        let separator = breakRows && axis < rank - 1
            ? ",\n" + String(repeating: " ", count: "tensor(".count + axis + 1)
            : ", "
        return "[" + parts.joined(separator: separator) + "]"
    }

    /// Shortest form that reads back: whole numbers without ".0", others with up to 6 significant digits.
    static func format(_ value: Float) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded(), Swift.abs(value) < 1e7 { return String(Int(value)) }
        var text = String(format: "%.6g", Double(value))
        if text.contains("e") { return text }
        if text.contains(".") { while text.hasSuffix("0") { text.removeLast() } }
        return text
    }
}
