// The distiller's objective inside the shared Trainer: a frozen teacher (no gradient, evaluation
// mode, bit-identical parameters after a run), the step's parts and metrics, soft-only and
// label-free distillation, errors naming both shapes, and the blobs toy data.
import Foundation
import Autograd
import NeuralNets
import Testing
import TestSupport
@testable import Toys

/// A model that records the mode of every forward pass (a stand-in for dropout or MoE noise).
private final class ModeRecorder: Module {
    let inner: MLP
    private var training = false
    private(set) var modesSeen: [Bool] = []

    init(_ sizes: [Int], seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        inner = try MLP(layerSizes: sizes, generator: &generator)
    }

    func children() -> [(name: String, module: any Module)] { [("inner", inner)] }
    func setOwnTraining(_ training: Bool) { self.training = training }
    func callAsFunction(_ input: Tensor) throws -> Tensor {
        modesSeen.append(training)
        return try inner(input)
    }
}

private func mlp(_ sizes: [Int], seed: UInt64) throws -> MLP {
    var generator = SeededGenerator(seed: seed)
    return try MLP(layerSizes: sizes, generator: &generator)
}

@Suite struct DistillerTests {
    let data: Dataset

    init() throws { data = try ToyData.blobs(count: 300, seed: 1) }

    func distiller(teacher: any Module, student: any Module, temperature: Double = 4, alpha: Double = 0.9,
                   usesLabels: Bool = true, labels: [Int]? = nil) throws -> Trainer {
        let objective = try DistillationObjective(teacher: teacher, student: student, inputs: data.inputs,
                                                  labels: labels ?? data.labels, temperature: temperature, alpha: alpha,
                                                  usesLabels: usesLabels, batchSize: 32, seed: 3)
        let optimizer = Adam(parameters: student.parameters(), learningRate: 0.01)
        try objective.checkOptimizer(optimizer)
        return Trainer(model: student, objective: objective, optimizer: optimizer)
    }

    @Test func theTeacherIsFrozen() throws {
        let teacher = try ModeRecorder([10, 32, 10], seed: 0)
        teacher.setTraining(true)   // even a teacher left in training mode is run in evaluation mode
        let before = teacher.parameters().map(\.storage)
        let student = try mlp([10, 8, 10], seed: 1)
        let trainer = try distiller(teacher: teacher, student: student)
        try trainer.run(steps: 25)
        #expect(teacher.parameters().map(\.storage) == before, "the teacher's parameters are bit-identical")
        #expect(teacher.parameters().allSatisfy { $0.grad == nil }, "no gradient reached the teacher")
        #expect(!teacher.modesSeen.isEmpty && teacher.modesSeen.allSatisfy { !$0 }, "every teacher pass ran in evaluation mode")
        #expect(trainer.history.scalars("loss").count == 25)
    }

    @Test func aStepReportsTheLossPartsAndTheMetrics() throws {
        let teacher = try mlp([10, 32, 10], seed: 0), student = try mlp([10, 8, 10], seed: 1)
        let record = try distiller(teacher: teacher, student: student, temperature: 2, alpha: 0.7).step()
        #expect(record.names == ["loss", "soft", "hard", "agreement", "accuracy", "teacher_accuracy"])
        let soft = try #require(record.scalar("soft")), hard = try #require(record.scalar("hard"))
        #expect(isClose(record.loss, soft + hard, absolute: 1e-5))
        #expect(soft > 0 && hard > 0)
        for name in ["agreement", "accuracy", "teacher_accuracy"] {
            let value = try #require(record.scalar(name))
            #expect(value >= 0 && value <= 1, "\(name) \(value)")
        }
    }

    /// The step's loss is exactly Distillation.loss on the batch the sampler drew.
    @Test func theStepLossIsTheKDFormulaOnItsBatch() throws {
        let teacher = try mlp([10, 32, 10], seed: 0), student = try mlp([10, 8, 10], seed: 1)
        let studentCopy = try mlp([10, 8, 10], seed: 1)
        let record = try distiller(teacher: teacher, student: student, temperature: 3, alpha: 0.6).step()
        var sampler = try BatchSampler(rowCount: data.count, batchSize: 32, seed: 3)
        let batch = try data.subset(sampler.next())
        let expected = try Distillation.loss(studentLogits: try studentCopy(batch.inputs), teacherLogits: try teacher(batch.inputs),
                                             labels: batch.labels, temperature: 3, alpha: 0.6)
        #expect(isClose(record.loss, Double(try expected.loss.item()), absolute: 1e-6))
        #expect(isClose(try #require(record.scalar("soft")), Double(try expected.soft.item()), absolute: 1e-6))
    }

    @Test func alphaOneAndNoLabelsUseSoftTargetsOnly() throws {
        let teacher = try mlp([10, 32, 10], seed: 0)
        let softOnly = try distiller(teacher: teacher, student: try mlp([10, 8, 10], seed: 1), alpha: 1).step()
        #expect(try #require(softOnly.scalar("hard")) == 0)
        #expect(isClose(softOnly.loss, try #require(softOnly.scalar("soft")), absolute: 1e-7))
        // labels=false: the same loss as α = 1, and the labels are never read for the loss.
        let unlabelled = try distiller(teacher: teacher, student: try mlp([10, 8, 10], seed: 1), alpha: 1, usesLabels: false).step()
        #expect(unlabelled.loss == softOnly.loss)
        #expect(unlabelled.names == ["loss", "soft", "agreement", "accuracy", "teacher_accuracy"])
        let objective = try DistillationObjective(teacher: teacher, student: try mlp([10, 8, 10], seed: 1), inputs: data.inputs,
                                                  labels: nil, temperature: 4, alpha: 1, usesLabels: false, batchSize: 32, seed: 3)
        let bare = try objective.loss(model: try mlp([10, 8, 10], seed: 1), step: 1)
        #expect(bare.metrics.map(\.name) == ["agreement"], "a transfer set without labels reports agreement only")
        #expect(isClose(Double(try bare.loss.item()), softOnly.loss, absolute: 1e-6))
    }

    @Test func distillingMovesTheStudentTowardTheTeacher() throws {
        let teacher = try mlp([10, 32, 10], seed: 0), student = try mlp([10, 16, 10], seed: 1)
        let trainer = try distiller(teacher: teacher, student: student, alpha: 1, usesLabels: false)
        let before = try trainer.step()
        try trainer.run(steps: 200)
        let agreements = trainer.history.scalars("agreement")
        let lateAgreement = agreements.suffix(20).reduce(0, +) / 20
        let firstSoft = try #require(before.scalar("soft"))
        #expect(trainer.history.scalars("soft").suffix(20).reduce(0, +) / 20 < firstSoft / 2)
        #expect(lateAgreement > 0.8, "\(lateAgreement)")
    }

    @Test func mismatchedModelsAndSettingsAreRefused() throws {
        let teacher = try mlp([10, 32, 10], seed: 0)
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "accepted" } catch { return "\(error)" }
        }
        let classes = message { _ = try distiller(teacher: teacher, student: try mlp([10, 8, 7], seed: 1)) }
        #expect(classes.contains("[1, 10]") && classes.contains("[1, 7]"), "both shapes named: \(classes)")
        #expect(message { _ = try distiller(teacher: teacher, student: try mlp([10, 8, 10], seed: 1), temperature: 0) }.contains("T = 0"))
        #expect(message { _ = try distiller(teacher: teacher, student: try mlp([10, 8, 10], seed: 1), temperature: -3) }.contains("T = -3"))
        #expect(message { _ = try distiller(teacher: teacher, student: try mlp([10, 8, 10], seed: 1), alpha: 1.2) }.contains("alpha = 1.2"))
        #expect(message { _ = try distiller(teacher: teacher, student: try mlp([10, 8, 10], seed: 1), alpha: -0.5) }.contains("alpha = -0.5"))
        #expect(message { _ = try distiller(teacher: teacher, student: teacher) }.contains("share parameters"))
        #expect(message { _ = try distiller(teacher: teacher, student: try mlp([10, 8, 10], seed: 1), alpha: 0.5, usesLabels: false) }.contains("alpha = 0.5"))
        let frozen = message {
            let student = try mlp([10, 8, 10], seed: 1)
            let objective = try DistillationObjective(teacher: teacher, student: student, inputs: data.inputs, labels: data.labels,
                                                      temperature: 4, alpha: 0.9, usesLabels: true, batchSize: 8, seed: 0)
            try objective.checkOptimizer(Adam(parameters: teacher.parameters() + student.parameters()))
        }
        #expect(frozen.contains("teacher"), "\(frozen)")
    }
}

@Suite struct BlobsTests {
    @Test func blobsAreSeededAndPrefixStable() throws {
        let small = try ToyData.blobs(count: 50, seed: 7), large = try ToyData.blobs(count: 500, seed: 7)
        #expect(small.inputs.shape == [50, 10] && small.classCount == 10)
        #expect(Array(large.inputs.storage.prefix(500)) == small.inputs.storage)
        #expect(Array(large.labels.prefix(50)) == small.labels)
        #expect(try ToyData.blobs(count: 50, seed: 8).inputs.storage != small.inputs.storage)
        #expect(throws: TensorError.self) { try ToyData.blobs(count: 0) }
        #expect(throws: TensorError.self) { try ToyData.blobs(count: 10, spread: -1) }
    }

    /// Each class is a mixture of its blobs: with no noise every point sits exactly on one of
    /// its class's 3 centres, so a class shows at most 3 distinct points, and the centres'
    /// coordinates have the standard deviation 1.6 of §D.2.
    @Test func eachClassIsAMixtureOfItsBlobs() throws {
        let data = try ToyData.blobs(count: 3000, classes: 10, dimensions: 10, centresPerClass: 3, spread: 0, seed: 2)
        var pointsPerClass = [Set<[Float]>](repeating: [], count: 10)
        for row in 0 ..< data.count {
            pointsPerClass[data.labels[row]].insert(Array(data.inputs.storage[row * 10 ..< row * 10 + 10]))
        }
        #expect(pointsPerClass.allSatisfy { $0.count == 3 }, "\(pointsPerClass.map(\.count))")
        let coordinates = pointsPerClass.flatMap { $0.flatMap { $0 } }.map(Double.init)
        let deviation = (coordinates.map { $0 * $0 }.reduce(0, +) / Double(coordinates.count)).squareRoot()
        #expect(deviation > 1.3 && deviation < 1.9, "centre scale \(deviation)")
        let counts = (0 ..< 10).map { label in data.labels.filter { $0 == label }.count }
        #expect(counts.allSatisfy { $0 > 240 && $0 < 360 }, "classes about equally frequent: \(counts)")
    }
}
