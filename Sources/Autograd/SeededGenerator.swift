// Our own random generator so the same seed gives the same bits on every platform and Swift
// version (the standard library's generator is unseeded and its algorithms may change).

import Foundation

/// SplitMix64 (Steele, Lea, Flood 2014): a 64-bit state advanced by a constant and mixed.
/// Small, fast, and passes BigCrush; enough for initialisation and toy data.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    /// The current state; copying the generator copies the stream.
    public private(set) var state: UInt64

    /// Starts the stream at `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A uniform Double in [0, 1) with 53 random bits.
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform Float in [0, 1) with 24 random bits.
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1.0p-24
    }

    /// A standard normal pair by Box-Muller, computed in Double for accuracy.
    public mutating func nextNormalPair() -> (Double, Double) {
        let u1 = 1.0 - nextUnitDouble()          // (0, 1]: log never sees zero
        let u2 = nextUnitDouble()
        let radius = (-2.0 * log(u1)).squareRoot()
        let angle = 2.0 * Double.pi * u2
        return (radius * cos(angle), radius * sin(angle))
    }

    /// A uniform integer in `0 ..< upperBound` (Lemire's unbiased method via the standard library).
    public mutating func nextInt(below upperBound: Int) -> Int {
        Int.random(in: 0 ..< upperBound, using: &self)
    }
}
