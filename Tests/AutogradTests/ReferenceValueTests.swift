// Forward values and a few gradients pinned against numbers computed independently with
// python3 + numpy 2.4.6 in float64 (the script is quoted in each test's comment).
import Autograd
import Testing
import TestSupport

@Suite("Reference values (numpy)")
struct ReferenceValueTests {
    // numpy: m = x.max(-1, keepdims=True); e = np.exp(x - m); e / e.sum(-1, keepdims=True)
    @Test func softmaxIsStableForLargeLogits() throws {
        let logits = try Tensor([[1, 2, 3], [1000, 0, -1000]])
        let probabilities = try logits.softmax()
        #expect(allClose(probabilities, shape: [2, 3],
                         [0.09003057317038046, 0.24472847105479764, 0.6652409557748218, 1, 0, 0], absolute: 1e-6))
        let logProbabilities = try logits.logSoftmax()
        #expect(allClose(logProbabilities.storage,
                         [-2.4076059644443806, -1.4076059644443804, -0.4076059644443804, 0, -1000, -2000], absolute: 1e-5))
    }

    // numpy: np.log(np.exp([1,2,3]).sum()) = 3.40760596444438; the second row is 1000 (stable form).
    @Test func logSumExpIsStable() throws {
        let values = try Tensor([[1, 2, 3], [1000, 0, -1000]]).logSumExp(axis: 1)
        #expect(allClose(values, shape: [2], [3.40760596444438, 1000], absolute: 1e-5))
    }

    // numpy: 0.5*v*(1+np.tanh(np.sqrt(2/np.pi)*(v+0.044715*v**3))) and v/(1+np.exp(-v)).
    @Test func geluTanhFormAndSilu() throws {
        let inputs = try Tensor([-2, -0.5, 0, 0.5, 2])
        #expect(allClose(inputs.gelu().storage,
                         [-0.04540230591222494, -0.15428599017485606, 0, 0.34571400982514394, 1.954597694087775], absolute: 1e-6))
        #expect(allClose(inputs.silu().storage,
                         [-0.2384058440442351, -0.1887703343990727, 0, 0.3112296656009273, 1.7615941559557646], absolute: 1e-6))
    }

    // numpy: ((a-mu)/np.sqrt(var+1e-5))*w+b and a/np.sqrt((a**2).mean(1,keepdims=True)+1e-6)*w
    @Test func layerNormAndRMSNorm() throws {
        let input = try Tensor([[1, 2, 3, 4], [2, -1, 0.5, 3]])
        let weight = try Tensor([1, 2, 0.5, 1]), bias = try Tensor([0, 0.1, 0, -0.1])
        #expect(allClose(try input.layerNorm(weight: weight, bias: bias).storage,
                         [-1.3416354199689269, -0.794423613312618, 0.2236059033281545, 1.2416354199689268,
                          0.5773490123768171, -2.7042666315445403, -0.20619607584886326, 1.1371764550931793], absolute: 1e-5))
        #expect(allClose(try input.rmsNorm(weight: weight).storage,
                         [0.3651483473268884, 1.4605933893075536, 0.5477225209903326, 1.4605933893075536,
                          1.0596257369326438, -1.0596257369326438, 0.13245321711658048, 1.5894386053989658], absolute: 1e-5))
    }

    // numpy: -(lsm(l)[0,1] + lsm(l)[1,2]) / 2 and (softmax(l) - onehot) / 2.
    @Test func crossEntropyValueAndGradient() throws {
        let logits = try Tensor([[1, 2, 0.5], [0.1, -1, 2]], requiresGrad: true)
        let loss = try Tensor.crossEntropy(logits: logits, targets: [1, 2])
        #expect(isClose(try loss.item(), 0.3230766348485291, absolute: 1e-6))
        try loss.backward()
        #expect(allClose(try #require(logits.grad).storage,
                         [0.11561194881107453, -0.18573414039411879, 0.07012219158304424,
                          0.06235373741509404, 0.020755756145987844, -0.08310949356108183], absolute: 1e-6))
    }

    // numpy: p = lsm(teacher/2), q = lsm(student/2); (exp(p)*(p-q)).sum()/2 and (exp(q)-exp(p))/(2*2).
    @Test func klDivergenceBatchmeanWithTemperature() throws {
        let student = try Tensor([[1, 2, 0.5], [0.1, -1, 2]], requiresGrad: true)
        let teacher = try Tensor([[0.5, 1, 2], [1, 1, 0]])
        let divergence = try Tensor.klDivergence(studentLogits: student, teacherLogits: teacher, temperature: 2)
        #expect(isClose(try divergence.item(), 0.24990891129619736, absolute: 1e-6))
        try divergence.backward()
        #expect(allClose(try #require(student.grad).storage,
                         [0.016134047677767292, 0.047317074881129975, -0.06345112255889726,
                          -0.035855173612681444, -0.06126262002400025, 0.09711779363668166], absolute: 1e-6))
    }

    // python: the SplitMix64 reference recurrence (Vigna) in 64-bit integer arithmetic.
    @Test func splitMixMatchesTheReferenceStream() {
        var generator = SeededGenerator(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(generator.next() == 0x06C4_5D18_8009_454F)
        var other = SeededGenerator(seed: 42)
        #expect(other.next() == 0xBDD7_3226_2FEB_6E95)
    }

    // numpy: a = np.arange(24).reshape(2,3,4); a.transpose(2,0,1), a[:,1:3,:], a.sum(1), a.max(2), a.mean(0).
    @Test func rankThreeShapeOpsAndReductions() throws {
        let cube = try Tensor.arange(end: 24).reshape([2, 3, 4])
        let permuted = try cube.permute([2, 0, 1])
        #expect(permuted.shape == [4, 2, 3])
        #expect(permuted.storage == [0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23])
        #expect(try cube.slice(axis: 1, start: 1, end: 3).storage == [4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23])
        #expect(try cube.sum(axis: 1).storage == [12, 15, 18, 21, 48, 51, 54, 57])
        #expect(try cube.max(axis: 2).storage == [3, 7, 11, 15, 19, 23])
        #expect(try cube.mean(axis: 0).storage == [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17])
        #expect(try cube.sum(axis: 1, keepDims: true).shape == [2, 1, 4])
    }

    // numpy: e = np.exp(x - x.max(0)); e / e.sum(0) for x = [[0.5,-1,2],[3,0,-2]].
    @Test func softmaxAlongTheFirstAxis() throws {
        let probabilities = try Tensor([[0.5, -1, 2], [3, 0, -2]]).softmax(axis: 0)
        #expect(allClose(probabilities.storage, [0.07585818002124356, 0.2689414213699951, 0.9820137900379085,
                                                 0.9241418199787566, 0.7310585786300049, 0.017986209962091555], absolute: 1e-6))
    }
}
