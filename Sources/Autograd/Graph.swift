// Reverse-mode bookkeeping: the node each recorded result keeps, the no-grad scope, and
// `backward()` (an iterative topological sort and a reverse loop over the derivative rules).

/// The recorded origin of a tensor: which operation made it from which inputs.
final class Node {
    let operation: Operation
    /// Variable only so `Tensor.deinit` can take it apart without recursion.
    var inputs: [Tensor]

    init(operation: Operation, inputs: [Tensor]) {
        self.operation = operation
        self.inputs = inputs
    }
}

// MARK: - No-grad scope

/// Whether operations are being recorded for reverse mode.
public enum GradMode {
    /// A task-local flag (per thread outside tasks), so scopes on different threads never race.
    @TaskLocal public static var isEnabled = true
}

/// Runs `body` without recording operations (inference, optimizer updates, teacher forwards).
public func withNoGrad<Result>(_ body: () throws -> Result) rethrows -> Result {
    try GradMode.$isEnabled.withValue(false) { try body() }
}

// MARK: - Recording

extension Tensor {
    /// Wraps a result and records `operation` when any input needs a gradient and recording is on.
    @inline(__always)
    static func result(shape: [Int], storage: [Float], inputs: [Tensor],
                       _ operation: @autoclosure () -> Operation) -> Tensor {
        let output = Tensor(shape: shape, storage: storage)
        var needsGradient = false
        for input in inputs where input.requiresGrad { needsGradient = true; break }
        if needsGradient && GradMode.isEnabled {
            output.requiresGrad = true
            output.node = Node(operation: operation(), inputs: inputs)
        }
        return output
    }
}

// MARK: - Backward

extension Tensor {
    /// Back-propagates from this one-element tensor: every leaf with `requiresGrad` that it depends
    /// on gets `grad += ∂self/∂leaf` (gradients accumulate across calls until `zeroGrad`).
    public func backward() throws {
        guard count == 1 else {
            throw TensorError.invalidShape(op: "backward", shape: shape,
                                           reason: "is not a scalar; backward() starts from a one-element loss")
        }
        guard requiresGrad else {
            throw TensorError.invalidArgument(op: "backward",
                                              reason: "the tensor does not require a gradient (no input has requiresGrad)")
        }
        let order = topologicalOrder()
        var gradients: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): Tensor(shape: shape, storage: [1])]
        // Sums this loop allocated itself: no rule holds them, so later contributions add in place
        // (a rule's own result may be shared, e.g. `add` passes one gradient to both inputs).
        var ownSums: Set<ObjectIdentifier> = []
        for tensor in order.reversed() {
            guard let gradient = gradients.removeValue(forKey: ObjectIdentifier(tensor)) else { continue }
            guard let node = tensor.node else {
                tensor.accumulateGrad(gradient)
                continue
            }
            if addSelectedRows(node, gradient: gradient, into: &gradients, ownSums: &ownSums) { continue }
            let inputGradients = DerivativeRules.inputGradients(
                of: node.operation, inputs: node.inputs, output: tensor, outputGradient: gradient)
            precondition(inputGradients.count == node.inputs.count,
                         "derivative rule for \(node.operation.kind) returned \(inputGradients.count) gradients")
            for (input, inputGradient) in zip(node.inputs, inputGradients) {
                guard input.requiresGrad, let inputGradient else { continue }
                precondition(inputGradient.shape == input.shape,
                             "derivative rule for \(node.operation.kind) gave shape \(inputGradient.shape) for \(input.shape)")
                let key = ObjectIdentifier(input)
                if let existing = gradients[key] {
                    if ownSums.contains(key) {
                        existing.addInPlace(inputGradient)
                    } else {
                        gradients[key] = Tensor(shape: input.shape, storage: addValues(existing.storage, inputGradient.storage))
                        ownSums.insert(key)
                    }
                } else {
                    gradients[key] = inputGradient
                }
            }
        }
    }

    /// indexSelect's gradient is its output gradient added back into a few rows of a zero tensor
    /// the size of its input. When the input already has a gradient, the rows go straight into
    /// that sum instead (a MoE layer selects each expert's tokens from one [T, d] input: eight
    /// input-sized zero tensors and sums per layer otherwise). Returns false when it did nothing.
    private func addSelectedRows(_ node: Node, gradient: Tensor, into gradients: inout [ObjectIdentifier: Tensor],
                                 ownSums: inout Set<ObjectIdentifier>) -> Bool {
        guard case let .indexSelect(layout, indices) = node.operation, let input = node.inputs.first,
              input.requiresGrad, let existing = gradients[ObjectIdentifier(input)] else { return false }
        let key = ObjectIdentifier(input)
        let sum: Tensor
        if ownSums.contains(key) {
            sum = existing
        } else {
            // A rule's result may be shared: copy it once (copy-on-write does, on the first write).
            sum = Tensor(shape: input.shape, storage: existing.storage)
            gradients[key] = sum
            ownSums.insert(key)
        }
        indexAddValues(&sum.storage, layout, indices: indices, source: gradient.storage)
        return true
    }

    /// Inputs before outputs, by an explicit-stack depth-first search (deep graphs, no recursion).
    private func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var visited: Set<ObjectIdentifier> = [ObjectIdentifier(self)]
        var stack: [(tensor: Tensor, nextInput: Int)] = [(self, 0)]
        while let top = stack.last {
            let inputs = top.tensor.node?.inputs ?? []
            if top.nextInput < inputs.count {
                stack[stack.count - 1].nextInput += 1
                let input = inputs[top.nextInput]
                if input.requiresGrad, visited.insert(ObjectIdentifier(input)).inserted {
                    stack.append((input, 0))
                }
            } else {
                order.append(top.tensor)
                stack.removeLast()
            }
        }
        return order
    }

    /// Adds `other`'s values (same count) into this tensor's storage (copy-on-write keeps a shared buffer safe).
    func addInPlace(_ other: Tensor) {
        precondition(count == other.count, "addInPlace: \(count) vs \(other.count) values")
        storage.withUnsafeMutableBufferPointer { target in
            other.storage.withUnsafeBufferPointer { source in
                for index in 0 ..< target.count { target[index] += source[index] }
            }
        }
    }

    /// Adds `gradient` into `grad`, sharing storage on the first write (copy-on-write keeps it safe).
    func accumulateGrad(_ gradient: Tensor) {
        if let existing = grad {
            existing.addInPlace(gradient)
        } else {
            grad = Tensor(shape: shape, storage: gradient.storage)
        }
    }
}

/// Elementwise sum of two equally long arrays.
func addValues(_ lhs: [Float], _ rhs: [Float]) -> [Float] {
    precondition(lhs.count == rhs.count, "addValues: \(lhs.count) vs \(rhs.count) values")
    return [Float](unsafeUninitializedCapacity: lhs.count) { output, initialized in
        lhs.withUnsafeBufferPointer { left in
            rhs.withUnsafeBufferPointer { right in
                for index in 0 ..< left.count { output[index] = left[index] + right[index] }
            }
        }
        initialized = lhs.count
    }
}
