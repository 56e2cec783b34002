// The script objects of the micro-GPT builtins: the tokenizer, the model (generate, logprobs,
// its MoE layers), the arithmetic dataset (a dataset with prompts and answers) and the routing
// record. The builtins that create them are in MicroGPTBuiltins.swift.

import Autograd
import Foundation
import NeuralNets
import Plotting
import Script
import Toys

// MARK: - Tokenizer

/// `chars(text)`: characters and special strings ↔ token ids.
final class TokenizerObject: NativeObject {
    let tokenizer: CharTokenizer
    init(_ tokenizer: CharTokenizer) { self.tokenizer = tokenizer }

    var typeName: String { "tokenizer" }
    var memberNames: [String] { ["size", "pieces", "encode", "decode", "windows"] }
    var repr: String { "chars(\(tokenizer.size) tokens: \(tokenizer.pieces.prefix(12).map { $0 == "\n" ? "\\n" : $0 }.joined(separator: " "))\(tokenizer.size > 12 ? " …" : ""))" }
    var length: Int? { tokenizer.size }
    var help: String {
        """
        tokenizer: one token per character, and one per special string (<think>, </think>, <answer>, </answer>, <eos>).
          tok = chars("0123456789+="); tok.encode("12+3=<eos>"); tok.decode([1, 2])
        properties: size (vocabulary, specials included), pieces (the text of each id)
        methods: encode(text) (a list of ids), decode(ids) (text), windows(text, context=32, stride=1) (a next-token
          dataset of every window of context + 1 tokens)
        """
    }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "size": return .number(Double(tokenizer.size))
        case "pieces": return .list(ListObject(tokenizer.pieces.map(Value.string)))
        case "encode":
            return boundMethod("tokenizer", name, help: "tok.encode(text): the token ids of text.\n  tok = chars(\"ab\"); tok.encode(\"abba<eos>\")") { arguments in
                try arguments.rejectUnknownNames(["text"])
                let text = try arguments.string(at: 0, named: "text")
                return integerList(try rethrowingNamed("encode") { try self.tokenizer.encode(text) })
            }
        case "decode":
            return boundMethod("tokenizer", name, help: "tok.decode(ids): the text of token ids.\n  tok = chars(\"ab\"); tok.decode([0, 1, 1])") { arguments in
                try arguments.rejectUnknownNames(["ids"])
                let ids = try Conversions.integers(try arguments.require(at: 0, named: "ids"), "decode", "ids")
                return .string(try rethrowingNamed("decode") { try self.tokenizer.decode(ids) })
            }
        case "windows":
            return boundMethod("tokenizer", name, help: """
                tok.windows(text, context=32, stride=1): next-token data from text: x is every window of context tokens,
                y the same window shifted by one.
                  tok = chars(corpus("prose")); data = tok.windows(corpus("prose"), context=16, stride=4); data.n
                """) { arguments in
                try arguments.rejectUnknownNames(["text", "context", "stride"])
                let text = try arguments.string(at: 0, named: "text")
                let context = try arguments.integer(named: "context", default: 32)
                let stride = try arguments.integer(named: "stride", default: 1)
                return .object(DatasetObject(try rethrowingNamed("windows") {
                    try TextWindows.dataset(tokens: self.tokenizer.encode(text), context: context, stride: stride)
                }))
            }
        default: return nil
        }
    }
}

// MARK: - The model

/// `gpt(…)`: a micro-GPT; a model, so trainer(…) and the optimizers take it.
final class GPTObject: ModelObject {
    let model: MicroGPT
    /// The tokenizer the model was made with (vocab=tok), for text prompts.
    let tokenizer: CharTokenizer?

    init(_ model: MicroGPT, tokenizer: CharTokenizer?) {
        self.model = model
        self.tokenizer = tokenizer
        let config = model.config
        var parts = ["vocab=\(config.vocabulary)", "dim=\(config.dimensions)", "layers=\(config.layers)",
                     "heads=\(config.heads)", "context=\(config.context)"]
        if let experts = config.experts {
            parts.append("moe={experts \(experts.experts), top_k \(experts.topK)\(experts.shared > 0 ? ", shared \(experts.shared)" : ""), hidden \(config.expertHidden)}")
        }
        if config.positions == .rotary { parts.append("positions=\"rotary\"") }
        super.init(module: model, summary: "gpt(\(parts.joined(separator: ", ")))", kind: "gpt")
    }

    override var repr: String { "\(summary), \(model.parameterCount) params (\(model.activeParameterCount) active per token)" }

    override var memberNames: [String] {
        super.memberNames + ["generate", "logprobs", "tokenizer", "active_params", "moe_layers", "vocab", "dim", "layers", "heads", "context"]
    }

    override var help: String {
        """
        gpt: a micro-GPT (\(summary)). m(x) maps token ids x [batch, time] to next-token logits [batch, time, vocab].
          tok = chars("ab"); m = gpt(vocab=tok, dim=16, heads=2, context=8, seed=0); m.generate("ab", max_new=5, seed=1)
        properties: params, active_params (parameters one token runs through), vocab, dim, layers, heads, context,
          tokenizer (when made with vocab=tok), moe_layers (each block's moe layer: route, explain, load)
        methods: generate(prompt, max_new=, temperature=1, top_k=nil, stop=nil, seed=, cache=true),
          logprobs(prompt, completion) (log-probability of each completion token), parameters(), zero_grad()
        """
    }

    /// Text (with the model's tokenizer) or a list of ids.
    func tokens(_ value: Value, _ function: String, _ parameter: String) throws -> [Int] {
        if case .string(let text) = value {
            guard let tokenizer else {
                throw NativeError("\(function): \(parameter) is text but the model has no tokenizer; make it with gpt(vocab=tok, …) or pass token ids")
            }
            return try rethrowingNamed(function) { try tokenizer.encode(text) }
        }
        return try Conversions.integers(value, function, parameter)
    }

    override func member(_ name: String) throws -> Value? {
        let config = model.config
        switch name {
        case "active_params": return .number(Double(model.activeParameterCount))
        case "vocab": return .number(Double(config.vocabulary))
        case "dim": return .number(Double(config.dimensions))
        case "layers": return .number(Double(config.layers))
        case "heads": return .number(Double(config.heads))
        case "context": return .number(Double(config.context))
        case "tokenizer": return tokenizer.map { .object(TokenizerObject($0)) } ?? .null
        case "moe_layers": return .list(ListObject(model.mixtures.map { .object(MixtureObject($0)) }))
        case "generate":
            return boundMethod("gpt", name, help: """
                m.generate(prompt, max_new=, temperature=1, top_k=nil, stop=nil, seed=, cache=true): continue prompt (text
                when the model has a tokenizer, else ids) by up to max_new tokens; temperature=0 is greedy; stop is a token
                (or special text such as "<eos>") that ends generation. Returns the new text (or ids).
                  tok = chars("ab"); m = gpt(vocab=tok, dim=16, heads=2, context=8, seed=0); m.generate("ab", max_new=5, temperature=0)
                """) { arguments in
                try arguments.rejectUnknownNames(["prompt", "max_new", "temperature", "top_k", "stop", "seed", "cache"])
                let prompt = try self.tokens(try arguments.require(at: 0, named: "prompt"), "generate", "prompt")
                let maxNew = try arguments.integer(named: "max_new", default: 32)
                var options = SamplingOptions(temperature: Float(try arguments.number(named: "temperature", default: 1)),
                                              cached: try arguments.bool(named: "cache", default: true))
                if let topK = try arguments.value(named: "top_k"), !topK.isNull { options.topK = try arguments.integer(named: "top_k") }
                if let stop = try arguments.value(named: "stop"), !stop.isNull {
                    let ids = try self.tokens(stop, "generate", "stop")
                    guard ids.count == 1 else { throw NativeError("generate: stop must be one token, got \(ids.count)") }
                    options.stop = ids[0]
                }
                let seed = try arguments.integer(named: "seed", default: 0)
                guard seed >= 0 else { throw NativeError("generate: seed must be 0 or more, got \(seed)") }
                let produced = try rethrowingNamed("generate") {
                    try self.model.generate(prompt: prompt, maxNew: maxNew, options: options, seed: UInt64(seed))
                }
                if let tokenizer = self.tokenizer, case .string = try arguments.require(at: 0, named: "prompt") {
                    return .string(try tokenizer.decode(produced))
                }
                return integerList(produced)
            }
        case "logprobs":
            return boundMethod("gpt", name, help: """
                m.logprobs(prompt, completion): a tensor with the log-probability of each completion token given what
                precedes it (differentiable). Text or ids.
                  tok = chars("ab"); m = gpt(vocab=tok, dim=16, heads=2, context=8, seed=0); m.logprobs("ab", "ba").sum()
                """) { arguments in
                try arguments.rejectUnknownNames(["prompt", "completion"])
                let prompt = try self.tokens(try arguments.require(at: 0, named: "prompt"), "logprobs", "prompt")
                let completion = try self.tokens(try arguments.require(at: 1, named: "completion"), "logprobs", "completion")
                return Conversions.value(try rethrowingNamed("logprobs") { try self.model.logprobs(prompt: prompt, completion: completion) })
            }
        default: return try super.member(name)
        }
    }

    /// `m(x)`: logits of token ids (a tensor or lists [batch, time]).
    override func call(_ arguments: Arguments) throws -> Value {
        try arguments.rejectUnknownNames([])
        try arguments.expectCount(1)
        let input = try Conversions.tensor(try arguments.require(at: 0, named: "x"), summary, "x")
        return Conversions.value(try rethrowingNamed("gpt") {
            do { return try model(input) } catch let error as LayerError {
                throw NativeError(error.rooted(at: "gpt").description)
            }
        })
    }
}

// MARK: - Arithmetic data

/// `arith(…)`: problems in R1's template as next-token data, with prompts and answers.
final class ArithObject: DatasetObject {
    let set: ArithmeticSet
    let tokenizer: CharTokenizer

    init(_ set: ArithmeticSet, tokenizer: CharTokenizer, dataset: Dataset) {
        self.set = set
        self.tokenizer = tokenizer
        super.init(dataset)
    }

    override var typeName: String { "arith" }
    override var memberNames: [String] {
        super.memberNames + ["prompts", "answers", "texts", "carries", "tokenizer", "think", "accuracy", "with_carry"]
    }
    override var repr: String {
        "arith(\(set.problems.count) problems, think=\(set.think)): \(set.texts.first ?? "")"
    }
    override var help: String {
        """
        arith: arithmetic problems in R1's template, as next-token data (x, y token windows padded with <eos>).
          a = arith(n=200, think=true, seed=0); a.texts[0]; m = gpt(vocab=a.tokenizer, seed=0); trainer(m, a, loss="next_token")
        properties: prompts ("12+34="), answers ("46"), texts (prompt + completion), carries (whether each problem carries),
          think, tokenizer, and the dataset's x, y, n, dim, classes
        methods: accuracy(model, max_new=) (greedy answers: a record with accuracy, format, tokens per answer,
          completions), with_carry() (only the problems with a carry), and the dataset's split, take, shuffle, batches,
          where_class, without_class (these return plain datasets)
        """
    }

    override func member(_ name: String) throws -> Value? {
        switch name {
        case "prompts": return .list(ListObject(set.prompts.map(Value.string)))
        case "answers": return .list(ListObject(set.answers.map(Value.string)))
        case "texts": return .list(ListObject(set.texts.map(Value.string)))
        case "carries": return .list(ListObject(set.problems.map { .bool($0.hasCarry) }))
        case "think": return .bool(set.think)
        case "tokenizer": return .object(TokenizerObject(tokenizer))
        case "with_carry":
            return boundMethod("arith", name, help: "a.with_carry(): only the problems with a carry (or borrow).\n  hard = arith(n=100, seed=1).with_carry(); hard.n") { arguments in
                try arguments.expectCount(0)
                let kept = self.set.filter(\.hasCarry)
                guard !kept.problems.isEmpty else { throw NativeError("with_carry: none of the \(self.set.problems.count) problems carries") }
                return .object(try ArithObject(kept, tokenizer: self.tokenizer, dataset: kept.dataset(tokenizer: self.tokenizer)))
            }
        case "accuracy":
            return boundMethod("arith", name, help: """
                a.accuracy(model, max_new=): greedy completions of every prompt; a record with accuracy (right answer tag),
                format (template followed), tokens (mean generated per answer), completions.
                  a = arith(n=20, seed=3); m = gpt(vocab=a.tokenizer, dim=16, heads=2, seed=0); a.accuracy(m).format
                """) { arguments in
                try arguments.rejectUnknownNames(["model", "max_new"])
                let model = try arguments.object(at: 0, named: "model", as: GPTObject.self, described: "a gpt model")
                var maxNew: Int?
                if let given = try arguments.value(named: "max_new"), !given.isNull { maxNew = try arguments.integer(named: "max_new") }
                let score = try rethrowingNamed("accuracy") { try self.set.evaluate(model: model.model, tokenizer: self.tokenizer, maxNew: maxNew) }
                return .object(RecordObject(typeName: "score", repr: score.description, help: """
                    score: accuracy, format (share in the template), tokens (mean per answer), completions, correct (per problem)
                      s = a.accuracy(m); s.accuracy
                    """, fields: [
                        ("accuracy", { .number(score.accuracy) }),
                        ("format", { .number(score.formatRate) }),
                        ("tokens", { .number(score.meanTokens) }),
                        ("completions", { .list(ListObject(score.completions.map(Value.string))) }),
                        ("correct", { .list(ListObject(score.correct.map(Value.bool))) }),
                    ]))
            }
        default: return try super.member(name)
        }
    }
}

// MARK: - Routing

/// `routing_text(…)`: each token's first-choice expert in one layer.
func routingTextObject(_ routing: TokenRouting, context: BuiltinContext) throws -> RecordObject {
    let figure = try routingFigure(routing, context: context)
    return RecordObject(typeName: "token_routing", repr:
        "layer \(routing.layer): \(routing.pieces.count) tokens, locality \(StepRecord.format(routing.locality)) "
        + "(1/N = \(StepRecord.format(routing.uniformChance)), with these loads \(StepRecord.format(routing.loadChance)))", help: """
        token_routing: the first-choice expert of each token of a text in one moe layer.
          r = routing_text(m, corpus("code"), show=false); r.locality; r.figure.save("out/routing.png")
        properties: tokens (text of each), experts (first choice of each), shares (share per expert), locality (share of
          consecutive tokens with the same first expert), chance (1/N), load_chance (Σ share²: independent choices with
          these loads), figure (the text with each token on its first-choice expert's colour, the router probabilities
          per token, and the first choices; expert i has the terminal view's colour; reading it shows it)
        """, fields: [
            ("tokens", { .list(ListObject(routing.pieces.map(Value.string))) }),
            ("experts", { integerList(routing.firstExpert) }),
            ("shares", { numberList(routing.shares) }),
            ("locality", { .number(routing.locality) }),
            ("chance", { .number(routing.uniformChance) }),
            ("load_chance", { .number(routing.loadChance) }),
            ("figure", {
                // Reading r.figure shows the chart (a notebook cell collects it like plot(…)'s).
                context.settings.onFigure?(figure)
                return .object(figure)
            }),
        ])
}

/// Three panels: the text with each token on its first-choice expert's colour (Mixtral's Figure 8),
/// router probabilities (experts × the first tokens, labelled by their text), and the first choices
/// as points. Expert i has palette colour i everywhere, as in the terminal view (`TokenRouting.ansi`).
func routingFigure(_ routing: TokenRouting, context: BuiltinContext, shown: Int = 48) throws -> FigureObject {
    var figure = try Figure(width: 1000, height: 960, title: "Routing of each token, layer \(routing.layer)", rows: 3, columns: 1)
    let expertNames = (0 ..< routing.expertCount).map { "expert \($0)" }
    try figure[0, 0].tokenText(routing.pieces, categories: routing.firstExpert, names: expertNames)
    figure[0, 0].title = "each token on its first-choice expert's colour"
    let count = Swift.min(shown, routing.pieces.count)
    let labels = routing.pieces.prefix(count).map { $0 == "\n" ? "↵" : $0 == " " ? "␣" : $0 }
    let matrix = (0 ..< routing.expertCount).map { expert in (0 ..< count).map { Double(routing.probabilities[$0][expert]) } }
    try figure[1, 0].heatmap(matrix, rowLabels: expertNames, columnLabels: labels, colorbarLabel: "router probability")
    figure[1, 0].title = "router probabilities of the first \(count) tokens"
    let positions = (0 ..< count).map(Double.init)
    try figure[2, 0].scatter(x: positions, y: routing.firstExpert.prefix(count).map(Double.init),
                             categories: Array(routing.firstExpert.prefix(count)), names: expertNames)
    figure[2, 0].title = "first-choice expert per token (locality \(StepRecord.format(routing.locality)), 1/N = \(StepRecord.format(routing.uniformChance)))"
    figure[2, 0].xLabel = "token position"
    figure[2, 0].yLabel = "expert"
    figure[2, 0].legend = .outside
    return FigureObject(figure, context: context)
}

/// The routing for a non-colour output: the text, and under each token its expert number.
func plainRouting(_ routing: TokenRouting, width: Int = 64) -> String {
    var lines: [String] = []
    var text = "", experts = ""
    for (piece, expert) in zip(routing.pieces, routing.firstExpert) {
        let shown = piece == "\n" ? "↵" : piece
        let label = String(expert)
        let cell = Swift.max(shown.count, label.count)
        text += shown + String(repeating: " ", count: cell - shown.count)
        experts += label + String(repeating: " ", count: cell - label.count)
        if text.count >= width || piece == "\n" {
            lines += [text, experts]
            text = ""; experts = ""
        }
    }
    if !text.isEmpty { lines += [text, experts] }
    return lines.joined(separator: "\n")
}
