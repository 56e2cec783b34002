// A character-level tokenizer with special tokens: every distinct character of a text (or an
// alphabet) is one token, and each special string ("<think>", "<eos>") is one token too.
import Autograd

/// Characters and special strings ↔ token ids. Ids: the characters in sorted order, then the
/// specials in the order given.
public struct CharTokenizer: Sendable, Equatable {
    /// The R1 template's tags and the end-of-sequence token.
    public static let defaultSpecials = ["<think>", "</think>", "<answer>", "</answer>", "<eos>"]

    /// Token id → its text (one character or one special string).
    public let pieces: [String]
    /// The special strings, longest first (encoding tries them before single characters).
    private let specialsByLength: [String]
    private let ids: [String: Int]

    /// Tokens for every distinct character of `text` plus `specials`. Specials must be distinct
    /// and at least two characters long (a one-character special would shadow that character).
    public init(text: String, specials: [String] = CharTokenizer.defaultSpecials) throws {
        guard Set(specials).count == specials.count else {
            throw TensorError.invalidArgument(op: "chars", reason: "specials \(specials) repeat a string")
        }
        if let short = specials.first(where: { $0.count < 2 }) {
            throw TensorError.invalidArgument(op: "chars", reason: "special \"\(short)\" must be at least two characters")
        }
        let characters = Set(text.map { String($0) }).sorted()
        guard !characters.isEmpty || !specials.isEmpty else {
            throw TensorError.invalidArgument(op: "chars", reason: "the text is empty and there are no specials: no tokens")
        }
        pieces = characters + specials
        specialsByLength = specials.sorted { $0.count > $1.count }
        var ids: [String: Int] = [:]
        for (id, piece) in pieces.enumerated() { ids[piece] = id }
        self.ids = ids
    }

    /// Vocabulary size, specials included.
    public var size: Int { pieces.count }

    /// The id of a character or special string, if it has one.
    public func id(of piece: String) -> Int? { ids[piece] }

    /// Text → ids; a special string is one token. A character outside the vocabulary is an error
    /// naming it and its position.
    public func encode(_ text: String) throws -> [Int] {
        var result: [Int] = []
        var index = text.startIndex
        var position = 0
        outer: while index < text.endIndex {
            for special in specialsByLength where text[index...].hasPrefix(special) {
                if let id = ids[special] { result.append(id) }
                index = text.index(index, offsetBy: special.count)
                position += special.count
                continue outer
            }
            let character = String(text[index])
            guard let id = ids[character] else {
                throw TensorError.invalidArgument(op: "encode", reason:
                    "character \(character.debugDescription) at position \(position) is not in the vocabulary of \(size) tokens")
            }
            result.append(id)
            index = text.index(after: index)
            position += 1
        }
        return result
    }

    /// Ids → text; an id outside the vocabulary is an error.
    public func decode(_ tokens: [Int]) throws -> String {
        var text = ""
        for token in tokens {
            guard token >= 0, token < pieces.count else {
                throw TensorError.invalidArgument(op: "decode", reason: "token \(token) is not in 0..<\(size)")
            }
            text += pieces[token]
        }
        return text
    }
}
