// KL divergence in both directions and entropy, on probability tensors (not logits), built from
// differentiable tensor ops so gradients reach both arguments. The last axis holds the classes;
// each row's sum is averaged over the other rows ("batchmean", science.md §B.3), so a [N, C]
// batch gives the mean per-example divergence and a single distribution [C] gives its own.
import Autograd

extension Distillation {
    /// The smallest probability whose log is taken: 0·log 0 counts as 0 (the limit), and a zero
    /// probability gets no gradient through its log.
    static let smallestProbability: Float = 1e-30

    /// Forward KL(p ‖ q) = Σ_c p_c (log p_c − log q_c) per row, averaged over rows: the teacher
    /// p's expectation, mode-covering (science.md §B.5). Where q is 0 and p is not, it is infinite.
    public static func kl(_ p: Tensor, _ q: Tensor) throws -> Tensor {
        try checkProbabilities(p, q, op: "kl")
        let logRatio = try p.clamp(min: smallestProbability).log() - q.log()        // (…, C)
        return try (p * logRatio).sum(axis: -1).mean()                               // (…, C) -> (…) -> ()
    }

    /// Reverse KL(q ‖ p) for a teacher p and a student q: the student's expectation, mode-seeking.
    public static func reverseKL(_ p: Tensor, _ q: Tensor) throws -> Tensor {
        try checkProbabilities(p, q, op: "reverse_kl")
        return try kl(q, p)
    }

    /// Entropy −Σ_c p_c log p_c per row (nats), averaged over rows.
    public static func entropy(_ p: Tensor) throws -> Tensor {
        try checkProbabilities(p, nil, op: "entropy")
        let logs = p.clamp(min: smallestProbability).log()                           // (…, C)
        return try -((p * logs).sum(axis: -1).mean())
    }

    /// Probability tensors: same shape (rank ≥ 1), no negative value, each row summing to 1
    /// (within 1e-3, Float32 sums of softmax outputs are off by ~1e-7). Catches logits passed by
    /// mistake, the most common slip.
    static func checkProbabilities(_ p: Tensor, _ q: Tensor?, op: String) throws {
        if let q, p.shape != q.shape {
            throw TensorError.invalidArgument(op: op, reason: "p has shape \(p.shape) and q has shape \(q.shape): they need the same shape (rows of probabilities over the same classes)")
        }
        for (name, tensor) in [("p", p), ("q", q)] {
            guard let tensor else { continue }
            guard tensor.rank >= 1, let classes = tensor.shape.last, classes >= 1, tensor.count > 0 else {
                throw TensorError.invalidArgument(op: op, reason: "\(name) has shape \(tensor.shape): it needs at least one class on its last axis")
            }
            if let index = tensor.storage.firstIndex(where: { !($0 >= 0) || !$0.isFinite }) {
                throw TensorError.invalidArgument(op: op, reason: "\(name) has \(tensor.storage[index]) at row \(index / classes), class \(index % classes): it must hold probabilities (use softmax(logits) or soft_targets)")
            }
            for row in 0 ..< tensor.count / classes {
                var total: Double = 0
                for index in row * classes ..< (row + 1) * classes { total += Double(tensor.storage[index]) }
                if Swift.abs(total - 1) > 1e-3 {
                    throw TensorError.invalidArgument(op: op, reason: "\(name)'s row \(row) sums to \(Float(total)), not 1: it must hold probabilities (use softmax(logits) or soft_targets)")
                }
            }
        }
    }
}
