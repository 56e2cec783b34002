import Testing

@Test func PlotPNGPlaceholder() { #expect(1 + 1 == 2) }
