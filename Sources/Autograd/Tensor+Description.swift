import Foundation

// How a tensor prints: its shape, then its values nested like the shape, cut with … when a
// dimension is long (the REPL echoes this).

extension Tensor: CustomStringConvertible {
    /// Dimensions longer than this show their first and last `edgeItems` entries around "…".
    static let summaryThreshold = 8
    static let edgeItems = 3

    /// `tensor([2, 3]) [[1, 2, 3], [4, 5, 6]]`, long dimensions cut with ….
    public var description: String {
        let suffix = requiresGrad ? ", requiresGrad" : ""
        return "tensor(\(shape)\(suffix)) " + describe(axis: 0, offset: 0)
    }

    private func describe(axis: Int, offset: Int) -> String {
        if axis == rank { return Tensor.format(storage[offset]) }
        let dimension = shape[axis]
        let stride = shape[(axis + 1)...].reduce(1, *)
        var positions = Array(0 ..< dimension)
        var cut = false
        if dimension > Tensor.summaryThreshold {
            positions = Array(0 ..< Tensor.edgeItems) + Array((dimension - Tensor.edgeItems) ..< dimension)
            cut = true
        }
        var parts = positions.map { describe(axis: axis + 1, offset: offset + $0 * stride) }
        if cut { parts.insert("…", at: Tensor.edgeItems) }
        return "[" + parts.joined(separator: ", ") + "]"
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
