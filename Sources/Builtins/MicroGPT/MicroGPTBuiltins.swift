// The micro-GPT builtins: chars (tokenizer), gpt (the model), arith (R1-template arithmetic
// data), corpus (the shipped texts) and routing_text (each token's first-choice expert). The
// objects they return are in MicroGPTObjects.swift; the library is in Toys/MicroGPT.

import Autograd
import Foundation
import NeuralNets
import Script
import Toys

enum MicroGPTBuiltins {
    static func install(_ context: BuiltinContext) {
        SequenceDistillationBuiltin.install(context)
        ArithmeticPretrainingBuiltin.install(context)
        context.define("chars", help: """
            chars(text_or_alphabet, specials=["<think>", "</think>", "<answer>", "</answer>", "<eos>"]): a character
            tokenizer: one token per distinct character of the text (sorted), then one per special string.
              tok = chars("0123456789+="); tok.size; tok.encode("1+2=<answer>3</answer>")
            """) { arguments in
            try arguments.rejectUnknownNames(["text", "specials"])
            let text = try arguments.string(at: 0, named: "text")
            var specials = CharTokenizer.defaultSpecials
            if let given = try arguments.value(named: "specials"), !given.isNull {
                specials = try Conversions.strings(given, "chars", "specials")
            }
            return .object(TokenizerObject(try rethrowingNamed("chars") { try CharTokenizer(text: text, specials: specials) }))
        }
        context.define("gpt", help: """
            gpt(vocab=, dim=64, layers=2, heads=4, context=32, moe=nil, positions="learned"|"rotary", norm="rms"|"layer",
                seed=): a micro-GPT (nanoGPT's shape: token + position embeddings, pre-norm blocks of causal attention
            and a feed-forward part, a final norm, a linear head). vocab is a number or a tokenizer (then generate takes
            text). moe={"experts": 8, "top_k": 2, "shared": 0, "gate": "softmax", "balance": "aux", "hidden": …} makes
            every feed-forward part a mixture of experts; hidden defaults to 4·dim/(top_k + shared), the same active
            feed-forward parameters as the dense model's 4·dim MLP.
              tok = chars("abc"); m = gpt(vocab=tok, dim=32, heads=4, context=16, moe={"experts": 4, "top_k": 1}, seed=0)
            """) { arguments in
            try arguments.rejectUnknownNames(["vocab", "dim", "layers", "heads", "context", "moe", "positions", "norm", "seed"])
            let vocab = try arguments.require(at: 0, named: "vocab")
            var tokenizer: CharTokenizer?
            var config: MicroGPTConfig
            if case .object(let object as TokenizerObject) = vocab {
                tokenizer = object.tokenizer
                config = MicroGPTConfig(vocabulary: object.tokenizer.size)
            } else {
                config = MicroGPTConfig(vocabulary: try arguments.integer(at: 0, named: "vocab"))
            }
            config.dimensions = try arguments.integer(named: "dim", default: 64)
            config.layers = try arguments.integer(named: "layers", default: 2)
            config.heads = try arguments.integer(named: "heads", default: 4)
            config.context = try arguments.integer(named: "context", default: 32)
            let positions = try arguments.string(named: "positions", default: "learned")
            guard let positionKind = PositionKind(rawValue: positions) else {
                throw NativeError("gpt: positions must be \"learned\" or \"rotary\", got \"\(positions)\"")
            }
            config.positions = positionKind
            let norm = try arguments.string(named: "norm", default: "rms")
            guard let normKind = NormKind(rawValue: norm) else { throw NativeError("gpt: norm must be \"rms\" or \"layer\", got \"\(norm)\"") }
            config.norm = normKind
            if let moe = try arguments.value(named: "moe"), !moe.isNull { config.experts = try expertOptions(moe) }
            config.seed = try context.seed(arguments)
            let model = try rethrowingNamed("gpt") { try MicroGPT(config: config) }
            return .object(GPTObject(model, tokenizer: tokenizer))
        }
        context.define("arith", help: """
            arith(n=, digits=2, ops="+", think=false, seed=, tokenizer=): n arithmetic problems in R1's template,
            "12+34=<think>…</think><answer>46</answer><eos>" (the think part, with think=true, works the columns from
            the right with their carries: 47+38 → "7+8=15,4+3+1=8"). ops is "+", "-" or "+-". The result is next-token
            data for trainer(m, a, loss="next_token"), with a.prompts and a.answers; tokenizer defaults to
            chars("0123456789+-=,").
              a = arith(n=100, think=true, seed=0); a.texts[0]; a.tokenizer.size
            """) { arguments in
            try arguments.rejectUnknownNames(["n", "digits", "ops", "think", "seed", "tokenizer"])
            let count = try arguments.integer(at: 0, named: "n")
            let digits = try arguments.integer(named: "digits", default: 2)
            let ops = try arguments.string(named: "ops", default: "+")
            let think = try arguments.bool(named: "think", default: false)
            let seed = try context.seed(arguments)
            var tokenizer = try ArithmeticSet.tokenizer()
            if let given = try arguments.value(named: "tokenizer"), !given.isNull {
                tokenizer = try arguments.object(named: "tokenizer", as: TokenizerObject.self, described: "a tokenizer").tokenizer
            }
            return try rethrowingNamed("arith") {
                let set = try ArithmeticSet(count: count, digits: digits, ops: ops, think: think, seed: seed)
                return .object(ArithObject(set, tokenizer: tokenizer, dataset: try set.dataset(tokenizer: tokenizer)))
            }
        }
        context.define("arith_task", help: """
            arith_task(digits=2, ops="+", exact=false): arithmetic as a reward task for a gpt policy: a question is the
            prompt "12+34=", and R1-Zero's two rules read the completion the model writes: accuracy (the first
            <answer>…</answer> holds the exact result) and format (the whole completion is
            [<think>…</think>]<answer>…</answer><eos>), weighted 1 and 1. exact=true draws operands with exactly
            `digits` digits (10…99), so every prompt has the same length. grpo(m, task) and reinforce(m, task) train a gpt on it.
              t = arith_task(); q = t.question(12, 34); t.check(q, "<think>2+4=6,1+3=4</think><answer>46</answer><eos>")
            """) { arguments in
            try arguments.rejectUnknownNames(["digits", "ops", "exact"])
            return .object(TaskObject(try rethrowingNamed("arith_task") {
                try ArithmeticTask(digits: try arguments.integer(at: 0, named: "digits", default: 2),
                                   ops: try arguments.string(named: "ops", default: "+"),
                                   exactDigits: try arguments.bool(named: "exact", default: false))
            }))
        }
        context.define("corpus", help: """
            corpus(kind): the texts shipped with microseek: "prose" (five paragraphs of English), "code" (Python-like
            lines), "arithmetic" (problems in R1's template) or "all" (all three).
              text = corpus("prose"); len(text)
            """) { arguments in
            try arguments.rejectUnknownNames(["kind"])
            let kind = try arguments.string(at: 0, named: "kind", default: "all")
            if kind == "all" { return .string(Corpus.kinds.map(\.text).joined(separator: "\n\n")) }
            guard let text = Corpus.kinds.first(where: { $0.name == kind })?.text else {
                throw NativeError("corpus: kind must be \"prose\", \"code\", \"arithmetic\" or \"all\", got \"\(kind)\"")
            }
            return .string(text)
        }
        context.define("routing_text", help: """
            routing_text(model, text, layer=0, show=true): each token's first-choice expert in moe layer `layer` of a
            gpt made with moe=… and vocab=tok. Prints the text with each token on its expert's colour (or the expert
            number under each token when the output is not a terminal) and returns a record: tokens, experts, shares,
            locality (how often consecutive tokens pick the same first expert), chance (1/N), load_chance, figure.
              tok = chars(corpus("all")); m = gpt(vocab=tok, dim=16, heads=2, moe={"experts": 4, "top_k": 1}, seed=0)
              r = routing_text(m, "def f(x):", show=false); r.locality
            """) { arguments in
            try arguments.rejectUnknownNames(["model", "text", "layer", "show"])
            let model = try arguments.object(at: 0, named: "model", as: GPTObject.self, described: "a gpt model")
            let text = try arguments.string(at: 1, named: "text")
            let layer = try arguments.integer(named: "layer", default: 0)
            let show = try arguments.bool(named: "show", default: true)
            guard let tokenizer = model.tokenizer else {
                throw NativeError("routing_text: the model has no tokenizer; make it with gpt(vocab=tok, …)")
            }
            let routing = try rethrowingNamed("routing_text") { try model.model.routing(tokenizer: tokenizer, text: text, layer: layer) }
            if show {
                arguments.interpreter.output((FigureObject.terminalWantsColor ? routing.ansi() : plainRouting(routing)) + "\n")
            }
            return .object(try routingTextObject(routing, context: context))
        }
    }

    /// `moe={…}`: the experts' options from a dict.
    private static func expertOptions(_ value: Value) throws -> MicroGPTExperts {
        guard case .dict(let dict) = value else {
            throw NativeError("gpt: moe must be nil or a dict such as {\"experts\": 8, \"top_k\": 2}, got \(value.typeAndValue)")
        }
        let known = ["experts", "top_k", "shared", "gate", "balance", "hidden"]
        if let unknown = dict.keys.first(where: { !known.contains($0) }) {
            throw NativeError("gpt: moe has an unknown key \"\(unknown)\"; known keys are \(known.joined(separator: ", "))")
        }
        func integer(_ key: String) throws -> Int? {
            guard let entry = dict[key], !entry.isNull else { return nil }
            guard case .number(let number) = entry, number == number.rounded(), abs(number) < 1e9 else {
                throw NativeError("gpt: moe[\"\(key)\"] must be a whole number, got \(entry.typeAndValue)")
            }
            return Int(number)
        }
        func text(_ key: String) throws -> String? {
            guard let entry = dict[key], !entry.isNull else { return nil }
            guard case .string(let string) = entry else { throw NativeError("gpt: moe[\"\(key)\"] must be text, got \(entry.typeAndValue)") }
            return string
        }
        var options = MicroGPTExperts()
        if let experts = try integer("experts") { options.experts = experts }
        if let topK = try integer("top_k") { options.topK = topK }
        if let shared = try integer("shared") { options.shared = shared }
        if let hidden = try integer("hidden") {
            guard hidden >= 1 else { throw NativeError("gpt: moe[\"hidden\"] must be at least 1, got \(hidden)") }
            options.hidden = hidden
        }
        if let gate = try text("gate") {
            guard let function = GateFunction(rawValue: gate) else { throw NativeError("gpt: moe gate must be \"softmax\" or \"sigmoid\", got \"\(gate)\"") }
            options.gate = function
        }
        if let balance = try text("balance") {
            guard let method = BalancingMethod(rawValue: balance) else {
                throw NativeError("gpt: moe balance must be \"none\", \"aux\" or \"bias\", got \"\(balance)\"")
            }
            options.balance = method
        }
        return options
    }
}
