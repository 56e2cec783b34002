// The router's arithmetic (science.md §A.2, §A.8): scores → gate values → top-k selection (with
// the balancing bias for selection only) → weights renormalised over the chosen experts.
// Pure functions of their inputs, so the tests pin each step against numbers worked out by hand.
import Autograd

/// How a batch was routed: everything later steps (dispatch, losses, records) need.
public struct RoutingDecision {
    /// [tokens, experts] router logits (carry gradients to the router).
    public let scores: Tensor
    /// [tokens, experts] softmax probabilities or sigmoid affinities (carry gradients).
    public let gateValues: Tensor
    /// tokens·K expert ids, row-major (token t's choices at t·K ..< t·K + K), best first.
    public let chosen: [Int]
    /// [tokens, K] weights of the chosen experts, renormalised and times the route scale (carry gradients).
    public let weights: Tensor
    /// tokens·experts scores the selection ranked: gate values + balancing bias (row-major).
    public let selectionScores: [Float]

    /// Number of tokens routed.
    public var tokenCount: Int { scores.shape[0] }
    /// Number of experts each token uses.
    public var topK: Int { weights.shape[1] }

    /// The decision for the tokens at `rows` alone, in that order (the gradient paths kept), for
    /// balancing statistics that must leave some tokens out (padding past a sequence's end).
    public func restricted(to rows: [Int]) throws -> RoutingDecision {
        let k = topK, experts = scores.shape[1]
        return RoutingDecision(scores: try scores.indexSelect(axis: 0, indices: rows),
                               gateValues: try gateValues.indexSelect(axis: 0, indices: rows),
                               chosen: rows.flatMap { chosen[($0 * k) ..< ($0 * k + k)] },
                               weights: try weights.indexSelect(axis: 0, indices: rows),
                               selectionScores: rows.flatMap { selectionScores[($0 * experts) ..< ($0 * experts + experts)] })
    }
}

/// The gate's steps, each a function of its inputs only.
public enum Gate {
    // MARK: - Scores to gate values

    /// Softmax over all experts (each row sums to 1) or an independent sigmoid per expert.
    public static func gateValues(scores: Tensor, function: GateFunction) throws -> Tensor {
        switch function {
        case .softmax: try scores.softmax(axis: -1)    // (T, N) -> (T, N)
        case .sigmoid: scores.sigmoid()                // (T, N) -> (T, N)
        }
    }

    // MARK: - Selection

    /// How a token may pick experts: top-k over all, or within the best groups only.
    public struct Limit: Sendable, Equatable {
        /// Groups of consecutive experts (experts / groups each).
        public var groups: Int
        /// Groups a token may use.
        public var topGroups: Int
        public init(groups: Int, topGroups: Int) { self.groups = groups; self.topGroups = topGroups }
    }

    /// The `k` experts with the largest `gateValues + bias` for each of `tokens` rows of `experts`
    /// values, best first, ties to the lower expert id (as `Tensor.topK`). The bias only picks
    /// experts; it never enters a weight (DeepSeek-V3 eq. 13). With a group `limit`, each group is
    /// scored by the sum of its two best biased scores (its best one if it has a single expert),
    /// only the `topGroups` best groups stay eligible, and top-k picks among them (V3's `Gate`).
    public static func select(gateValues: [Float], tokens: Int, experts: Int, k: Int, bias: [Float]? = nil,
                              limit: Limit? = nil) -> [Int] {
        precondition(gateValues.count == tokens * experts, "gate values \(gateValues.count) != \(tokens) × \(experts)")
        precondition(k >= 1 && k <= experts, "k = \(k) outside 1...\(experts)")
        precondition(bias == nil || bias?.count == experts, "bias needs one entry per expert")
        var chosen = [Int](repeating: 0, count: tokens * k)
        var biased = [Float](repeating: 0, count: experts)
        var eligible = [Bool](repeating: true, count: experts)
        for token in 0 ..< tokens {
            for expert in 0 ..< experts { biased[expert] = gateValues[token * experts + expert] + (bias?[expert] ?? 0) }
            if let limit, limit.topGroups < limit.groups {
                eligible = eligibleExperts(biased, limit: limit)
            }
            // k passes of "largest remaining": k is small (≤ 8 here), so this beats sorting.
            var taken = 0
            while taken < k {
                var best = -1
                for expert in 0 ..< experts where eligible[expert] && !chosen[(token * k) ..< (token * k + taken)].contains(expert) {
                    if best < 0 || biased[expert] > biased[best] { best = expert }
                }
                chosen[token * k + taken] = best
                taken += 1
            }
        }
        return chosen
    }

    /// Which experts of one token's biased scores lie in its `topGroups` best groups; a group's
    /// score is the sum of its two largest scores. Ties go to the lower group id.
    public static func eligibleExperts(_ biased: [Float], limit: Limit) -> [Bool] {
        let size = biased.count / limit.groups
        let groupScores = (0 ..< limit.groups).map { group -> Float in
            let members = biased[(group * size) ..< (group * size + size)].sorted(by: >)
            return members.prefix(2).reduce(0, +)
        }
        let kept = Set(groupScores.indices.sorted { groupScores[$0] > groupScores[$1] || (groupScores[$0] == groupScores[$1] && $0 < $1) }
                        .prefix(limit.topGroups))
        return biased.indices.map { kept.contains($0 / size) }
    }

    // MARK: - Weights

    /// The gate values of the chosen experts, divided by their sum when k > 1 (Mixtral's renormalised
    /// top-k; DeepSeek-V3's normalisation among the selected). With k = 1 the raw gate value is kept,
    /// as in Switch: a weight of exactly 1 would leave the router without a gradient from the task.
    /// `scale` is DeepSeek-V3's `route_scale`, multiplied in after the normalisation.
    public static func weights(gateValues: Tensor, chosen: [Int], k: Int, scale: Float = 1) throws -> Tensor {
        let tokens = gateValues.shape[0]
        let index = try Tensor(shape: [tokens, k], values: chosen.map { Float($0) })
        let selected = try gateValues.gather(axis: 1, index: index)                    // (T, N) -> (T, K)
        let normalised = k > 1 ? try selected / selected.sum(axis: 1, keepDims: true)  // (T, K) / (T, 1)
                               : selected
        return scale == 1 ? normalised : normalised * scale
    }

    // MARK: - All steps

    /// Routes `scores` [tokens, experts]: gate values, selection with `bias` (within the groups of
    /// `limit`), renormalised weights times `scale`.
    public static func route(scores: Tensor, function: GateFunction, k: Int, bias: [Float]?,
                             limit: Limit? = nil, scale: Float = 1) throws -> RoutingDecision {
        guard scores.rank == 2 else {
            throw TensorError.invalidShape(op: "moe", shape: scores.shape, reason: "router scores are not [tokens, experts]")
        }
        let gateValues = try gateValues(scores: scores, function: function)
        let tokens = scores.shape[0], experts = scores.shape[1]
        let values = gateValues.storage
        let chosen = select(gateValues: values, tokens: tokens, experts: experts, k: k, bias: bias, limit: limit)
        let weights = try weights(gateValues: gateValues, chosen: chosen, k: k, scale: scale)
        let selectionScores = bias.map { bias in values.indices.map { values[$0] + bias[$0 % experts] } } ?? values
        return RoutingDecision(scores: scores, gateValues: gateValues, chosen: chosen, weights: weights,
                               selectionScores: selectionScores)
    }
}
