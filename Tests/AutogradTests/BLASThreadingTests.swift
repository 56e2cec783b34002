// OpenBLAS's worker threads: stopped at start-up (`parkIdleWorkers`), they come back for the first
// product that runs on several threads, and that product is right.
@testable import Autograd
import Testing

@Suite(.serialized) struct BLASThreadingTests {
    @Test func aProductOnSeveralThreadsAfterTheWorkersWereParkedIsExact() throws {
        BLASThreading.parkIdleWorkers()
        BLASThreading.parkIdleWorkers()   // twice is harmless: the second finds nothing to stop
        let saved = (BLASThreading.maximumThreads, BLASThreading.singleThreadBelowFlops)
        defer { BLASThreading.maximumThreads = saved.0; BLASThreading.singleThreadBelowFlops = saved.1 }
        BLASThreading.maximumThreads = 2
        BLASThreading.singleThreadBelowFlops = 0
        // Small whole numbers: every sum of products is a whole number below 2^24, exact in Float
        // however the threads split the work.
        let n = 384
        let a = BLASKernel.integerValues(count: n * n, seed: 3), b = BLASKernel.integerValues(count: n * n, seed: 4)
        let product = try Tensor.matmul(try Tensor(shape: [n, n], values: a), try Tensor(shape: [n, n], values: b))
        let reference = BLASKernel.referenceProduct(a, b, m: n, n: n, k: n, transposeA: false, transposeB: false)
        #expect(product.storage == reference)
    }
}
