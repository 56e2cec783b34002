// Turns library errors (TensorError, PlotError, …) into Seek errors that start with the builtin's
// name ("softmax: axis 3 is out of range …").

import Autograd
import Script

/// Runs `body`, rewording errors that are not already Seek errors as `NativeError`s that start
/// with `name` ("softmax: axis 3 is out of range …").
func rethrowingNamed<Result>(_ name: String, _ body: () throws -> Result) throws -> Result {
    do {
        return try body()
    } catch let error as NativeError {
        throw error
    } catch let error as TensorError {
        throw NativeError("\(name): \(error.messageWithoutOperation)")
    } catch let error as ScriptError {
        throw error
    } catch let error as RuntimeError {
        throw error
    } catch {
        throw NativeError(prefixed(name, "\(error)"))
    }
}

/// "name: message" unless the message already starts with "name:".
func prefixed(_ name: String, _ message: String) -> String {
    message.hasPrefix(name + ":") ? message : "\(name): \(message)"
}

extension TensorError {
    /// The description without the Swift operation's name in front ("shapes [2] and [3] are not
    /// compatible"), so the builtin's own name can lead the message.
    var messageWithoutOperation: String {
        let operation: String
        switch self {
        case .shapeMismatch(let op, _, _), .invalidAxis(let op, _, _), .indexOutOfRange(let op, _, _),
             .invalidShape(let op, _, _), .invalidArgument(let op, _):
            operation = op
        case .sizeLimitExceeded:
            return description
        }
        let text = description
        return text.hasPrefix(operation + ": ") ? String(text.dropFirst(operation.count + 2)) : text
    }
}
