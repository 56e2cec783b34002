// An error raised inside a model, carrying the path of the layer it came from, so that feeding
// the wrong data names the layer and what it expected:
// `seq[0] linear(2 → 16): input has 5 features, the layer takes 2`.

/// An error in one layer of a model, with the layer's path from the model's root.
public struct LayerError: Error, CustomStringConvertible, Equatable {
    /// Child names from the root's child to the failing layer (["1", "experts", "3"]); empty when
    /// the root itself failed.
    public let path: [String]
    /// The failing layer's description ("linear(2 → 16)").
    public let layer: String
    /// What went wrong, for a person.
    public let message: String
    /// The name the path starts from ("seq"), once the model that was called is known.
    public let root: String?

    /// An error of the layer described by `layer`, at `path` below the root.
    public init(path: [String] = [], layer: String, message: String, root: String? = nil) {
        self.path = path
        self.layer = layer
        self.message = message
        self.root = root
    }

    /// The same error seen from the parent that holds this layer as child `name`.
    public func inside(_ name: String) -> LayerError {
        LayerError(path: name.split(separator: ".").map(String.init) + path, layer: layer, message: message, root: root)
    }

    /// The same error with the path starting from `root`, the name of the model that was called.
    public func rooted(at root: String) -> LayerError {
        LayerError(path: path, layer: layer, message: message, root: root)
    }

    /// The path as a person reads it after the root's name: `[1].experts[3]`.
    public var displayPath: String { LayerError.displayPath(path) }

    /// "seq[0] linear(2 → 16): input has 5 features, the layer takes 2" (just "linear(2 → 16): …"
    /// when the failing layer is the model itself).
    public var description: String {
        path.isEmpty ? layer + ": " + message : (root ?? "model") + displayPath + " " + layer + ": " + message
    }

    /// Turns PyTorch-style path components into the way a script indexes them: numbers in brackets,
    /// names after dots (`["1", "experts", "3", "weight"]` → `[1].experts[3].weight`).
    public static func displayPath(_ components: [String]) -> String {
        components.map { Int($0) != nil ? "[\($0)]" : "." + $0 }.joined()
    }

    /// A dotted PyTorch path ("1.experts.3.weight") as a script reads it ("[1].experts[3].weight").
    public static func displayPath(_ dotted: String) -> String {
        displayPath(dotted.split(separator: ".").map(String.init))
    }
}
