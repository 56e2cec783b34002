// distill_step.py's work in Swift: a frozen teacher MLP 16 → 256 → 256 → 10 (ReLU), pre-trained
// briefly (untimed), and a student 16 → 16 → 10 trained with Hinton's loss at T = 4, α = 0.9;
// 16 fixed batches of 256 labelled by argmax(tanh(x)·W), Adam 1e-3, 20 warm-up + 200 timed steps.
// Also times the same step through the distiller (`Trainer` over `DistillationObjective`), which
// adds the finiteness checks and the step's metrics (agreement, accuracies).
import Autograd
import NeuralNets
import Toys

func distillStepCase(threads: Int, warmup: Int = 20, steps: Int = 200, batch: Int = 256) throws -> String {
    var generator = SeededGenerator(seed: 0)
    let teacher = try MLP(layerSizes: [16, 256, 256, 10], activation: .relu, generator: &generator)
    let student = try MLP(layerSizes: [16, 16, 10], activation: .relu, generator: &generator)
    let rule = try Tensor.normal([16, 10], generator: &generator)                        // fixed labelling rule
    let batches = try (0 ..< 16).map { _ in
        let inputs = try Tensor.normal([batch, 16], generator: &generator)              // (B, 16)
        return (inputs, try Tensor.matmul(inputs.tanh(), rule).argmax(axis: -1).integerValues)   // (B,)
    }
    let teacherOptimizer = Adam(parameters: teacher.parameters(), learningRate: 1e-3)
    for step in 0 ..< 300 {                                                              // quick pre-training (untimed)
        let (inputs, labels) = batches[step % batches.count]
        let loss = try Tensor.crossEntropy(logits: teacher(inputs), targets: labels)
        teacherOptimizer.zeroGrad()
        try loss.backward()
        teacherOptimizer.step()
    }
    teacher.setTraining(false)

    let optimizer = Adam(parameters: student.parameters(), learningRate: 1e-3)
    var times: [Double] = [], cpuTimes: [Double] = [], teacherTimes: [Double] = []
    var loss = Tensor(0)
    for step in 0 ..< warmup + steps {
        let (inputs, labels) = batches[step % batches.count]
        let start = now(), cpuStart = cpuNow()
        let teacherLogits = try withNoGrad { try teacher(inputs) }                     // (B, 10), no graph
        let teacherDone = now()
        loss = try Distillation.loss(studentLogits: student(inputs), teacherLogits: teacherLogits, labels: labels,
                                     temperature: 4, alpha: 0.9).loss
        optimizer.zeroGrad()
        try loss.backward()
        optimizer.step()
        if step >= warmup {
            times.append(now() - start); cpuTimes.append(cpuNow() - cpuStart); teacherTimes.append(teacherDone - start)
        }
    }
    let milliseconds = median(times) * 1e3

    // The same step through the distiller a learner uses (its own seeded batches of the same rows).
    let inputs = try Tensor.concat(batches.map(\.0), axis: 0)                          // (16·B, 16)
    let distillerStudent = try MLP(layerSizes: [16, 16, 10], activation: .relu, generator: &generator)
    let objective = try DistillationObjective(teacher: teacher, student: distillerStudent, inputs: inputs,
                                              labels: batches.flatMap(\.1), temperature: 4, alpha: 0.9,
                                              usesLabels: true, batchSize: batch, seed: 0)
    let trainer = Trainer(model: distillerStudent, objective: objective,
                          optimizer: Adam(parameters: distillerStudent.parameters(), learningRate: 1e-3))
    var distillerTimes: [Double] = []
    for step in 0 ..< warmup + steps {
        let start = now()
        try trainer.step()
        if step >= warmup { distillerTimes.append(now() - start) }
    }
    return "{\"bench\": \"distill_step\", \"threads\": \(threads), \"ms_per_step\": \(rounded(milliseconds, 3)), "
        + "\"steps_per_s\": \(rounded(1e3 / milliseconds, 1)), \"teacher_fwd_ms\": \(rounded(median(teacherTimes) * 1e3, 3)), "
        + "\"cpu_ms_per_step\": \(rounded(median(cpuTimes) * 1e3, 3)), \"final_loss\": \(rounded(Double(try loss.item()), 4)), "
        + "\"distiller_ms_per_step\": \(rounded(median(distillerTimes) * 1e3, 3))}"
}
