// Tags shared by the test targets.
import Testing

extension Tag {
    /// Suites that take long (seed sweeps, fuzzing, lesson checks, the differential replay, the real
    /// Jupyter client): `swift test --skip tag:slow` is the fast loop; CI runs everything.
    @Tag public static var slow: Self
}
