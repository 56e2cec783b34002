// Knowledge distillation: the KD loss, the T² factor and both KL directions pinned against PyTorch
// (float64, computed independently with the reference env: F.kl_div(log_softmax(s/T),
// softmax(t/T), reduction="batchmean") * T*T, and torch autograd for the gradients); every rule
// checked by finite differences; the frozen teacher; the blobs toy data.
import Foundation
import Autograd
import NeuralNets
import Testing
import TestSupport
@testable import Toys

/// The logits and labels the PyTorch values below were computed from (3 rows, 4 classes).
private enum Reference {
    static let student: [Float] = [1.0, -0.5, 2.0, 0.3, 0.2, 0.1, -1.0, 1.5, -0.7, 2.2, 0.4, -0.3]
    static let teacher: [Float] = [3.0, -1.0, 0.5, 1.0, 0.0, 2.0, -2.0, 1.0, 1.0, 4.0, -1.0, 0.0]
    static let labels = [2, 3, 1]
    /// T → T²·KL(softmax(t/T) ‖ softmax(s/T)), batchmean.
    static let softTerm: [Double: Double] = [1: 0.5524923080, 2: 0.7210709155, 4: 0.7807843505, 10: 0.7843951224]
    /// (T, α) → α·T²·KL + (1 − α)·CE.
    static let loss: [Double: [Double: Double]] = [
        1: [0.9: 0.5380823881, 0.5: 0.4804427084],
        2: [0.9: 0.6898031348, 0.5: 0.5647320121],
        4: [0.9: 0.7435452263, 0.5: 0.5945887296],
        10: [0.9: 0.7467949211, 0.5: 0.5963941156],
    ]
    /// d loss / d student logits at α = 0.9, T = 4.
    static let gradientAtT4: [Float] = [-0.1557424795, 0.0421994979, 0.1354835818, -0.0219406001, 0.0339857746,
                                        -0.1452756872, 0.0581832601, 0.0531066525, -0.0463989771, -0.1203799141,
                                        0.1305262204, 0.0362526708]
    /// ‖d KL_T / d s‖ (no T² factor) for T = 1, 4, 10.
    static let softGradientNorm: [Double: Double] = [1: 0.3482327701, 4: 0.0234456913, 10: 0.0036656536]

    static func logits(_ values: [Float], grad: Bool = false) throws -> Tensor {
        try Tensor(shape: [3, 4], values: values, requiresGrad: grad)
    }
}

@Suite struct KnowledgeDistillationLossTests {
    @Test(arguments: [1.0, 2.0, 4.0, 10.0])
    func theLossMatchesPyTorch(temperature: Double) throws {
        let student = try Reference.logits(Reference.student), teacher = try Reference.logits(Reference.teacher)
        for alpha in [0.9, 0.5] {
            let parts = try Distillation.loss(studentLogits: student, teacherLogits: teacher, labels: Reference.labels,
                                              temperature: temperature, alpha: alpha)
            let expected = try #require(Reference.loss[temperature]?[alpha])
            #expect(isClose(Double(try parts.loss.item()), expected, absolute: 2e-6), "T \(temperature) α \(alpha)")
            let soft = try #require(Reference.softTerm[temperature])
            #expect(isClose(Double(try parts.soft.item()), alpha * soft, absolute: 2e-6))
            #expect(isClose(Double(try parts.soft.item() + parts.hard.item()), expected, absolute: 2e-6), "the parts add up")
        }
        // α = 1: soft targets only, and no labels needed.
        let softOnly = try Distillation.loss(studentLogits: student, teacherLogits: teacher, labels: nil,
                                             temperature: temperature, alpha: 1)
        #expect(isClose(Double(try softOnly.loss.item()), try #require(Reference.softTerm[temperature]), absolute: 2e-6))
        #expect(try softOnly.hard.item() == 0)
    }

    @Test func theGradientMatchesPyTorchAndFiniteDifferences() throws {
        let student = try Reference.logits(Reference.student, grad: true), teacher = try Reference.logits(Reference.teacher)
        let parts = try Distillation.loss(studentLogits: student, teacherLogits: teacher, labels: Reference.labels,
                                          temperature: 4, alpha: 0.9)
        try parts.loss.backward()
        let gradient = try #require(student.grad)
        #expect(allClose(gradient.storage, Reference.gradientAtT4, absolute: 2e-6), "\(gradient.storage)")
        for temperature in [1.0, 4.0, 10.0] {
            let mismatches = try GradientChecker.check([try Reference.logits(Reference.student, grad: true)]) { inputs in
                try Distillation.loss(studentLogits: inputs[0], teacherLogits: teacher, labels: Reference.labels,
                                      temperature: temperature, alpha: 0.7).loss
            }
            #expect(mismatches.isEmpty, "T \(temperature): \(mismatches)")
        }
    }

    /// Hinton: "the magnitudes of the gradients produced by the soft targets scale as 1/T²";
    /// multiplying by T² keeps the soft gradient the same size at every T.
    @Test func theTSquaredFactorKeepsTheSoftGradientsSize() throws {
        let teacher = try Reference.logits(Reference.teacher)
        func softGradientNorm(_ temperature: Double, scaled: Bool) throws -> Double {
            let student = try Reference.logits(Reference.student, grad: true)
            let divergence = try Tensor.klDivergence(studentLogits: student, teacherLogits: teacher, temperature: Float(temperature))
            let loss = scaled ? try Distillation.loss(studentLogits: student, teacherLogits: teacher, labels: nil,
                                                      temperature: temperature, alpha: 1).loss : divergence
            try loss.backward()
            return Double(try #require(student.grad).storage.reduce(0) { $0 + $1 * $1 }.squareRoot())
        }
        for (temperature, expected) in Reference.softGradientNorm {
            let plain = try softGradientNorm(temperature, scaled: false)
            let scaled = try softGradientNorm(temperature, scaled: true)
            #expect(isClose(plain, expected, absolute: 1e-6, relative: 1e-4), "T \(temperature): \(plain)")
            #expect(isClose(scaled, expected * temperature * temperature, absolute: 1e-5, relative: 1e-4))
        }
        // Without T² the soft gradient at T = 10 is about a hundredth of T = 1's; with it, the same size.
        let plainTen = try softGradientNorm(10, scaled: false), plainOne = try softGradientNorm(1, scaled: false)
        #expect(plainTen < plainOne / 50)
        let ratio = try softGradientNorm(10, scaled: true) / softGradientNorm(1, scaled: true)
        #expect(ratio > 0.9 && ratio < 1.2, "\(ratio)")
    }

    @Test func softTargetsAreTheTemperedSoftmax() throws {
        let logits = try Tensor(shape: [4], values: [3, -1, 0.5, 1])
        let probabilities = try Distillation.softTargets(logits, temperature: 2)
        #expect(allClose(probabilities.storage, [0.5587467690, 0.0756181522, 0.1600836296, 0.2055514492], absolute: 1e-6))
        // Higher T: flatter (more entropy), same ranking.
        let hot = try Distillation.softTargets(logits, temperature: 20)
        #expect(try Distillation.entropy(hot).item() > Distillation.entropy(probabilities).item())
        #expect(try hot.argmax().item() == 0)
    }

    @Test func badTemperaturesAlphasAndShapesAreRefusedWithTheValue() throws {
        let student = try Reference.logits(Reference.student), teacher = try Reference.logits(Reference.teacher)
        for temperature in [0.0, -2.0, .infinity] {
            #expect(throws: TensorError.self) {
                try Distillation.loss(studentLogits: student, teacherLogits: teacher, labels: Reference.labels, temperature: temperature, alpha: 0.5)
            }
        }
        for alpha in [-0.1, 1.5] {
            do {
                _ = try Distillation.loss(studentLogits: student, teacherLogits: teacher, labels: Reference.labels, temperature: 2, alpha: alpha)
                Issue.record("alpha \(alpha) accepted")
            } catch let error as TensorError {
                #expect("\(error)".contains("alpha = \(alpha)"), "\(error)")
            }
        }
        do {
            _ = try Distillation.loss(studentLogits: student, teacherLogits: try Tensor.zeros([3, 5]), labels: nil, temperature: 2, alpha: 1)
            Issue.record("mismatched shapes accepted")
        } catch let error as TensorError {
            #expect("\(error)".contains("[3, 4]") && "\(error)".contains("[3, 5]"), "\(error)")
        }
        #expect(throws: TensorError.self) {   // no labels but a hard-term weight
            try Distillation.loss(studentLogits: student, teacherLogits: teacher, labels: nil, temperature: 2, alpha: 0.9)
        }
    }
}

@Suite struct DivergenceTests {
    static let p: [Float] = [0.7, 0.2, 0.1, 0.05, 0.05, 0.9]
    static let q: [Float] = [0.3, 0.4, 0.3, 0.2, 0.5, 0.3]

    func tensors() throws -> (Tensor, Tensor) {
        (try Tensor(shape: [2, 3], values: Self.p, requiresGrad: true), try Tensor(shape: [2, 3], values: Self.q, requiresGrad: true))
    }

    /// torch: (p * (p.log() - q.log())).sum(-1).mean() == F.kl_div(q.log(), p, reduction="batchmean").
    @Test func forwardKLMatchesPyTorch() throws {
        let (p, q) = try tensors()
        let value = try Distillation.kl(p, q)
        #expect(isClose(try value.item(), 0.5744624622, absolute: 1e-6))
        try value.backward()
        #expect(allClose(try #require(p.grad).storage, [0.9236489302, 0.1534264097, -0.0493061443, -0.1931471806, -0.6512925465, 1.0493061443], absolute: 1e-5))
        #expect(allClose(try #require(q.grad).storage, [-1.1666666667, -0.25, -0.1666666667, -0.125, -0.05, -1.5], absolute: 1e-5))
    }

    /// torch: (q * (q.log() - p.log())).sum(-1).mean() == F.kl_div(p.log(), q, reduction="batchmean").
    @Test func reverseKLMatchesPyTorch() throws {
        let (p, q) = try tensors()
        let value = try Distillation.reverseKL(p, q)
        #expect(isClose(try value.item(), 0.7258104664, absolute: 1e-6))
        try value.backward()
        #expect(allClose(try #require(p.grad).storage, [-0.2142857143, -1.0, -1.5, -2.0, -5.0, -0.1666666667], absolute: 1e-5))
        #expect(allClose(try #require(q.grad).storage, [0.0763510698, 0.8465735903, 1.0493061443, 1.1931471806, 1.6512925465, -0.0493061443], absolute: 1e-5))
        // The two directions differ: KL is not symmetric.
        #expect(try Distillation.kl(p, q).item() != Distillation.reverseKL(p, q).item())
    }

    @Test func entropyMatchesPyTorchAndItsLimits() throws {
        let (p, _) = try tensors()
        let value = try Distillation.entropy(p)
        #expect(isClose(try value.item(), 0.5981081220, absolute: 1e-6))
        try value.backward()
        #expect(allClose(try #require(p.grad).storage, [-0.3216625280, 0.3047189562, 0.6512925465, 0.9978661368, 0.9978661368, -0.4473197422], absolute: 1e-5))
        #expect(isClose(try Distillation.entropy(try Tensor(shape: [4], values: [0.25, 0.25, 0.25, 0.25])).item(), Float(Foundation.log(4.0)), absolute: 1e-6))
        #expect(try Distillation.entropy(try Tensor(shape: [3], values: [0, 1, 0])).item() == 0, "0·log 0 counts as 0")
        #expect(try Distillation.kl(try Tensor(shape: [2], values: [1, 0]), try Tensor(shape: [2], values: [0.5, 0.5])).item()
                == Float(Foundation.log(2.0)), "a zero in p adds nothing")
    }

    @Test func everyDivergenceAgreesWithFiniteDifferences() throws {
        // Rows kept normalised by building them with softmax from free logits.
        var generator = SeededGenerator(seed: 5)
        let a = try Tensor.normal([3, 5], generator: &generator), b = try Tensor.normal([3, 5], generator: &generator)
        a.requiresGrad = true; b.requiresGrad = true
        for (name, function) in [("kl", Distillation.kl), ("reverse_kl", Distillation.reverseKL)] as [(String, (Tensor, Tensor) throws -> Tensor)] {
            let mismatches = try GradientChecker.check([a, b]) { inputs in try function(try inputs[0].softmax(), try inputs[1].softmax()) }
            #expect(mismatches.isEmpty, "\(name): \(mismatches)")
        }
        let mismatches = try GradientChecker.check([a]) { inputs in try Distillation.entropy(try inputs[0].softmax()) }
        #expect(mismatches.isEmpty, "entropy: \(mismatches)")
        // And on raw probabilities (the derivative rule with respect to p itself).
        let p = try Tensor(shape: [2, 3], values: DivergenceTests.p, requiresGrad: true)
        let q = try Tensor(shape: [2, 3], values: DivergenceTests.q, requiresGrad: true)
        let direct = try GradientChecker.check([p, q], epsilon: 1e-4) { inputs in try Distillation.kl(inputs[0], inputs[1]) }
        #expect(direct.isEmpty, "kl on probabilities: \(direct)")
    }

    @Test func logitsPassedByMistakeAreRefused() throws {
        let logits = try Tensor(shape: [2], values: [2, -1]), probabilities = try Tensor(shape: [2], values: [0.5, 0.5])
        for function in [Distillation.kl, Distillation.reverseKL] {
            do {
                _ = try function(logits, probabilities)
                Issue.record("logits accepted")
            } catch let error as TensorError {
                #expect("\(error)".contains("probabilities"), "\(error)")
            }
        }
        #expect(throws: TensorError.self) { try Distillation.kl(probabilities, try Tensor(shape: [3], values: [0.2, 0.3, 0.5])) }
        #expect(throws: TensorError.self) { try Distillation.entropy(try Tensor(shape: [2], values: [0.3, 0.3])) }
    }
}
