// Which expert each token of a text goes to, in one MoE layer of a micro-GPT: the picture of
// Mixtral's Figure 8 (tokens coloured by their first-choice expert), each expert's share, and
// the locality statistic — how often consecutive tokens pick the same first expert, against
// what independent choices with the same loads would give.
import Autograd
import NeuralNets

/// The first-choice expert of every token of a text in one layer.
public struct TokenRouting: Sendable {
    /// Each token's text.
    public let pieces: [String]
    /// Each token's first-choice expert.
    public let firstExpert: [Int]
    /// tokens × experts gate values.
    public let probabilities: [[Float]]
    /// Routed experts in the layer.
    public let expertCount: Int
    /// The layer (0-based block index).
    public let layer: Int

    /// Share of tokens whose first choice is each expert.
    public var shares: [Double] {
        var counts = [Double](repeating: 0, count: expertCount)
        for expert in firstExpert { counts[expert] += 1 }
        return counts.map { $0 / Double(Swift.max(firstExpert.count, 1)) }
    }

    /// Share of consecutive token pairs with the same first-choice expert.
    public var locality: Double {
        guard firstExpert.count >= 2 else { return 0 }
        let same = zip(firstExpert, firstExpert.dropFirst()).filter { $0 == $1 }.count
        return Double(same) / Double(firstExpert.count - 1)
    }

    /// 1/N: the locality of uniformly random choices.
    public var uniformChance: Double { 1 / Double(expertCount) }

    /// Σ shareᵢ²: the locality of independent choices with these loads (≥ 1/N).
    public var loadChance: Double { shares.reduce(0) { $0 + $1 * $1 } }

    /// The text with each token on its expert's background colour (ANSI 24-bit), then a legend.
    /// The colours are the routing figure's token boxes (`TokenTextSeries.tint` of palette colour i).
    public func ansi() -> String {
        func onColour(_ text: String, _ expert: Int) -> String {
            let (r, g, b) = TokenRouting.colour(expert)
            return "\u{1B}[48;2;\(r);\(g);\(b)m\u{1B}[38;2;0;0;0m\(text)\u{1B}[0m"
        }
        var text = ""
        for (piece, expert) in zip(pieces, firstExpert) {
            text += onColour(piece == "\n" ? "↵" : piece, expert)
            if piece == "\n" { text += "\n" }
        }
        let legend = (0 ..< expertCount).map { onColour(" expert \($0) ", $0) }
        return text + "\n" + legend.joined(separator: " ")
    }

    /// Expert i's box colour: matplotlib's tab10 colour i (the charts' palette, cycled) lightened
    /// 35% towards white, like a highlighter, so black text reads on every expert.
    public static func colour(_ expert: Int) -> (Int, Int, Int) {
        let palette = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
                       (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207)]
        let (r, g, b) = palette[((expert % palette.count) + palette.count) % palette.count]
        func lighten(_ channel: Int) -> Int { Int((Double(channel) + Double(255 - channel) * 0.35).rounded()) }
        return (lighten(r), lighten(g), lighten(b))
    }
}

extension MicroGPT {
    /// Routes `text` through the model (evaluation mode, no gradients) in consecutive windows of
    /// `context` tokens and reads block `layer`'s first choices.
    public func routing(tokenizer: CharTokenizer, text: String, layer: Int) throws -> TokenRouting {
        let mixtures = self.mixtures
        guard !mixtures.isEmpty else {
            throw TensorError.invalidArgument(op: "routing_text", reason: "the model is dense: it has no experts to route to (make it with moe=…)")
        }
        guard layer >= 0, layer < mixtures.count else {
            throw TensorError.invalidArgument(op: "routing_text", reason: "layer \(layer) is not in 0..<\(mixtures.count)")
        }
        let tokens = try tokenizer.encode(text)
        guard !tokens.isEmpty else { throw TensorError.invalidArgument(op: "routing_text", reason: "the text is empty") }
        setTraining(false)
        var first: [Int] = [], probabilities: [[Float]] = []
        try withNoGrad {
            for start in stride(from: 0, to: tokens.count, by: config.context) {
                let window = Array(tokens[start ..< Swift.min(start + config.context, tokens.count)])
                _ = try self(tokenTensor(window))
                guard let record = mixtures[layer].lastRouting else { preconditionFailure("a forward pass records its routing") }
                first += record.chosen.map { $0[0] }
                probabilities += record.probabilities
            }
        }
        return TokenRouting(pieces: try tokens.map { try tokenizer.decode([$0]) }, firstExpert: first,
                            probabilities: probabilities, expertCount: mixtures[layer].config.expertCount, layer: layer)
    }
}
