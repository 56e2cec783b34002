// microseek-bench: one JSON line per case, to set beside the PyTorch/NumPy references in
// shared/reference (sgemm.py, mlp_step.py, moe_step.py). Run in release:
//   swift build -c release --product microseek-bench && .build/release/microseek-bench [--threads N] [--sweep] [--only CASE]
// Not a test: figures depend on the machine and its load.
import Autograd
import Foundation
import NeuralNets
import Toys

// MARK: - Options

/// Command-line options: `--threads N` (BLAS threads for large products, default 1 as in the
/// single-threaded comparison), `--sweep` (also print the 1- vs N-thread sgemm sweep),
/// `--only CASE` (run one case: sgemm, mlp_step, moe_step, trainer_step, distill_step, grpo_toy_step, gpt_step, grpo_step, plots, teaching_plots, loop or interp).
struct Options {
    var threads = 1
    var sweep = false
    var only: String?
    /// `--interp-child FILE`: time one Seek program of the interpreter suite and print its JSON
    /// (the suite starts this bench as a child process per round; not for people).
    var interpChild: String?
    /// The case names `--only` accepts, in the order they run.
    static let cases = ["sgemm", "mlp_step", "moe_step", "trainer_step", "distill_step", "grpo_toy_step", "gpt_step", "grpo_step", "plots", "teaching_plots", "loop", "interp"]

    init(arguments: [String]) throws {
        var remaining = arguments.dropFirst()
        while let argument = remaining.popFirst() {
            switch argument {
            case "--threads":
                guard let value = remaining.popFirst().flatMap(Int.init), value >= 1 else {
                    throw BenchError.usage("--threads needs a positive whole number")
                }
                threads = value
            case "--interp-child":
                guard let path = remaining.popFirst() else { throw BenchError.usage("--interp-child needs a file") }
                interpChild = path
            case "--sweep":
                sweep = true
            case "--only":
                guard let name = remaining.popFirst(), Options.cases.contains(name) else {
                    throw BenchError.usage("--only needs one of " + Options.cases.joined(separator: ", "))
                }
                only = name
            default:
                throw BenchError.usage("unknown argument \(argument); usage: microseek-bench [--threads N] [--sweep] [--only CASE]")
            }
        }
    }
}

enum BenchError: Error, CustomStringConvertible {
    case usage(String)
    var description: String { switch self { case let .usage(message): message } }
}

// MARK: - Timing

/// Seconds on a monotonic clock.
func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

/// Seconds of CPU time used by this process (as Python's `time.process_time`).
func cpuNow() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func rounded(_ value: Double, _ digits: Int) -> Double {
    let scale = Foundation.pow(10, Double(digits))
    return (value * scale).rounded() / scale
}

/// GFLOPS of n×n×n products as sgemm.py measures them: calibrate repetitions so one timing
/// takes at least 0.1 s, then the median of 7 timings.
func sgemmGigaflops(_ n: Int, seed: UInt64 = 0) throws -> Double {
    var generator = SeededGenerator(seed: seed)
    let a = try Tensor.normal([n, n], generator: &generator), b = try Tensor.normal([n, n], generator: &generator)
    _ = try Tensor.matmul(a, b)
    var iterations = 1
    while true {
        let start = now()
        for _ in 0 ..< iterations { _ = try Tensor.matmul(a, b) }
        if now() - start >= 0.1 { break }
        iterations *= 2
    }
    var times: [Double] = []
    for _ in 0 ..< 7 {
        let start = now()
        for _ in 0 ..< iterations { _ = try Tensor.matmul(a, b) }
        times.append((now() - start) / Double(iterations))
    }
    return 2 * Double(n * n * n) / median(times) / 1e9
}

// MARK: - Cases

func sgemmCase(threads: Int) throws -> String {
    let sizes = [32, 64, 128, 256, 512, 1024]
    let figures = try sizes.map { "\"\($0)\": \(rounded(try sgemmGigaflops($0), 2))" }
    return "{\"bench\": \"sgemm\", \"threads\": \(threads), \"single_thread_below_flops\": "
        + "\(BLASThreading.singleThreadBelowFlops), \"gflops\": {\(figures.joined(separator: ", "))}}"
}

/// sgemm GFLOPS with one thread and with `threads` threads, the small-size policy disabled:
/// where the second column overtakes the first is where threads start paying off. The two
/// settings alternate three times and the best of each is kept, so a burst of load from other
/// processes penalises neither setting in particular.
func threadSweepCase(threads: Int) throws -> String {
    let saved = BLASThreading.singleThreadBelowFlops
    defer { BLASThreading.singleThreadBelowFlops = saved; BLASThreading.maximumThreads = threads }
    BLASThreading.singleThreadBelowFlops = 0
    var rows: [String] = []
    for n in [32, 64, 96, 128, 192, 256, 384, 512, 1024] {
        var one = 0.0, many = 0.0
        for _ in 0 ..< 3 {
            BLASThreading.maximumThreads = 1
            one = Swift.max(one, try sgemmGigaflops(n))
            BLASThreading.maximumThreads = threads
            many = Swift.max(many, try sgemmGigaflops(n))
        }
        rows.append("\"\(n)\": [\(rounded(one, 2)), \(rounded(many, 2))]")
    }
    return "{\"bench\": \"sgemm_thread_sweep\", \"threads\": [1, \(threads)], \"gflops\": {\(rows.joined(separator: ", "))}}"
}

/// mlp_step.py: 16 → 64 → 10 ReLU, batch 256, Adam lr 1e-2, cross-entropy; 50 warm-up + 500 timed steps.
func mlpStepCase(threads: Int, warmup: Int = 50, steps: Int = 500, batch: Int = 256) throws -> String {
    var generator = SeededGenerator(seed: 0)
    let model = try MLP(layerSizes: [16, 64, 10], activation: .relu, generator: &generator)
    let optimizer = Adam(parameters: model.parameters(), learningRate: 1e-2)
    let inputs = try Tensor.normal([batch, 16], generator: &generator)                 // (B, 16)
    let rule = try Tensor.normal([16, 10], generator: &generator)                      // fixed labelling rule
    let targets = try Tensor.matmul(inputs, rule).argmax(axis: -1).integerValues       // (B,)
    var times: [Double] = []
    var loss = Tensor(0)
    for step in 0 ..< warmup + steps {
        let start = now()
        loss = try Tensor.crossEntropy(logits: model(inputs), targets: targets)
        optimizer.zeroGrad()
        try loss.backward()
        optimizer.step()
        if step >= warmup { times.append(now() - start) }
    }
    let milliseconds = median(times) * 1e3
    return "{\"bench\": \"mlp_step\", \"threads\": \(threads), \"ms_per_step\": \(rounded(milliseconds, 4)), "
        + "\"final_loss\": \(rounded(Double(try loss.item()), 4))}"
}

// MARK: - moe_step

/// One timed training loop of moe_step.py: `body` (the MoE layer or the dense MLP) then a linear
/// head d → 8, cross-entropy (+ the MoE's Switch loss), Adam 1e-3; 8 fixed batches of 256 labelled
/// by a fixed random rule, 20 warm-up + 200 timed steps, median milliseconds per step.
func timedSteps(body: any Module, mixture: MixtureOfExperts?, generator: inout SeededGenerator,
                warmup: Int = 20, steps: Int = 200, batch: Int = 256, width: Int = 64) throws -> String {
    let head = try Linear(inputDimensions: width, outputDimensions: 8, generator: &generator)
    let model = Sequential([body, head])
    let optimizer = Adam(parameters: model.parameters(), learningRate: 1e-3)
    let rule = try Tensor.normal([width, 8], generator: &generator)                     // fixed labelling rule
    let batches = try (0 ..< 8).map { _ in
        let inputs = try Tensor.normal([batch, width], generator: &generator)          // (B, d)
        return (inputs, try Tensor.matmul(inputs, rule).argmax(axis: -1).integerValues) // (B,)
    }
    model.setTraining(true)
    var times: [Double] = [], cpuTimes: [Double] = []
    var loss = Tensor(0)
    for step in 0 ..< warmup + steps {
        let (inputs, targets) = batches[step % batches.count]
        let start = now(), cpuStart = cpuNow()
        loss = try Tensor.crossEntropy(logits: model(inputs), targets: targets)
        for (_, auxiliary) in mixture?.auxiliaryLosses() ?? [] { loss = try loss + auxiliary }
        optimizer.zeroGrad()
        try loss.backward()
        optimizer.step()
        mixture?.afterOptimizerStep()
        if step >= warmup { times.append(now() - start); cpuTimes.append(cpuNow() - cpuStart) }
    }
    let milliseconds = median(times) * 1e3
    return "{\"ms_per_step\": \(rounded(milliseconds, 3)), \"steps_per_s\": \(rounded(1e3 / milliseconds, 1)), "
        + "\"cpu_ms_per_step\": \(rounded(median(cpuTimes) * 1e3, 3)), "
        + "\"final_loss\": \(rounded(Double(try loss.item()), 4))}"
}

/// moe_step.py: d 64, 8 experts 64 → 128 → 64 GELU, softmax top-2 renormalised, Switch loss 0.01,
/// head 64 → 8, batch 256, Adam 1e-3; and the dense baseline 64 → 256 → 64 with the same head.
func moeStepCase(threads: Int) throws -> String {
    var config = MixtureOfExpertsConfig(dimensions: 64)
    config.expertCount = 8
    config.topK = 2
    config.hiddenDimensions = 128
    config.gate = .softmax
    config.balancing = .aux
    config.auxiliaryWeight = 0.01
    config.routerBias = true          // moe_step.py's router is nn.Linear(d, n_exp) with its bias
    let mixture = try MixtureOfExperts(config: config)
    var generator = SeededGenerator(seed: 1)
    let moe = try timedSteps(body: mixture, mixture: mixture, generator: &generator)
    var denseGenerator = SeededGenerator(seed: 2)
    let dense = try Expert(dimensions: 64, hidden: 256, generator: &denseGenerator)   // same GELU path
    let denseFigures = try timedSteps(body: dense, mixture: nil, generator: &denseGenerator)
    return "{\"bench\": \"moe_step\", \"threads\": \(threads), \"moe\": \(moe), \"dense\": \(denseFigures)}"
}

// MARK: - Main

BLASKernel.chooseAtStartup()
BLASThreading.parkIdleWorkers()
do {
    let options = try Options(arguments: CommandLine.arguments)
    if let path = options.interpChild {
        print(try interpreterSuiteChild(path: path))
        exit(0)
    }
    print("{\"bench\": \"blas\", \"kernel\": \"\(BLASKernel.coreName)\", \"summary\": \"\(BLASKernel.summary())\"}")
    BLASThreading.maximumThreads = options.threads
    if options.sweep { print(try threadSweepCase(threads: Swift.max(options.threads, 2))) }
    func wanted(_ name: String) -> Bool { options.only == nil || options.only == name }
    if wanted("sgemm") { print(try sgemmCase(threads: options.threads)) }
    if wanted("mlp_step") { print(try mlpStepCase(threads: options.threads)) }
    if wanted("moe_step") { print(try moeStepCase(threads: options.threads)) }
    if wanted("trainer_step") { print(try trainerStepCase(threads: options.threads)) }
    if wanted("distill_step") { print(try distillStepCase(threads: options.threads)) }
    if wanted("gpt_step") { print(try gptStepCase(threads: options.threads)) }
    if wanted("plots") { print(try chartCase()) }
    if wanted("teaching_plots") { print(try teachingChartCase()) }
    if wanted("loop") { print(try interpreterCase()) }
    if wanted("interp") { for line in try interpreterSuiteCase() { print(line) } }
    if wanted("grpo_toy_step") { print(try grpoToyStepCase(threads: options.threads)) }
    if wanted("grpo_step") { print(try grpoStepCase(threads: options.threads)) }
} catch {
    FileHandle.standardError.write(Data("microseek-bench: \(error)\n".utf8))
    exit(64)
}
