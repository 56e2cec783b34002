import Testing

@Test func PlottingPlaceholder() { #expect(1 + 1 == 2) }
