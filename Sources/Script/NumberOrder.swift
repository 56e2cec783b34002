// The stable ascending order of many numbers by radix sort (`sorted`, `sorted(key=)` with number
// keys). A comparison sort of 6,000 keys made about 13 comparisons a key through an index
// (about 290 instructions a key); a radix sort reads each key once per byte that differs
// between the keys (three or four passes for keys such as 0–97,000).

extension StandardLibrary {
    /// Below this many keys the comparison sort is cheaper than the radix sort's tables.
    static let radixThreshold = 256

    /// The stable ascending order of `numbers` under `<`, none of them NaN (NaN is unordered:
    /// such keys go to the comparison sort, whose result they shape). Each number is mapped to
    /// 64 bits ordered as the numbers are (negative zero as zero, since `-0 < 0` is false: equal
    /// numbers get equal bits), then sorted least significant byte first; every pass keeps the
    /// order of equal bytes, so equal numbers stay in their original order, as in a stable
    /// comparison sort, whose result is the same.
    static func radixOrder(_ numbers: UnsafeBufferPointer<Double>) -> [Int] {
        let total = numbers.count
        guard total > 1 else { return Array(0..<total) }
        let keys = UnsafeMutablePointer<UInt64>.allocate(capacity: 2 * total)
        let indices = UnsafeMutablePointer<Int>.allocate(capacity: 2 * total)
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: 8 * 256)
        defer {
            keys.deallocate()
            indices.deallocate()
            counts.deallocate()
        }
        counts.initialize(repeating: 0, count: 8 * 256)
        for position in 0..<total {
            let number = numbers[position]
            let bits = (number == 0 ? 0.0 : number).bitPattern
            // Negative numbers: all bits flipped (larger magnitude sorts first); others: the
            // sign bit set, so they follow every negative number.
            let key = bits >> 63 == 1 ? ~bits : bits | (1 << 63)
            keys[position] = key
            indices[position] = position
            for byte in 0..<8 { counts[byte &* 256 &+ Int(truncatingIfNeeded: (key >> (8 &* UInt64(byte))) & 255)] &+= 1 }
        }
        var source = 0, target = total
        for byte in 0..<8 {
            let table = counts + byte * 256
            let shift = UInt64(8 * byte)
            // A byte every key shares orders nothing.
            if table[Int(truncatingIfNeeded: (keys[source] >> shift) & 255)] == total { continue }
            var start = 0
            for digit in 0..<256 {
                let count = table[digit]
                table[digit] = start
                start &+= count
            }
            for position in 0..<total {
                let key = keys[source &+ position]
                let digit = Int(truncatingIfNeeded: (key >> shift) & 255)
                let place = table[digit]
                table[digit] = place &+ 1
                keys[target &+ place] = key
                indices[target &+ place] = indices[source &+ position]
            }
            swap(&source, &target)
        }
        return Array(UnsafeBufferPointer(start: indices + source, count: total))
    }
}
