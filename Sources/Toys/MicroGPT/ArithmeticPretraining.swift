// The pretraining text of lesson 06's R1-Zero in miniature: arithmetic written the way a base
// model might have seen it, with no right answer ever inside the answer template. Most lines work
// the columns with their carries and then state the result plainly ("…</think>85<eos>", no
// answer tags); the rest use R1's template, but carelessly: their scratch line slips on the carry
// into the second column (drops it, or adds one that is not there), so the number in their answer
// tag is always ten off. A base model trained on this knows how to add and has seen the template,
// but has never seen the two together; GRPO with accuracy and format rewards has to combine them.
import Autograd

extension ArithmeticProblem {
    /// The columns worked from the right with one slip: the carry into the second column is
    /// flipped (dropped when there is one, added when there is none), so the result is off by ten.
    /// "7+8=15,4+3=7" for 47+38, "2+1=3,3+4+1=8" for 32+41. Nil for one-column problems, addition only.
    public var carelessColumns: (thought: String, answer: String)? {
        let left = Array(String(a).reversed()), right = Array(String(b).reversed())
        let count = Swift.max(left.count, right.count)
        guard op == "+", count >= 2 else { return nil }
        var columns: [String] = [], digits = ""
        var carry = 0
        for column in 0 ..< count {
            let x = column < left.count ? Int(String(left[column])) ?? 0 : 0
            let y = column < right.count ? Int(String(right[column])) ?? 0 : 0
            if column == 1 { carry = 1 - carry }
            let total = x + y + carry
            columns.append("\(x)+\(y)\(carry > 0 ? "+\(carry)" : "")=\(total)")
            digits = (column == count - 1 ? String(total) : String(total % 10)) + digits
            carry = total / 10
        }
        return (columns.joined(separator: ","), digits)
    }
}

public enum ArithmeticPretraining {
    /// One text per problem: a careless template line ("47+38=<think>7+8=15,4+3=7</think><answer>75</answer><eos>")
    /// for a share `careless` of the problems (those with two columns or more), otherwise the worked columns and the plain
    /// result ("47+38=<think>7+8=15,4+3+1=8</think>85<eos>"). Addition only.
    public static func texts(_ problems: [ArithmeticProblem], careless: Double, seed: UInt64) throws -> [String] {
        guard careless >= 0, careless <= 1 else {
            throw TensorError.invalidArgument(op: "arith_pretraining", reason: "careless = \(careless) must be between 0 and 1")
        }
        guard problems.allSatisfy({ $0.op == "+" }) else {
            throw TensorError.invalidArgument(op: "arith_pretraining", reason: "only additions have a careless scratch line")
        }
        var generator = SeededGenerator(seed: seed)
        return problems.map { problem in
            let draw = generator.nextUnitDouble()
            if let slip = problem.carelessColumns, draw < careless {
                return "\(problem.prompt)<think>\(slip.thought)</think><answer>\(slip.answer)</answer><eos>"
            }
            return "\(problem.prompt)<think>\(problem.thought)</think>\(problem.answer)<eos>"
        }
    }

    /// Next-token data: each text padded with `<eos>` to the longest, so every line starts at position 0.
    public static func dataset(_ texts: [String], tokenizer: CharTokenizer) throws -> Dataset {
        guard let end = tokenizer.id(of: "<eos>") else {
            throw TensorError.invalidArgument(op: "arith_pretraining", reason: "the tokenizer has no <eos> token to pad with")
        }
        let encoded = try texts.map { try tokenizer.encode($0) }
        let longest = encoded.map(\.count).max() ?? 2
        return try TextWindows.dataset(sequences: encoded.map { $0 + [Int](repeating: end, count: longest - $0.count) })
    }
}
