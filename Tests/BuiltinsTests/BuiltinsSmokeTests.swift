import Testing

@Test func BuiltinsPlaceholder() { #expect(1 + 1 == 2) }
