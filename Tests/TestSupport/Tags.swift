// Tags shared by the test targets.
import Testing

extension Tag {
    /// Suites that take long (seed sweeps, fuzzing, lesson checks, the differential replay, the real
    /// Jupyter client). The README's fast loop skips them by suite name (this toolchain's
    /// `swift test` does not filter by tag yet); CI runs everything.
    @Tag public static var slow: Self
}
