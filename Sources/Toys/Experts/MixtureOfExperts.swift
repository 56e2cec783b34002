// The Mixture-of-Experts layer (science.md §A.1): a router picks K of N expert MLPs per token,
// only those run, and their outputs are summed with the gate weights; shared experts run for
// every token. A `Module`, so it sits inside `Sequential` like any layer. It is a class because
// it keeps state between steps: the balancing bias, the noise generator, the last routing.
import Autograd
import NeuralNets

/// A Mixture-of-Experts feed-forward layer: [tokens, d] → [tokens, d] (any leading shape works).
public final class MixtureOfExperts: Module {
    /// The settings this layer was built with.
    public let config: MixtureOfExpertsConfig
    /// Linear map d → N expert scores (no bias unless `config.routerBias`, as in Switch/Mixtral/V3).
    public let router: Linear
    /// The routed experts, each d → hidden → d (GELU MLP or SwiGLU).
    public let experts: [Expert]
    /// Experts every token uses (DeepSeekMoE's shared experts).
    public let sharedExperts: [Expert]

    /// Per-expert selection bias (used only when balancing is `bias`; never enters a weight).
    public private(set) var bias: [Float]
    /// When true, forward passes add routing noise, compute the auxiliary loss and remember the
    /// loads for the bias update. Set through `setTraining(_:)` (a trainer switches it on for its
    /// steps only).
    public private(set) var isTraining = false
    /// The Switch loss ("aux") and z-loss ("z"), already weighted, of the last training forward,
    /// or of the forwards of one `accumulatingAuxiliaryLosses` scope (their token-weighted mean).
    private var pendingLosses: [(name: String, loss: Tensor)] = []
    /// The scope `pendingLosses` and `pendingLoads` were gathered in, and the tokens behind them.
    private weak var pendingScope: AccumulationScope?
    private var pendingTokens = 0

    private var noiseGenerator: SeededGenerator
    private var lastDecision: RoutingDecision?
    private var lastDropped = 0
    private var pendingLoads: [Int]?

    // MARK: - Construction

    /// A layer with weights drawn from `config.seed` (router first, then experts, then shared).
    public init(config: MixtureOfExpertsConfig) throws {
        try config.validate()
        self.config = config
        var generator = SeededGenerator(seed: config.seed)
        let width = config.dimensions, hidden = config.resolvedHiddenDimensions
        router = try Linear(inputDimensions: width, outputDimensions: config.expertCount, bias: config.routerBias,
                            generator: &generator)
        experts = try (0 ..< config.expertCount).map { _ in
            try Expert(dimensions: width, hidden: hidden, kind: config.expertKind, generator: &generator)
        }
        sharedExperts = try (0 ..< config.sharedExpertCount).map { _ in
            try Expert(dimensions: width, hidden: hidden, kind: config.expertKind, generator: &generator)
        }
        bias = [Float](repeating: 0, count: config.expertCount)
        // A separate stream, so turning noise on does not change the initial weights.
        noiseGenerator = SeededGenerator(seed: config.seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// "router", "experts.i", "shared.i" (the reference's names; its single `shared` MLP is
    /// "shared.0" here, as this layer may have several).
    public func children() -> [(name: String, module: any Module)] {
        [("router", router as any Module)] + experts.enumerated().map { ("experts.\($0.offset)", $0.element) }
            + sharedExperts.enumerated().map { ("shared.\($0.offset)", $0.element) }
    }

    public func setOwnTraining(_ training: Bool) { isTraining = training }

    public var layerDescription: String {
        "moe(dim \(config.dimensions), \(config.expertCount) experts, top-\(config.topK))"
    }

    /// The group limit of the selection (nil without groups).
    var selectionLimit: Gate.Limit? {
        guard config.groupCount > 1, let top = config.topGroups, top < config.groupCount else { return nil }
        return Gate.Limit(groups: config.groupCount, topGroups: top)
    }

    /// The balancing bias when selection uses it.
    var selectionBias: [Float]? { config.balancing == .bias ? bias : nil }

    // MARK: - Forward

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        guard input.rank >= 1, input.shape.last == config.dimensions else {
            throw TensorError.invalidShape(op: "moe", shape: input.shape,
                                           reason: "does not end in the layer's dim \(config.dimensions)")
        }
        let tokens = input.rank == 1 ? try input.reshape([1, config.dimensions])
                                     : try input.reshape([input.count / config.dimensions, config.dimensions])  // (…, d) -> (T, d)
        let output = try forward(tokens)
        return try output.reshape(input.shape)                                                                 // (T, d) -> (…, d)
    }

    /// Routes and combines `tokens` [T, d]; remembers the routing for `lastRouting`.
    private func forward(_ tokens: Tensor) throws -> Tensor {
        let decision = try routeDecision(tokens)
        let tokenCount = tokens.shape[0]
        let capacity = config.capacityFactor.map {
            Dispatch.capacity(factor: $0, tokens: tokenCount, k: config.topK, experts: config.expertCount)
        }
        let plan = Dispatch.plan(chosen: decision.chosen, tokens: tokenCount, k: config.topK,
                                 experts: config.expertCount, capacity: capacity)
        var output = try Dispatch.combine(input: tokens, weights: decision.weights, plan: plan, experts: experts)
        for shared in sharedExperts { output = try output + shared(tokens) }                                   // (T, d)
        if config.residual { output = try output + tokens }                                                    // u + …
        lastDecision = decision
        lastDropped = plan.dropped
        if isTraining { try recordBalancing(decision) }
        return output
    }

    /// Keeps the auxiliary losses and loads of a training forward for the training hook. Only the
    /// tokens `countingOnly` names count (all of them outside it), and several forwards of one
    /// step (`accumulatingAuxiliaryLosses`) combine weighted by their counted tokens.
    private func recordBalancing(_ routed: RoutingDecision) throws {
        var decision = routed
        if let counted = Self.countedTokens, counted.count == routed.tokenCount, counted.contains(false) {
            decision = try routed.restricted(to: counted.indices.filter { counted[$0] })
        }
        let tokenCount = decision.tokenCount
        let losses = tokenCount > 0 ? try auxiliaryLosses(decision) : []
        let loads = Balancing.counts(decision.chosen, experts: config.expertCount)
        if let scope = Self.accumulationScope, scope === pendingScope, let earlierLoads = pendingLoads {
            if tokenCount > 0 {
                pendingLosses = pendingTokens > 0
                    ? try Self.tokenWeightedMean(pendingLosses, over: pendingTokens, and: losses, over: tokenCount)
                    : losses
            }
            pendingLoads = zip(earlierLoads, loads).map { $0 + $1 }
            pendingTokens += tokenCount
        } else {
            pendingLosses = losses
            pendingLoads = loads
            pendingScope = Self.accumulationScope
            pendingTokens = tokenCount
        }
    }

    // MARK: Several forwards in one step

    /// Marks the forwards of one training step (see `accumulatingAuxiliaryLosses`).
    public final class AccumulationScope: Sendable {
        init() {}
    }

    @TaskLocal static var accumulationScope: AccumulationScope?

    /// Which of the next forwards' tokens count for balancing (see `countingOnly`).
    @TaskLocal static var countedTokens: [Bool]?

    /// Runs `body`, in whose training forwards only the tokens marked true in `counted` (one
    /// flag per token, row-major over the layer's input: batch × time for a sequence model)
    /// enter the auxiliary losses and the loads of the bias update. Padding past a sequence's
    /// end is routed like any token, but balancing it would balance nothing the model uses, as
    /// Mixtral's load-balancing loss leaves padding out through its attention mask. A forward
    /// whose token count differs from `counted.count` counts all its tokens.
    public static func countingOnly<Result>(_ counted: [Bool], _ body: () throws -> Result) rethrows -> Result {
        try $countedTokens.withValue(counted, operation: body)
    }

    /// Runs `body`, whose training forwards all belong to one training step, so that every MoE
    /// layer keeps the token-weighted mean of their auxiliary losses and the sum of their loads
    /// for the bias update, where a layer otherwise keeps the last forward's alone. A sequence
    /// policy runs one forward per prompt length: without this, only the last length's routing
    /// would be balanced.
    public static func accumulatingAuxiliaryLosses<Result>(_ body: () throws -> Result) rethrows -> Result {
        try $accumulationScope.withValue(AccumulationScope(), operation: body)
    }

    /// `earlier` (a mean over `earlierTokens` tokens) and `latest` (over `latestTokens`) as one
    /// mean weighted by tokens, term by term.
    static func tokenWeightedMean(_ earlier: [(name: String, loss: Tensor)], over earlierTokens: Int,
                                  and latest: [(name: String, loss: Tensor)], over latestTokens: Int) throws
        -> [(name: String, loss: Tensor)] {
        let total = Float(earlierTokens + latestTokens)
        return try zip(earlier, latest).map { before, now in
            (now.name, try before.loss * (Float(earlierTokens) / total) + now.loss * (Float(latestTokens) / total))
        }
    }

    /// Router scores (+ noise in training) → gate → selection (+ bias) → weights.
    private func routeDecision(_ tokens: Tensor) throws -> RoutingDecision {
        var scores = try router(tokens)                                                                        // (T, d) -> (T, N)
        if isTraining && config.noise > 0 {
            let noise = try Tensor.normal(scores.shape, standardDeviation: config.noise, generator: &noiseGenerator)
            scores = try scores + noise
        }
        return try Gate.route(scores: scores, function: config.gate, k: config.topK, bias: selectionBias,
                              limit: selectionLimit, scale: config.routeScale)
    }

    private func auxiliaryLosses(_ decision: RoutingDecision) throws -> [(name: String, loss: Tensor)] {
        var losses: [(name: String, loss: Tensor)] = []
        if config.balancing == .aux {
            losses.append(("aux", try Balancing.switchLoss(gateValues: decision.gateValues, chosen: decision.chosen,
                                                           gate: config.gate, weight: config.auxiliaryWeight)))
        }
        if config.sequenceAuxiliaryWeight > 0 {
            losses.append(("seq_aux", try Balancing.sequenceLoss(gateValues: decision.gateValues, k: config.topK,
                                                                 sequenceLength: config.sequenceLength,
                                                                 weight: config.sequenceAuxiliaryWeight)))
        }
        if config.zLossWeight > 0 {
            losses.append(("z", try Balancing.zLoss(scores: decision.scores, weight: config.zLossWeight)))
        }
        return losses
    }

    // MARK: - The training hook

    /// The Switch loss, sequence-wise loss and z-loss of the last training-mode forward pass (none outside training).
    public func auxiliaryLosses() -> [(name: String, loss: Tensor)] { isTraining ? pendingLosses : [] }

    /// The step's load per expert (the first layer's, in a model with several), imbalance (the
    /// worst layer's) and the last forward's dropped assignments (summed over layers). In a
    /// training step the load is that of the bias update: the counted tokens of all the step's
    /// forwards (`countingOnly`, `accumulatingAuxiliaryLosses`), so a sequence policy's padding
    /// and its one-forward-per-prompt-length passes show as they are balanced. Outside a training
    /// step (no loads pending) it is the last forward's, every token.
    public func stepMetrics() -> [Metric] {
        guard let routing = lastRouting else { return [] }
        var load = routing.load
        if let counts = pendingLoads {
            let assignments = counts.reduce(0, +)
            if assignments > 0 { load = counts.map { Double($0) / Double(assignments) } }
        }
        return [Metric("load", load, combination: .first),
                Metric("imbalance", RoutingRecord.imbalance(load), combination: .maximum),
                Metric("dropped", Double(routing.dropped), combination: .sum)]
    }

    /// Applies the bias update from the loads of the last training forward (balancing `bias` only)
    /// and forgets the auxiliary losses. A trainer calls it after every optimizer step.
    public func afterOptimizerStep() {
        if config.balancing == .bias, let loads = pendingLoads {
            bias = Balancing.updatedBias(bias, loads: loads, rate: config.biasRate)
        }
        pendingLoads = nil
        pendingLosses = []
        pendingScope = nil
        pendingTokens = 0
    }

    /// Replaces the selection bias (one value per expert).
    public func setBias(_ values: [Float]) throws {
        guard values.count == config.expertCount else {
            throw TensorError.invalidArgument(op: "moe", reason: "bias has \(values.count) values for \(config.expertCount) experts")
        }
        bias = values
    }

    // MARK: - Inspection

    /// The routing record of the last forward pass (nil before the first).
    public var lastRouting: RoutingRecord? {
        lastDecision.map { RoutingRecord(decision: $0, dropped: lastDropped) }
    }

    /// Share of assignments per expert in the last forward pass (zeros before the first).
    public var load: [Double] {
        lastRouting?.load ?? [Double](repeating: 0, count: config.expertCount)
    }

    /// Routes `input` [T, d] without noise or gradients and returns the record.
    public func route(_ input: Tensor) throws -> RoutingRecord {
        let wasTraining = isTraining
        isTraining = false
        defer { isTraining = wasTraining }
        _ = try withNoGrad { try self(input) }
        guard let record = lastRouting else {
            preconditionFailure("a forward pass always records its routing")
        }
        return record
    }

    /// Parameters of one routed expert.
    public var expertParameterCount: Int { experts.first?.parameterCount ?? 0 }

    /// Parameters that run for one token: router + K routed experts + all shared experts (§A.11).
    public var activeParameterCount: Int {
        router.parameterCount + config.topK * expertParameterCount + sharedExperts.reduce(0) { $0 + $1.parameterCount }
    }

    /// Every step of routing the single token `row` ([d] or [1, d]).
    public func explain(_ row: Tensor) throws -> TokenExplanation {
        guard row.count == config.dimensions else {
            throw TensorError.invalidShape(op: "explain", shape: row.shape,
                                           reason: "is not one token of dim \(config.dimensions)")
        }
        return try withNoGrad {
            let token = try row.reshape([1, config.dimensions])                                   // (1, d)
            let decision = try Gate.route(scores: router(token), function: config.gate, k: config.topK,
                                          bias: selectionBias, limit: selectionLimit, scale: config.routeScale)
            let expertOutputs = try decision.chosen.map { try experts[$0](token).storage }
            var sharedOutput: [Float]?
            for shared in sharedExperts {
                let values = try shared(token).storage
                sharedOutput = sharedOutput.map { zip($0, values).map { $0 + $1 } } ?? values
            }
            let weights = decision.weights.storage
            var output = sharedOutput ?? [Float](repeating: 0, count: config.dimensions)
            if config.residual { output = zip(output, token.storage).map { $0 + $1 } }
            for (weight, values) in zip(weights, expertOutputs) {
                for index in output.indices { output[index] += weight * values[index] }
            }
            return TokenExplanation(
                scores: decision.scores.storage, gateValues: decision.gateValues.storage, gate: config.gate,
                bias: selectionBias, chosen: decision.chosen,
                chosenGateValues: decision.chosen.map { decision.gateValues.storage[$0] },
                weights: weights, expertOutputs: expertOutputs, sharedOutput: sharedOutput, output: output,
                activeParameters: activeParameterCount, totalParameters: parameterCount,
                routeScale: config.routeScale, residual: config.residual)
        }
    }
}

// MARK: - Finding layers inside a model

/// Every `MixtureOfExperts` layer inside `model` (the model itself included), in forward order,
/// found through the modules' `children()`.
public func mixtureLayers(in model: any Module) -> [MixtureOfExperts] {
    model.modules().compactMap { $0.module as? MixtureOfExperts }
}
