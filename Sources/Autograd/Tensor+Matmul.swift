// Matrix products through OpenBLAS `cblas_sgemm`: 2-D, batched 3-D, and 3-D × 2-D (folded into
// one gemm). Transposed operands are passed as flags, never copied. `linear` fuses the bias in
// by pre-filling the output and calling gemm with beta = 1.
import CBLAS
import CKernels
import Foundation

// MARK: - Thread policy

/// How many threads OpenBLAS may use, and below which size a product runs on one thread.
public enum BLASThreading {
    private struct State {
        var maximumThreads: Int
        var singleThreadBelowFlops: Int
        var currentThreads: Int
    }

    /// Products below this many flops (2·m·n·k) run single-threaded: 2·512³ ≈ 2.7e8.
    /// Measured with `microseek-bench --sweep` (1 vs 2 threads, alternating, best of three) on the
    /// shared 2-core development machine: for n = 32…1024 two threads never beat one by more
    /// than the run-to-run noise, and lost up to 2× at n = 256–384 when the other core was busy.
    /// Every product in the toy models (n ≤ 256) therefore stays on one thread.
    public static let defaultSingleThreadBelowFlops = 268_435_456

    private static let state = LockedValue(State(maximumThreads: Int(openblas_get_num_threads()),
                                                 singleThreadBelowFlops: defaultSingleThreadBelowFlops,
                                                 currentThreads: Int(openblas_get_num_threads())))

    /// The thread count for large products (defaults to OpenBLAS's own choice, the core count).
    public static var maximumThreads: Int {
        get { state.value.maximumThreads }
        set { state.withLock { $0.maximumThreads = Swift.max(1, newValue) } }
    }

    /// The flop count under which products run on one thread.
    public static var singleThreadBelowFlops: Int {
        get { state.value.singleThreadBelowFlops }
        set { state.withLock { $0.singleThreadBelowFlops = Swift.max(0, newValue) } }
    }

    /// Stops OpenBLAS's worker threads until a product wants them. OpenBLAS starts them when the
    /// library loads, and each spins on `sched_yield` for about a tenth of a second waiting for
    /// work: 24 ms of CPU on a two-core machine for `microseek -e '1+1'`, which computes nothing
    /// (`perf stat`, 30 runs: 62 ms CPU with them, 39 ms without). OpenBLAS starts them again by
    /// itself at the first product that runs on several threads, as it does after a `fork`.
    /// Call it first thing in an executable's main. Does nothing where the library has no such
    /// entry (a single-threaded build).
    public static func parkIdleWorkers() {
        guard let handle = dlopen(nil, RTLD_NOW), let address = dlsym(handle, "blas_thread_shutdown_") else { return }
        typealias Shutdown = @convention(c) () -> Int32
        _ = unsafeBitCast(address, to: Shutdown.self)()
    }

    /// Sets OpenBLAS's thread count for a product of `flops`, calling into OpenBLAS only on change;
    /// returns the count.
    @discardableResult
    static func prepare(flops: Int) -> Int {
        state.withLock { current in
            let wanted = flops < current.singleThreadBelowFlops ? 1 : current.maximumThreads
            if wanted != current.currentThreads {
                openblas_set_num_threads(Int32(wanted))
                current.currentThreads = wanted
            }
            return wanted
        }
    }
}

// MARK: - gemm

/// output[b] (m×n) = op(x[b]) (m×k) · op(y[b]) (k×n) for b in 0..<batch, plus output when `accumulate`.
/// A batch stride of 0 shares that operand; an output stride of 0 sums the products over the batch.
func gemm(batch: Int, m: Int, n: Int, k: Int,
          x: UnsafePointer<Float>, xTransposed: Bool, xBatchStride: Int,
          y: UnsafePointer<Float>, yTransposed: Bool, yBatchStride: Int,
          output: UnsafeMutablePointer<Float>, outputBatchStride: Int, accumulate: Bool) {
    if gemmInKernels(batch: batch, m: m, n: n, k: k, x: x, xTransposed: xTransposed, xBatchStride: xBatchStride,
                     y: y, yTransposed: yTransposed, yBatchStride: yBatchStride, bias: nil, addend: nil,
                     output: output, outputBatchStride: outputBatchStride, accumulate: accumulate) { return }
    gemmInBLAS(batch: batch, m: m, n: n, k: k, x: x, xTransposed: xTransposed, xBatchStride: xBatchStride,
               y: y, yTransposed: yTransposed, yBatchStride: yBatchStride,
               output: output, outputBatchStride: outputBatchStride, accumulate: accumulate)
}

/// The product in CKernels' sgemm, when it takes it: one thread (a product under
/// `singleThreadBelowFlops`), a first operand read row by row, an AVX2 + FMA CPU, m, n, k ≥ 1.
/// It streams A unpacked and keeps a 16-column panel of B in L1: 10–40 % faster than OpenBLAS at
/// the step's shapes (k or n in the tens to hundreds), and a bias starts the sums (no pre-fill
/// pass); an `addend` (a residual, laid out as the output; only with batch 1 and not
/// accumulating) is added as each tile is stored. A transposed first operand (the weight
/// gradients, k in the thousands) stays with OpenBLAS, which was as fast or faster there.
/// Returns false when it did nothing.
func gemmInKernels(batch: Int, m: Int, n: Int, k: Int,
                   x: UnsafePointer<Float>, xTransposed: Bool, xBatchStride: Int,
                   y: UnsafePointer<Float>, yTransposed: Bool, yBatchStride: Int, bias: UnsafePointer<Float>?,
                   addend: UnsafePointer<Float>?,
                   output: UnsafeMutablePointer<Float>, outputBatchStride: Int, accumulate: Bool) -> Bool {
    precondition(addend == nil || (batch == 1 && !accumulate), "gemmInKernels: an addend needs batch 1, not accumulating")
    guard !xTransposed, m > 0, n > 0, k > 0, batch > 0, VectorKernels.level == .avx2FMA,
          BLASThreading.prepare(flops: 2 * m * n * k) == 1 else { return false }
    let yStep = yTransposed ? 1 : n, yColumn = yTransposed ? k : 1
    for index in 0 ..< batch {
        let accumulating = accumulate || (outputBatchStride == 0 && index > 0)
        // A summed batch (output stride 0) adds the bias once.
        let done = ck_sgemm(CKLevelAVX2FMA, m, n, k, x + index * xBatchStride, k, 1, y + index * yBatchStride, yStep, yColumn,
                            index == 0 || outputBatchStride != 0 ? bias : nil, addend,
                            output + index * outputBatchStride, n, accumulating ? 1 : 0)
        precondition(done == 1, "CKernels' sgemm refused a product it was checked to take")
    }
    return true
}

/// The product through OpenBLAS (any shape; several threads above `singleThreadBelowFlops`).
func gemmInBLAS(batch: Int, m: Int, n: Int, k: Int,
                        x: UnsafePointer<Float>, xTransposed: Bool, xBatchStride: Int,
                        y: UnsafePointer<Float>, yTransposed: Bool, yBatchStride: Int,
                        output: UnsafeMutablePointer<Float>, outputBatchStride: Int, accumulate: Bool) {
    if m == 0 || n == 0 { return }
    if k == 0 || batch == 0 {
        if !accumulate { output.update(repeating: 0, count: outputBatchStride == 0 ? m * n : batch * m * n) }
        return
    }
    BLASThreading.prepare(flops: 2 * m * n * k)
    let leadingX = Int32(xTransposed ? m : k), leadingY = Int32(yTransposed ? k : n)
    for index in 0 ..< batch {
        let beta: Float = accumulate || (outputBatchStride == 0 && index > 0) ? 1 : 0
        cblas_sgemm(CblasRowMajor, xTransposed ? CblasTrans : CblasNoTrans, yTransposed ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1,
                    x + index * xBatchStride, leadingX, y + index * yBatchStride, leadingY,
                    beta, output + index * outputBatchStride, Int32(n))
    }
}

/// The sizes of `op(a) · op(b)` for 2-D and 3-D operands, worked out once for forward and backward.
struct MatmulPlan {
    let batch: Int, m: Int, n: Int, k: Int
    let aBatchStride: Int, bBatchStride: Int
    let outputShape: [Int]

    init(_ a: [Int], _ b: [Int], transposeA: Bool, transposeB: Bool) throws {
        guard (2 ... 3).contains(a.count), (2 ... 3).contains(b.count) else {
            throw TensorError.shapeMismatch(op: "matmul", lhs: a, rhs: b)
        }
        let aRows = a[a.count - 2], aColumns = a[a.count - 1]
        let bRows = b[b.count - 2], bColumns = b[b.count - 1]
        let (m, k) = transposeA ? (aColumns, aRows) : (aRows, aColumns)
        let (bK, n) = transposeB ? (bColumns, bRows) : (bRows, bColumns)
        guard k == bK else { throw TensorError.shapeMismatch(op: "matmul", lhs: a, rhs: b) }
        let aBatch = a.count == 3 ? a[0] : 1, bBatch = b.count == 3 ? b[0] : 1
        if a.count == 3 && b.count == 3 && aBatch != bBatch {
            throw TensorError.shapeMismatch(op: "matmul", lhs: a, rhs: b)
        }
        self.n = n; self.k = k
        if a.count == 3 && b.count == 2 && !transposeA {
            // Fold the batch into the rows: one large gemm instead of many small ones.
            batch = 1; self.m = aBatch * m; aBatchStride = 0; bBatchStride = 0
        } else {
            batch = Swift.max(aBatch, bBatch); self.m = m
            aBatchStride = a.count == 3 ? m * k : 0
            bBatchStride = b.count == 3 ? k * n : 0
        }
        outputShape = a.count == 2 && b.count == 2 ? [m, n] : [Swift.max(aBatch, bBatch), m, n]
    }
}

extension Tensor {
    /// `op(a) · op(b)` where op transposes the last two axes when the flag is set: 2-D × 2-D,
    /// batched 3-D × 3-D, or a 2-D operand shared across the other's batch.
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) throws -> Tensor {
        let plan = try MatmulPlan(a.shape, b.shape, transposeA: transposeA, transposeB: transposeB)
        let count = try TensorLimits.checkedElementCount(plan.outputShape, op: "matmul")
        let values = [Float](unsafeUninitializedCapacity: count) { output, initialized in
            a.storage.withUnsafeBufferPointer { left in
                b.storage.withUnsafeBufferPointer { right in
                    // An empty operand (k = 0) may have no base address: the product is all zeros.
                    guard let x = left.baseAddress, let y = right.baseAddress, let out = output.baseAddress else {
                        output.initialize(repeating: 0)
                        return
                    }
                    gemm(batch: plan.batch, m: plan.m, n: plan.n, k: plan.k,
                         x: x, xTransposed: transposeA, xBatchStride: plan.aBatchStride,
                         y: y, yTransposed: transposeB, yBatchStride: plan.bBatchStride,
                         output: out, outputBatchStride: plan.m * plan.n, accumulate: false)
                }
            }
            initialized = count
        }
        return result(shape: plan.outputShape, storage: count == 0 ? [] : values, inputs: [a, b],
                      .matmul(transposeA: transposeA, transposeB: transposeB))
    }

    /// The matrix product (`a @ b`, torch.matmul for operands of rank ≥ 2): the leading (batch)
    /// axes broadcast, so `[2, 4, 3] @ [1, 3, 4]` and 4-D operands work.
    public static func matmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let direct = a.rank >= 2 && a.rank <= 3 && b.rank >= 2 && b.rank <= 3
            && !(a.rank == 3 && b.rank == 3 && a.shape[0] != b.shape[0])
        if direct || a.rank < 2 || b.rank < 2 { return try matmul(a, b, transposeA: false, transposeB: false) }
        return try broadcastMatmul(a, b)
    }

    /// Batch-broadcast product: both operands expanded to the common batch shape (a broadcast add
    /// of zeros, whose gradient sums back over the broadcast axes), flattened to one batch axis,
    /// multiplied as 3-D, and unflattened. Rare in the toy models, so built from recorded ops.
    private static func broadcastMatmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let (n, k) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (bRows, m) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        guard k == bRows else { throw TensorError.shapeMismatch(op: "matmul", lhs: a.shape, rhs: b.shape) }
        let batch: [Int]
        do {
            batch = try broadcastShape(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)), op: "matmul")
        } catch {
            throw TensorError.shapeMismatch(op: "matmul", lhs: a.shape, rhs: b.shape)
        }
        let batchCount = try TensorLimits.checkedElementCount(batch, op: "matmul")
        _ = try TensorLimits.checkedElementCount(batch + [n, m], op: "matmul")
        func expanded(_ tensor: Tensor, _ full: [Int]) throws -> Tensor {
            tensor.shape == full ? tensor : try tensor + Tensor.zeros(full)
        }
        let left = try expanded(a, batch + [n, k]).reshape([batchCount, n, k])
        let right = try expanded(b, batch + [k, m]).reshape([batchCount, k, m])
        return try matmul(left, right, transposeA: false, transposeB: false).reshape(batch + [n, m])
    }

    /// A fully connected layer: `x · weightᵀ + bias` with `weight` [out, in] (PyTorch's layout),
    /// `x` [..., in] and `bias` [out]; one gemm with the bias starting the sums. With `residual`
    /// (shaped as the output) the result is `residual + (x · weightᵀ + bias)`, the residual added
    /// as the product's tiles are stored (a transformer block's `x + proj(…)`): the same values
    /// as the two ops, without the separate pass and array, and one graph node.
    public static func linear(_ x: Tensor, weight: Tensor, bias: Tensor?, residual: Tensor? = nil) throws -> Tensor {
        guard x.rank >= 1, weight.rank == 2, x.shape[x.rank - 1] == weight.shape[1] else {
            throw TensorError.shapeMismatch(op: "linear", lhs: x.shape, rhs: weight.shape)
        }
        let outputs = weight.shape[0], inputs = weight.shape[1]
        if let bias, bias.shape != [outputs] {
            throw TensorError.shapeMismatch(op: "linear", lhs: weight.shape, rhs: bias.shape)
        }
        let rows = inputs == 0 ? x.shape.dropLast().reduce(1, *) : x.count / inputs
        let outputShape = Array(x.shape.dropLast()) + [outputs]
        let count = try TensorLimits.checkedElementCount(outputShape, op: "linear")
        if let residual, residual.shape != outputShape {
            throw TensorError.shapeMismatch(op: "linear (residual)", lhs: outputShape, rhs: residual.shape)
        }
        let values = [Float](unsafeUninitializedCapacity: count) { output, initialized in
            initialized = count
            guard let out = output.baseAddress else { return }
            let fused = x.storage.withUnsafeBufferPointer { left in
                weight.storage.withUnsafeBufferPointer { right in
                    (bias?.storage ?? []).withUnsafeBufferPointer { biasValues in
                        (residual?.storage ?? []).withUnsafeBufferPointer { residualValues in
                            linearValues(out, rows: rows, outputs: outputs, inputs: inputs, x: left.baseAddress,
                                         weight: right.baseAddress, bias: bias == nil ? nil : biasValues.baseAddress,
                                         residual: residual == nil ? nil : residualValues.baseAddress)
                        }
                    }
                }
            }
            // Not added in the product's store (OpenBLAS, or no inputs): the residual's own pass, as `+`.
            if let residual, !fused {
                residual.storage.withUnsafeBufferPointer { extra in
                    for index in 0 ..< count { out[index] = extra[index] + out[index] }
                }
            }
        }
        let operands = [x, weight] + (bias.map { [$0] } ?? []) + (residual.map { [$0] } ?? [])
        return result(shape: outputShape, storage: values, inputs: operands, .linear(residual: residual != nil))
    }

    /// out (rows × outputs) = x · weightᵀ + bias, plus `residual` when CKernels' sgemm takes the
    /// product (it adds it as tiles are stored); returns whether the residual was added.
    private static func linearValues(_ out: UnsafeMutablePointer<Float>, rows: Int, outputs: Int, inputs: Int,
                                     x: UnsafePointer<Float>?, weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
                                     residual: UnsafePointer<Float>?) -> Bool {
        guard let x, let weight else {
            // No inputs (k = 0): the bias alone, or zeros.
            for row in 0 ..< rows {
                for column in 0 ..< outputs { out[row * outputs + column] = bias?[column] ?? 0 }
            }
            return false
        }
        if gemmInKernels(batch: 1, m: rows, n: outputs, k: inputs, x: x, xTransposed: false, xBatchStride: 0,
                         y: weight, yTransposed: true, yBatchStride: 0, bias: bias, addend: residual,
                         output: out, outputBatchStride: 0, accumulate: false) { return residual != nil }
        if let bias {
            // A plain loop per row: a memcpy call per short row cost more than the copy.
            for row in 0 ..< rows {
                let target = out + row * outputs
                for column in 0 ..< outputs { target[column] = bias[column] }
            }
        }
        gemm(batch: 1, m: rows, n: outputs, k: inputs, x: x, xTransposed: false, xBatchStride: 0,
             y: weight, yTransposed: true, yBatchStride: 0, output: out, outputBatchStride: 0, accumulate: bias != nil)
        return false
    }
}
