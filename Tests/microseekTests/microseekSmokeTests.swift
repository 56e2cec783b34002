import Testing

@Test func microseekPlaceholder() { #expect(1 + 1 == 2) }
