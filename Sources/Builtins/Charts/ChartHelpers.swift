// Chart helpers: the smoothing builtins (ema, moving_average) for a lesson's own numbers, and
// animate, which writes figures (or a function from a step to a figure) as an animated GIF.

import PlotPNG
import Plotting
import Script

enum ChartHelpers {
    /// Most frames `animate` draws from a function (a 60-frame GIF takes well under a second).
    static let maximumFrames = 2000

    static func install(_ context: BuiltinContext, session: ChartSession) {
        context.define("ema", help: """
            ema(xs, weight): TensorBoard's smoothing of a series: the exponential moving average with weight in [0, 1), debiased so the start is not pulled to 0.
              ema([1, 2, 3, 4], 0.9)
            """) { arguments in
            try arguments.rejectUnknownNames(["xs", "weight"])
            try arguments.expectCount(2)
            let values = try ChartOptions.numbers(try arguments.require(at: 0, named: "xs"), "ema", "xs")
            let weight = try arguments.number(at: 1, named: "weight")
            return numberList(try Smoothing.ema(values, weight: weight, option: "ema"))
        }
        context.define("moving_average", help: """
            moving_average(xs, k): the mean of each value and the k - 1 before it (fewer at the start), same length as xs.
              moving_average([1, 2, 3, 4, 5], 2)
            """) { arguments in
            try arguments.rejectUnknownNames(["xs", "k"])
            try arguments.expectCount(2)
            let values = try ChartOptions.numbers(try arguments.require(at: 0, named: "xs"), "moving_average", "xs")
            let window = try arguments.integer(at: 1, named: "k")
            return numberList(try Smoothing.movingAverage(values, window: window, option: "moving_average"))
        }
        context.define("animate", help: """
            animate(frames, path=, fps=10, steps=): write an animated GIF; frames is a list of figures, or a function from a step (0, 1, …) to a figure called steps= times. Every frame has the same size.
              animate(fn(step) { plot([0, step, step * step], ylim=[0, 100], width=400, height=300) }, steps=10, path=out_dir + "/grow.gif", fps=5)
            """) { arguments in
            try arguments.rejectUnknownNames(["frames", "path", "fps", "steps"])
            try arguments.expectCount(1)
            let source = try arguments.require(at: 0, named: "frames")
            let fps = try arguments.number(named: "fps", default: 10)
            let figures = try frames(from: source, arguments, session: session)
            guard let pathValue = try arguments.value(named: "path"), !pathValue.isNull else {
                throw NativeError("animate: give path= ending in .gif, e.g. path=out_dir + \"/routing.gif\"")
            }
            let path = try arguments.string(named: "path")
            // Checked before any folder is made for it.
            _ = try GIFAnimation.validated(frames: figures, fps: fps)
            guard path.lowercased().hasSuffix(".gif") else { throw NativeError("animate: '\(path)' must end in .gif") }
            try FigureObject.prepareFolder(for: path)
            try GIFAnimation.write(frames: figures, fps: fps, to: path)
            context.interpreter?.output("saved \(path)\n")
            return .null
        }
    }

    /// The figures of a list, or of a function called for steps 0..<steps (not announced to the notebook).
    private static func frames(from source: Value, _ arguments: Arguments, session: ChartSession) throws -> [Figure] {
        switch source {
        case .list(let list):
            if try arguments.value(named: "steps") != nil {
                throw NativeError("animate: steps= goes with a function of the step; a list of figures has its own length")
            }
            return try list.elements.enumerated().map { index, element in
                guard case .object(let object as FigureObject) = element else {
                    throw NativeError("animate: frame \(index) is \(element.typeAndValue), not a figure")
                }
                return object.figure
            }
        case .function, .native:
            let steps = try arguments.integer(named: "steps", default: -1)
            guard steps >= 0 else { throw NativeError("animate: give steps= (how many frames) with a function of the step") }
            guard steps <= maximumFrames else { throw NativeError("animate: steps=\(steps) is over the \(maximumFrames)-frame limit") }
            let wasAnnouncing = session.announcesFigures
            session.announcesFigures = false
            defer { session.announcesFigures = wasAnnouncing }
            return try (0..<steps).map { step in
                let result = try arguments.interpreter.call(source, [.number(Double(step))])
                guard case .object(let object as FigureObject) = result else {
                    throw NativeError("animate: the function returned \(result.typeAndValue) for step \(step), not a figure")
                }
                return object.figure
            }
        default:
            throw NativeError("animate: frames must be a list of figures or a function from a step to a figure, got \(source.typeAndValue)")
        }
    }
}
