import Testing

@Test func ScriptPlaceholder() { #expect(1 + 1 == 2) }
