import Testing

@Test func NotebookPlaceholder() { #expect(1 + 1 == 2) }
