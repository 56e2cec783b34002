// `arith_pretraining(n=, careless=, seed=)`: lesson 06's pretraining text (Toys/MicroGPT/
// ArithmeticPretraining.swift) as next-token data with its texts: worked sums with plain results,
// and careless template lines whose answer tags hold wrong numbers, never a right one.

import Autograd
import Foundation
import NeuralNets
import Script
import Toys

enum ArithmeticPretrainingBuiltin {
    static func install(_ context: BuiltinContext) {
        context.define("arith_pretraining", help: """
            arith_pretraining(n=, careless=0.3, digits=2, seed=, tokenizer=): n additions as pretraining text with no right
            answer inside R1's answer template: most lines work the columns with carries and state the result plainly
            ("47+38=<think>7+8=15,4+3+1=8</think>85<eos>"); a share `careless` of the problems is written in the template
            with a scratch line that slips on the carry into the second column (drops it or adds one), so the tag always
            holds a number ten off ("47+38=<think>7+8=15,4+3=7</think><answer>75</answer><eos>"). Next-token data (each line padded with <eos>)
            for trainer(m, data, loss="next_token"), with .texts and .tokenizer.
              p = arith_pretraining(n=200, seed=0); p.texts[0]; p.n
            """) { arguments in
            try arguments.rejectUnknownNames(["n", "careless", "digits", "seed", "tokenizer"])
            let count = try arguments.integer(at: 0, named: "n")
            let careless = try arguments.number(named: "careless", default: 0.3)
            let digits = try arguments.integer(named: "digits", default: 2)
            let seed = try context.seed(arguments)
            var tokenizer = try ArithmeticSet.tokenizer()
            if let given = try arguments.value(named: "tokenizer"), !given.isNull {
                tokenizer = try arguments.object(named: "tokenizer", as: TokenizerObject.self, described: "a tokenizer").tokenizer
            }
            return try rethrowingNamed("arith_pretraining") {
                let set = try ArithmeticSet(count: count, digits: digits, ops: "+", think: true, seed: seed)
                let texts = try ArithmeticPretraining.texts(set.problems, careless: careless, seed: seed &+ 1)
                return .object(PretrainingTextObject(texts: texts, tokenizer: tokenizer,
                                                     dataset: try ArithmeticPretraining.dataset(texts, tokenizer: tokenizer)))
            }
        }
    }
}

/// Next-token data made of texts, with the texts and their tokenizer.
final class PretrainingTextObject: DatasetObject {
    let texts: [String]
    let tokenizer: CharTokenizer

    init(texts: [String], tokenizer: CharTokenizer, dataset: Dataset) {
        self.texts = texts
        self.tokenizer = tokenizer
        super.init(dataset)
    }

    override var typeName: String { "text_data" }
    override var memberNames: [String] { super.memberNames + ["texts", "tokenizer"] }
    override var repr: String { "text_data(\(texts.count) texts): \(texts.first ?? "")" }
    override var help: String {
        """
        text_data: texts as next-token data (x, y: each text's tokens padded with <eos>, shifted by one).
          p = arith_pretraining(n=200, seed=0); p.texts[0]; trainer(m, p, loss="next_token")
        properties: texts, tokenizer, and the dataset's x, y, n
        """
    }

    override func member(_ name: String) throws -> Value? {
        switch name {
        case "texts": return .list(ListObject(texts.map(Value.string)))
        case "tokenizer": return .object(TokenizerObject(tokenizer))
        default: return try super.member(name)
        }
    }
}
