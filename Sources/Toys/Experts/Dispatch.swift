// Dispatch: group the token→expert assignments by expert, drop those past an expert's capacity,
// run each expert once on its whole group, and index-add the weighted outputs back to their
// tokens. No per-token loop touches a tensor: one indexSelect per expert, one concat, one
// weight lookup, one multiply and one indexAdd for the whole batch (as shared/reference/moe_step.py).
import Autograd
import NeuralNets

/// Which assignments each expert processes, after capacity.
public struct DispatchPlan: Sendable, Equatable {
    /// For each expert, the kept assignment positions t·K + j (token t's j-th choice), in slot order.
    public let assignmentsByExpert: [[Int]]
    /// Assignments past their expert's capacity (their contribution is 0).
    public let dropped: Int
    /// Slots per expert, nil when nothing is dropped.
    public let capacity: Int?

    /// Assignments received per expert after dropping.
    public var keptCounts: [Int] { assignmentsByExpert.map(\.count) }
}

/// Grouping and combining, separate from the layer so tests can check each.
public enum Dispatch {
    // MARK: - Capacity

    /// Switch's capacity with top-k: ⌈factor · tokens · k / experts⌉ slots per expert (science.md §A.4).
    public static func capacity(factor: Float, tokens: Int, k: Int, experts: Int) -> Int {
        Int((Double(factor) * Double(tokens * k) / Double(experts)).rounded(.up))
    }

    // MARK: - Grouping

    /// Groups the assignments of `chosen` (tokens·k expert ids, row-major) by expert. With a
    /// capacity, slots are filled first come first served: all first choices in token order, then
    /// all second choices (GShard's order), and the rest are dropped.
    public static func plan(chosen: [Int], tokens: Int, k: Int, experts: Int, capacity: Int?) -> DispatchPlan {
        precondition(chosen.count == tokens * k, "chosen has \(chosen.count) entries, not \(tokens) × \(k)")
        var groups = [[Int]](repeating: [], count: experts)
        var dropped = 0
        for rank in 0 ..< k {
            for token in 0 ..< tokens {
                let position = token * k + rank
                let expert = chosen[position]
                if let capacity, groups[expert].count >= capacity {
                    dropped += 1
                } else {
                    groups[expert].append(position)
                }
            }
        }
        if capacity == nil {
            // Token order inside each group: the same rows an unlimited GShard order would give, sorted.
            groups = groups.map { $0.sorted() }
        }
        return DispatchPlan(assignmentsByExpert: groups, dropped: dropped, capacity: capacity)
    }

    // MARK: - Combining

    /// Σ over each token's kept choices of weight · expert(token): `input` [T, d], `weights` [T, K].
    public static func combine(input: Tensor, weights: Tensor, plan: DispatchPlan, experts: [Expert]) throws -> Tensor {
        precondition(plan.assignmentsByExpert.count == experts.count, "one group per expert")
        let tokens = input.shape[0], dimensions = input.shape[1], k = weights.shape[1]
        var outputs: [Tensor] = []
        var positions: [Int] = []
        positions.reserveCapacity(tokens * k)
        for (expert, group) in zip(experts, plan.assignmentsByExpert) where !group.isEmpty {
            let rows = try input.indexSelect(axis: 0, indices: group.map { $0 / k })   // (T, d) -> (n_e, d)
            outputs.append(try expert(rows))                                            // (n_e, d) -> (n_e, d)
            positions += group
        }
        guard !outputs.isEmpty else { return try Tensor.zeros([tokens, dimensions]) }
        let stacked = outputs.count == 1 ? outputs[0] : try Tensor.concat(outputs, axis: 0)  // (A, d)
        let gate = try weights.reshape([tokens * k])                                          // (T, K) -> (T·K,)
            .indexSelect(axis: 0, indices: positions)                                         // -> (A,)
            .reshape([positions.count, 1])                                                    // -> (A, 1)
        let weighted = try stacked * gate                                                     // (A, d)
        return try Tensor.zeros([tokens, dimensions])
            .indexAdd(axis: 0, indices: positions.map { $0 / k }, source: weighted)          // -> (T, d)
    }
}
