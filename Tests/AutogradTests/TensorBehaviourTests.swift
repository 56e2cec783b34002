import Foundation
// Broadcasting edge cases, reverse-mode bookkeeping (accumulation, no-grad, detach, deep graphs),
// indexing semantics, random reproducibility and printing.
import Autograd
import Testing
import TestSupport

@Suite("Broadcasting")
struct BroadcastingTests {
    @Test func scalarRowColumnAndRankExtension() throws {
        let matrix = try Tensor([[1, 2, 3], [4, 5, 6]])
        #expect(try (matrix + Tensor(10)).storage == [11, 12, 13, 14, 15, 16])
        #expect(try (matrix + Tensor([1, 0, -1])).storage == [2, 2, 2, 5, 5, 5])
        #expect(try (matrix * Tensor([[2], [3]])).storage == [2, 4, 6, 12, 15, 18])
        // [2,1] against [3] gives [2,3]: both operands stretch.
        let outer = try Tensor([[1], [2]]) + Tensor([10, 20, 30])
        #expect(outer.shape == [2, 3] && outer.storage == [11, 21, 31, 12, 22, 32])
        // A [3,1,2] against [4,1] gives [3,4,2].
        let cube = try Tensor.arange(end: 6).reshape([3, 1, 2]) - Tensor.arange(end: 4).reshape([4, 1])
        #expect(cube.shape == [3, 4, 2])
        #expect(try cube.value(at: [2, 3, 1]) == 5 - 3)
    }

    /// An operand repeated over the trailing axes ((n, 1) against (n, d), on either side, with
    /// leading 1s or not) gives exactly the values of an element-by-element loop, and one that
    /// also stretches a leading axis (not that shape) goes the general way to the same values.
    @Test func columnOperandsRepeatedOverTrailingAxes() throws {
        let matrix = try Tensor.arange(end: 24).reshape([2, 3, 4]) * 0.37 - 1.1
        for columnShape in [[2, 3, 1], [1, 2, 3, 1], [2, 1, 1], [1, 3, 1]] {
            let count = columnShape.reduce(1, *)
            let column = try Tensor(shape: columnShape, values: (0 ..< count).map { Float($0) * 0.53 + 0.25 })
            let product = try matrix * column, quotient = try column / matrix
            let outputShape = product.shape
            #expect(quotient.shape == outputShape)
            for a in 0 ..< outputShape[outputShape.count - 3] {
                for b in 0 ..< 3 {
                    for c in 0 ..< 4 {
                        // The column's last three axes are (rows, 3 or 1, 1): its value for (a, b).
                        let axes = Array(columnShape.suffix(3))
                        let m = try matrix.value(at: [a, b, c])
                        let w = column.storage[(axes[0] == 1 ? 0 : a) * axes[1] + (axes[1] == 1 ? 0 : b)]
                        let index = outputShape.count == 4 ? [0, a, b, c] : [a, b, c]
                        #expect(try product.value(at: index) == m * w, "\(columnShape) at \([a, b, c])")
                        #expect(try quotient.value(at: index) == w / m, "\(columnShape) at \([a, b, c])")
                    }
                }
            }
        }
    }

    /// A scalar or a repeated row on the left of an operation that does not commute.
    @Test func repeatedOperandsOnEitherSideKeepTheirOrder() throws {
        let matrix = try Tensor([[1, 2, 3], [4, 5, 6]])
        #expect(try (Tensor(10) - matrix).storage == [9, 8, 7, 6, 5, 4])
        #expect(try (Tensor([1, 0, -1]) - matrix).storage == [0, -2, -4, -3, -5, -7])
        #expect(try (matrix - Tensor([1, 0, -1])).storage == [0, 2, 4, 3, 5, 7])
        #expect(try (Tensor([[12], [30]]) / matrix).storage == [12, 6, 4, 7.5, 6, 5])
    }

    @Test func zeroSizedDimensionsBroadcast() throws {
        let empty = try Tensor.zeros([0, 3])
        let result = try empty + Tensor([1, 2, 3])
        #expect(result.shape == [0, 3] && result.count == 0)
    }

    @Test func broadcastGradientsSumBackToOperandShapes() throws {
        let matrix = try Tensor([[1, 2, 3], [4, 5, 6]], requiresGrad: true)
        let column = try Tensor([[2], [3]], requiresGrad: true)
        try (matrix * column).sum().backward()
        #expect(try #require(matrix.grad).storage == [2, 2, 2, 3, 3, 3])
        #expect(try #require(column.grad).storage == [6, 15])
    }

    @Test func incompatibleShapesNameBothShapes() throws {
        let error = #expect(throws: TensorError.self) { try Tensor.zeros([2, 3]) + Tensor.zeros([4, 3]) }
        #expect(error?.description == "add: shapes [2, 3] and [4, 3] are not compatible")
    }
}

@Suite("Reverse mode")
struct ReverseModeTests {
    @Test func gradientsAccumulateUntilZeroed() throws {
        let x = try Tensor([1, 2], requiresGrad: true)
        try (x * x).sum().backward()
        try (x * x).sum().backward()
        #expect(try #require(x.grad).storage == [4, 8])   // 2·(2x)
        x.zeroGrad()
        try (x * 3).sum().backward()
        #expect(try #require(x.grad).storage == [3, 3])
    }

    @Test func aTensorUsedTwiceGetsBothContributions() throws {
        let x = try Tensor([3], requiresGrad: true)
        let y = try x * x + x          // dy/dx = 2x + 1 = 7
        try y.sum().backward()
        #expect(try #require(x.grad).storage == [7])
    }

    @Test func noGradScopeRecordsNothingAndDetachCutsTheGraph() throws {
        let x = try Tensor([1, 2], requiresGrad: true)
        let inside = withNoGrad { x * 2 }
        #expect(!inside.requiresGrad && inside.isLeaf)
        #expect(GradMode.isEnabled)
        let detached = (x * 2).detach()
        #expect(!detached.requiresGrad && detached.isLeaf)
        let y = try (x * detached).sum()   // d/dx = detached = 2x, not 4x
        try y.backward()
        #expect(try #require(x.grad).storage == [2, 4])
    }

    @Test func deepGraphsDoNotOverflowTheStack() throws {
        let x = try Tensor([1], requiresGrad: true)
        var y = x
        for _ in 0 ..< 20_000 { y = y * 1.0001 }
        try y.sum().backward()
        let expected = Float(Foundation_pow(1.0001, 20_000))
        #expect(isClose(try #require(x.grad).storage[0], expected, relative: 1e-2))
    }

    @Test func backwardNeedsAScalar() throws {
        let x = try Tensor([1, 2], requiresGrad: true)
        let error = #expect(throws: TensorError.self) { try (x * 2).backward() }
        #expect(error?.description.contains("[2]") == true)
    }
}

/// pow without importing Foundation into the test's namespace twice.
func Foundation_pow(_ base: Double, _ exponent: Double) -> Double {
    var result = 1.0
    for _ in 0 ..< Int(exponent) { result *= base }
    return result
}

@Suite("Indexing")
struct IndexingTests {
    @Test func topKBreaksTiesByLowerIndex() throws {
        let values = try Tensor([[1, 3, 3, 2], [5, 5, 5, 0]])
        let (top, indices) = try values.topK(2)
        #expect(top.storage == [3, 3, 5, 5])
        #expect(try indices.integerValues == [1, 2, 0, 1])
    }

    @Test func indexSelectAndIndexAddAreAdjoint() throws {
        let table = try Tensor([[1, 2], [3, 4], [5, 6]])
        #expect(try table.indexSelect(axis: 0, indices: [2, 0, 2]).storage == [5, 6, 1, 2, 5, 6])
        let combined = try Tensor.zeros([3, 2]).indexAdd(axis: 0, indices: [1, 1, 0],
                                                         source: Tensor([[1, 1], [2, 2], [3, 3]]))
        #expect(combined.storage == [3, 3, 3, 3, 0, 0])
    }

    @Test func gatherAndScatterAddFollowPyTorch() throws {
        let source = try Tensor([[10, 11, 12], [20, 21, 22]])
        let index = try Tensor([[2, 0], [1, 1]])
        #expect(try source.gather(axis: 1, index: index).storage == [12, 10, 21, 21])
        let scattered = try Tensor.zeros([2, 3]).scatterAdd(axis: 1, index: index, source: Tensor([[1, 2], [3, 4]]))
        #expect(scattered.storage == [2, 0, 1, 0, 7, 0])
    }

    @Test func embeddingKeepsTheIndexShape() throws {
        let table = try Tensor([[0, 0], [1, 1], [2, 2]])
        let looked = try table.embedding(Tensor([[2, 1], [0, 2]]))
        #expect(looked.shape == [2, 2, 2] && looked.storage == [2, 2, 1, 1, 0, 0, 2, 2])
    }

    @Test func sliceSelectConcatStack() throws {
        let grid = try Tensor.arange(end: 12).reshape([3, 4])
        #expect(try grid.slice(axis: 1, start: 1, end: 4, step: 2).storage == [1, 3, 5, 7, 9, 11])
        #expect(try grid.select(axis: 1, index: -1).storage == [3, 7, 11])
        #expect(try grid.select(axis: 0, index: 1).shape == [4])
        let joined = try Tensor.concat([grid, grid.slice(axis: 0, start: 0, end: 1)], axis: 0)
        #expect(joined.shape == [4, 4])
        let stacked = try Tensor.stack([Tensor([1, 2]), Tensor([3, 4])], axis: 1)
        #expect(stacked.shape == [2, 2] && stacked.storage == [1, 3, 2, 4])
        #expect(grid.T.storage == [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11])
    }

    @Test func splitCutsConsecutivePiecesAndBackpropagates() throws {
        let rows = try Tensor.arange(end: 10).reshape([5, 2])
        rows.requiresGrad = true
        let pieces = try rows.split(sizes: [2, 0, 3])
        #expect(pieces.map(\.shape) == [[2, 2], [0, 2], [3, 2]])
        #expect(pieces[2].storage == [4, 5, 6, 7, 8, 9])
        try (pieces[0].sum() + (pieces[2] * 2).sum()).backward()
        #expect(try #require(rows.grad).storage == [1, 1, 1, 1, 2, 2, 2, 2, 2, 2])
        #expect(throws: TensorError.self) { try rows.split(sizes: [2, 2]) }
    }

    @Test func oneHotAndArgmax() throws {
        #expect(try Tensor.oneHot([2, 0], classes: 3).storage == [0, 0, 1, 1, 0, 0])
        #expect(try Tensor([[1, 5, 5], [7, 0, 1]]).argmax(axis: 1).integerValues == [1, 0])
    }

    @Test func badIndicesThrowWithTheValues() throws {
        let table = try Tensor.zeros([3, 2])
        let error = #expect(throws: TensorError.self) { try table.indexSelect(axis: 0, indices: [3]) }
        #expect(error?.description == "indexSelect: index 3 is out of range 0..<3")
        #expect(throws: TensorError.self) { try Tensor.crossEntropy(logits: table, targets: [0, 2, 1]) }
    }

    @Test func hostileArgumentsThrowInsteadOfTrapping() throws {
        let scalar = Tensor(3)
        let axisError = #expect(throws: TensorError.self) { try scalar.sum(axis: 0) }
        #expect(axisError?.description == "sum: axis 0 is out of range for a tensor of rank 0")
        let table = try Tensor.zeros([3, 2])
        #expect(throws: TensorError.self) { try table.embedding(Tensor([Float.infinity])) }
        #expect(throws: TensorError.self) { try table.embedding(Tensor([0.5])) }
        #expect(throws: TensorError.self) { try Tensor([Float.nan]).integerValues }
        #expect(throws: TensorError.self) { try Tensor.arange(end: 1e30) }
        #expect(try table.slice(axis: 0, start: 1, step: Int.max).shape == [1, 2])
        #expect(throws: TensorError.self) { try table.reshape([4, -1]) }
        #expect(throws: TensorError.self) { try table.permute([0, 0]) }
        #expect(throws: TensorError.self) { try Tensor.linear(table, weight: Tensor.zeros([2, 3]), bias: nil) }
    }
}

@Suite("Creation, random numbers, limits and printing")
struct CreationTests {
    @Test func sameSeedSameBits() throws {
        var first = SeededGenerator(seed: 7), second = SeededGenerator(seed: 7)
        let a = try Tensor.normal([1000], generator: &first), b = try Tensor.normal([1000], generator: &second)
        #expect(a.storage.map(\.bitPattern) == b.storage.map(\.bitPattern))
        var third = SeededGenerator(seed: 8)
        #expect(try Tensor.normal([1000], generator: &third).storage != a.storage)
    }

    @Test func normalAndUniformHaveTheRightMoments() throws {
        var generator = SeededGenerator(seed: 1)
        let normal = try Tensor.normal([100_000], mean: 2, standardDeviation: 3, generator: &generator)
        let mean = try normal.mean().item()
        let variance = try (normal - mean).pow(2).mean().item()
        // Standard errors: 3/√1e5 ≈ 0.0095 for the mean, ≈ 0.04 for the variance; allow 4σ.
        #expect(Swift.abs(mean - 2) < 0.04 && Swift.abs(variance - 9) < 0.2)
        let uniform = try Tensor.uniform([100_000], low: -1, high: 1, generator: &generator)
        #expect(try uniform.min().item() >= -1 && uniform.max().item() < 1)
        #expect(Swift.abs(try uniform.mean().item()) < 0.01)
    }

    @Test func creationHelpers() throws {
        #expect(try Tensor.eye(3).storage == [1, 0, 0, 0, 1, 0, 0, 0, 1])
        #expect(try Tensor.arange(start: 1, end: 2, step: 0.25).storage == [1, 1.25, 1.5, 1.75])
        #expect(try Tensor.full([2], value: 7).storage == [7, 7])
        #expect(throws: TensorError.self) { try Tensor([[1, 2], [3]]) }
    }

    @Test func descriptionShowsShapeAndCutsLongDimensions() throws {
        #expect(try Tensor([[1, 2.5], [3, -4]]).description == "tensor([[1, 2.5], [3, -4]], shape=[2, 2])")
        let long = try Tensor.arange(end: 20)
        #expect(long.description == "tensor([0, 1, 2, …, 17, 18, 19], shape=[20])")
        #expect(Tensor(0.125, requiresGrad: true).description == "tensor(0.125, shape=[], requires_grad=true)")
    }

    @Test func wideMatricesPrintOneRowPerLineAligned() throws {
        // 10 rows of 10: both axes are cut to 3 + … + 3, and the rows no longer fit one line.
        let matrix = try Tensor.arange(end: 100).reshape([10, 10])
        let expected = """
            tensor([[0, 1, 2, …, 7, 8, 9],
                    [10, 11, 12, …, 17, 18, 19],
                    [20, 21, 22, …, 27, 28, 29],
                    …,
                    [70, 71, 72, …, 77, 78, 79],
                    [80, 81, 82, …, 87, 88, 89],
                    [90, 91, 92, …, 97, 98, 99]], shape=[10, 10])
            """
        #expect(matrix.description == expected)
    }
}

@Suite("Comparisons and masks")
struct ComparisonTests {
    @Test func compareWhereMinimumMaximum() throws {
        let a = try Tensor([1, 5, 3]), b = try Tensor([2, 5, 1])
        #expect(try a.compare(.less, b).storage == [1, 0, 0])
        #expect(try a.compare(.greaterOrEqual, b).storage == [0, 1, 1])
        #expect(a.compare(.equal, 3).storage == [0, 0, 1])
        #expect(try Tensor.where(a.compare(.greater, 2), a, Tensor(0)).storage == [0, 5, 3])
        #expect(try Tensor.minimum(a, b).storage == [1, 5, 1])
        #expect(try Tensor.maximum(a, b).storage == [2, 5, 3])
        // The gradient of minimum goes to the smaller operand; a tie splits it 0.5 / 0.5 (torch.minimum).
        let x = try Tensor([1, 5, 3], requiresGrad: true), y = try Tensor([2, 5, 1], requiresGrad: true)
        try Tensor.minimum(x, y).sum().backward()
        #expect(try #require(x.grad).storage == [1, 0.5, 0])
        #expect(try #require(y.grad).storage == [0, 0.5, 1])
    }
}

/// Serialized: one test changes the process-wide limit that the other's message names.
@Suite("Size limit", .serialized)
struct SizeLimitTests {
    @Test func sizeLimitNamesTheShapeAndSize() throws {
        let error = #expect(throws: TensorError.self) { try Tensor.zeros([1 << 15, 1 << 14]) }
        #expect(error?.description == "a tensor of shape [32768, 16384] would need 536870912 values (2.1 GB); "
            + "a tensor may hold at most 268435456 values (1.1 GB). Use smaller dimensions")
        // Products that would overflow Int are refused too.
        #expect(throws: TensorError.self) { try Tensor.zeros([1 << 40, 1 << 40]) }
        #expect(throws: TensorError.self) { try Tensor.matmul(Tensor.zeros([1 << 15, 1]), Tensor.zeros([1, 1 << 14])) }
    }

    @Test func sizeLimitIsConfigurable() throws {
        // Other tests run in parallel, so the temporary limit stays far above what they allocate.
        let saved = TensorLimits.maximumElementCount
        defer { TensorLimits.maximumElementCount = saved }
        TensorLimits.maximumElementCount = 1 << 22
        let error = #expect(throws: TensorError.self) { try Tensor.ones([1 << 12, 1 << 11]) }
        #expect(error == .sizeLimitExceeded(shape: [4096, 2048], elementCount: 1 << 23, limit: 1 << 22))
    }

    @Test func aRaisedLimitStillStopsAtTheMachinesMemory() throws {
        let saved = TensorLimits.maximumElementCount
        defer { TensorLimits.maximumElementCount = saved }
        TensorLimits.maximumElementCount = Int.max
        // Twice the physical memory: refused before any allocation, naming the memory.
        let elements = Int(ProcessInfo.processInfo.physicalMemory / 2)
        let error = #expect(throws: TensorError.self) { try Tensor.zeros([elements, 1]) }
        #expect(error?.description.contains("this machine's memory holds about") == true)
        #expect(error?.description.hasPrefix("a tensor of shape [\(elements), 1] would need \(elements) values") == true)
    }

    @Test func sizesReadInMemoryUnits() {
        #expect(TensorLimits.memorySize(10_000_000_000) == "40 GB")
        #expect(TensorLimits.memorySize(1 << 28) == "1.1 GB")
        #expect(TensorLimits.memorySize(1000) == "4.0 kB")
        #expect(TensorLimits.memorySize(3) == "12 bytes")
    }
}
