import Testing

@Test func REPLPlaceholder() { #expect(1 + 1 == 2) }
