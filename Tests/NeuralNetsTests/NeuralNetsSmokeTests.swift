import Testing

@Test func NeuralNetsPlaceholder() { #expect(1 + 1 == 2) }
