import Testing
@testable import Plotting

// Expected values below were worked out by hand from the 1-2-2.5-5 step rule.

@Suite struct TickTests {
    @Test func niceStepPicksOneTwoFiveMultiples() {
        #expect(TickLocator.niceStep(span: 10, targetCount: 5) == 2)
        #expect(TickLocator.niceStep(span: 1, targetCount: 5) == 0.2)
        #expect(TickLocator.niceStep(span: 7, targetCount: 7) == 1)
        #expect(TickLocator.niceStep(span: 1000, targetCount: 4) == 250)
        #expect(TickLocator.niceStep(span: 0.003, targetCount: 6) == 0.0005)
    }

    @Test func linearTicksStayInsideTheRangeWithoutDrift() {
        let (values, step) = TickLocator.linear(lower: -0.05, upper: 1.05, targetCount: 6)
        #expect(step == 0.2)
        #expect(values.count == 6)
        for (value, expected) in zip(values, [0, 0.2, 0.4, 0.6, 0.8, 1.0]) {
            #expect(abs(value - expected) < 1e-12)
        }
    }

    @Test func labelsHaveNoFloatNoise() {
        let (values, step) = TickLocator.linear(lower: 0, upper: 0.35, targetCount: 7)
        let labels = TickFormatter.labels(for: values, step: step)
        #expect(step == 0.05)
        #expect(labels == ["0", "0.05", "0.10", "0.15", "0.20", "0.25", "0.30", "0.35"])
    }

    @Test func labelsUseConsistentDecimalsAndTypographicMinus() {
        let labels = TickFormatter.labels(for: [-0.5, 0, 0.5, 1.0], step: 0.5)
        #expect(labels == ["\u{2212}0.5", "0", "0.5", "1.0"])
    }

    @Test func largeValuesUseSuffixesAndScientific() {
        #expect(TickFormatter.labels(for: [0, 20_000, 40_000], step: 20_000) == ["0", "20k", "40k"])
        #expect(TickFormatter.labels(for: [0, 2_500_000, 5_000_000], step: 2_500_000) == ["0", "2.5M", "5M"])
        #expect(TickFormatter.labels(for: [0, 1e9, 2e9], step: 1e9) == ["0", "1e9", "2e9"])
        #expect(TickFormatter.labels(for: [0, 2.5e-4, 5e-4], step: 2.5e-4) == ["0", "2.5e\u{2212}4", "5e\u{2212}4"])
    }

    @Test func logTicksSitAtPowersOfTen() {
        let ticks = TickLocator.log(lower: 0.5, upper: 2000, maxCount: 8)
        #expect(ticks == [1, 10, 100, 1000])
        #expect(TickFormatter.logLabel(0.01) == "0.01")
        #expect(TickFormatter.logLabel(1000) == "1000")
        #expect(TickFormatter.logLabel(1e6) == "1e6")
    }

    @Test func logTicksThinManyDecadesAndFillNarrowRanges() {
        let wide = TickLocator.log(lower: 1e-8, upper: 1e8, maxCount: 6)
        #expect(wide.count <= 7)
        #expect(wide.contains(1))
        let narrow = TickLocator.log(lower: 1.5, upper: 30, maxCount: 8)
        #expect(narrow == [2, 5, 10, 20])
        let threeDecades = TickLocator.log(lower: 0.9, upper: 700, maxCount: 10)
        #expect(threeDecades == [1, 2, 5, 10, 20, 50, 100, 200, 500])
    }

    @Test func compactValuesForCells() {
        #expect(TickFormatter.compact(0.12345) == "0.12")
        #expect(TickFormatter.compact(12.34) == "12.3")
        #expect(TickFormatter.compact(-3) == "\u{2212}3")
        #expect(TickFormatter.compact(123456) == "1.23e5")
    }

    @Test func niceStrideForCategories() {
        #expect(AxisModel.niceStride(atLeast: 0.7) == 1)
        #expect(AxisModel.niceStride(atLeast: 2.1) == 4)
        #expect(AxisModel.niceStride(atLeast: 6) == 10)
        #expect(AxisModel.niceStride(atLeast: 11) == 20)
    }
}
