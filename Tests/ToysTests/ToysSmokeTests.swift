import Testing

@Test func ToysPlaceholder() { #expect(1 + 1 == 2) }
