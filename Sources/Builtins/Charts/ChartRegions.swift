// regions(model, data, by=): the plane coloured by the class the model predicts or by the expert
// an moe layer's router picks first, with the data scattered on top: "experts specialise by
// geometry" as a picture. The routing comes from `MixtureOfExperts.route` on the layer's own
// input (the layers before it run first), as `m.route(x)` gives it to scripts.

import Autograd
import NeuralNets
import Plotting
import Script
import Toys

enum ChartRegions {
    static let parameters = ["model", "data", "by", "layer", "resolution"]
    static let help = """
        regions(model, data, by="class"|"expert", layer=0, resolution=100, title=, path=): the plane coloured by the class the model predicts, or by the expert the router of its moe layer picks first (layer= counts moe layers from 0), with the data on top.
          data = clusters(n=200, classes=3, seed=0); regions(mlp([2, 16, 3], seed=0), data)
          regions(seq(linear(2, 8, seed=1), moe(dim=8, experts=4, top_k=1, seed=0), linear(8, 3, seed=2)), data, by="expert")
        (routing the grid through the moe layer replaces its recorded last routing, as m.route(x) does)
        """

    /// Most cells per side of the grid the model is evaluated on.
    static let maximumResolution = 400

    static func add(to panel: inout Axes, _ arguments: Arguments) throws {
        let modelValue = try arguments.require(at: 0, named: "model")
        let dataValue = try arguments.require(at: 1, named: "data")
        let by = try arguments.string(named: "by", default: "class")
        guard by == "class" || by == "expert" else {
            throw NativeError("regions: by must be \"class\" or \"expert\", got \"\(by)\"")
        }
        let resolution = try arguments.integer(named: "resolution", default: 100)
        guard (2...maximumResolution).contains(resolution) else {
            throw NativeError("regions: resolution must be in 2...\(maximumResolution), got \(resolution)")
        }
        // The points: a dataset (coloured by class) or an [N, 2] tensor of points.
        let points: Tensor, labels: [Int]?, classCount: Int
        if case .object(let object as DatasetObject) = dataValue {
            points = object.dataset.inputs; labels = object.dataset.labels; classCount = object.dataset.classCount
        } else {
            points = try Conversions.tensor(dataValue, "regions", "data"); labels = nil; classCount = 0
        }
        guard points.rank == 2, points.shape[1] == 2, points.shape[0] > 0 else {
            throw NativeError("regions: the plane needs 2-D points; data has shape \(points.shape)")
        }
        let xs = stride(from: 0, to: points.count, by: 2).map { Double(points.storage[$0]) }
        let ys = stride(from: 1, to: points.count, by: 2).map { Double(points.storage[$0]) }
        let xRange = paddedRange(xs), yRange = paddedRange(ys)
        // Cell centres, row 0 at the lowest y: (R·R, 2).
        var grid: [Float] = []
        grid.reserveCapacity(resolution * resolution * 2)
        for row in 0..<resolution {
            let y = yRange.lowerBound + (Double(row) + 0.5) / Double(resolution) * (yRange.upperBound - yRange.lowerBound)
            for column in 0..<resolution {
                let x = xRange.lowerBound + (Double(column) + 0.5) / Double(resolution) * (xRange.upperBound - xRange.lowerBound)
                grid += [Float(x), Float(y)]
            }
        }
        let plane = try Tensor(shape: [resolution * resolution, 2], values: grid)                 // (R·R, 2)
        let winners: [Int], names: [String]
        if by == "class" {
            let output = try classScores(modelValue, plane, arguments)                               // (R·R, C)
            guard output.rank == 2, output.shape[0] == resolution * resolution else {
                throw NativeError("regions: the model gave shape \(output.shape) for \(resolution * resolution) points; by=\"class\" needs [points, classes]")
            }
            winners = try output.argmax(axis: -1).integerValues
            names = (0..<max(output.shape[1], classCount)).map { "class \($0)" }
        } else {
            guard case .object(let object as ModuleObject) = modelValue else {
                throw NativeError("regions: by=\"expert\" needs a model with a moe layer, got \(modelValue.typeAndValue)")
            }
            let layer = try arguments.integer(named: "layer", default: 0)
            let (moe, input) = try routedInput(object.module, plane, layer: layer)
            let record = try moe.route(input)
            winners = record.chosen.map { $0.first ?? -1 }
            names = (0..<moe.config.expertCount).map { "expert \($0)" }
        }
        let cells = (0..<resolution).map { row in Array(winners[(row * resolution)..<((row + 1) * resolution)]) }
        try panel.regions(cells, xRange: xRange, yRange: yRange, categoryNames: names)
        if let labels {
            // Class k in the colour of region k when the regions are classes.
            let classNames = by == "class" ? names : (0..<max(classCount, (labels.max() ?? 0) + 1)).map { "class \($0)" }
            // By expert, the classes take the palette colours after the experts' so the two never match.
            try panel.scatter(x: xs, y: ys, categories: labels, names: classNames, markerSize: 5,
                              colorOffset: by == "class" ? 0 : names.count)
        } else {
            try panel.scatter(x: xs, y: ys, markerSize: 5)
        }
        if panel.xLabel == nil { panel.xLabel = "x₁" }
        if panel.yLabel == nil { panel.yLabel = "x₂" }
        if panel.title == nil { panel.title = by == "class" ? "predicted class" : "first-choice expert" }
    }

    /// The data range with a 5% margin on each side (±1 when all values are equal).
    static func paddedRange(_ values: [Double]) -> ClosedRange<Double> {
        let low = values.min() ?? 0, high = values.max() ?? 1
        if !(high > low) { return (low - 1)...(high + 1) }
        let margin = (high - low) * 0.05
        return (low - margin)...(high + margin)
    }

    /// The model's output on the plane: a model object's forward pass in evaluation, or a Seek function.
    private static func classScores(_ model: Value, _ plane: Tensor, _ arguments: Arguments) throws -> Tensor {
        if case .object(let object as ModuleObject) = model {
            // Models are in evaluation mode outside a trainer's step; make sure of it (no routing noise).
            object.module.setTraining(false)
            return try rethrowingNamed("regions") { try withNoGrad { try object.module(plane) } }
        }
        switch model {
        case .function, .native, .object:
            let result = try arguments.interpreter.call(model, [Conversions.value(plane)])
            return try Conversions.tensor(result, "regions", "model output")
        default:
            throw NativeError("regions: model must be a model or a function of [points, 2], got \(model.typeAndValue)")
        }
    }

    /// The `layer`-th moe layer of `module` and its input for `plane`: the layers before it in
    /// (nested) `seq`s run first, without gradients.
    static func routedInput(_ module: any Module, _ plane: Tensor, layer: Int) throws -> (MixtureOfExperts, Tensor) {
        var remaining = layer
        func search(_ module: any Module, _ input: Tensor) throws -> (MixtureOfExperts, Tensor)? {
            if let moe = module as? MixtureOfExperts {
                if remaining == 0 { return (moe, input) }
                remaining -= 1
                return nil
            }
            guard let sequential = module as? Sequential else { return nil }
            var hidden = input
            for child in sequential.layers {
                if let found = try search(child, hidden) { return found }
                hidden = try withNoGrad { try child(hidden) }
            }
            return nil
        }
        guard layer >= 0 else { throw NativeError("regions: layer must be 0 or more, got \(layer)") }
        let moeLayers = mixtureLayers(in: module)
        guard !moeLayers.isEmpty else { throw NativeError("regions: by=\"expert\" needs a model with a moe layer; this model has none") }
        guard layer < moeLayers.count else {
            throw NativeError("regions: layer=\(layer) but the model has \(moeLayers.count) moe layer(s), counted from 0")
        }
        guard let found = try rethrowingNamed("regions", { try search(module, plane) }) else {
            throw NativeError("regions: moe layer \(layer) is not inside seq(…), so its input cannot be computed")
        }
        return found
    }
}
