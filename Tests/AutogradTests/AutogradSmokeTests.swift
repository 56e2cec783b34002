import Testing

@Test func AutogradPlaceholder() { #expect(1 + 1 == 2) }
