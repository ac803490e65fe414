import Pipeline
import SensorgateCore
import Testing

/// Invariants of the expression parser and evaluator over generated input.
@Suite("Derived expression properties")
struct DerivedExpressionPropertyTests {
    /// Any text of the expression alphabet: it parses or gives an error inside the text,
    /// and what parses evaluates to a finite number or to no value, never NaN.
    @Test func arbitraryTextNeverCrashesAndNeverEvaluatesToNaN() {
        let alphabet = Array("ab01.e+-*/(), minaxbs_9E ")
        var random = XorShift(state: 0x5EED_DE41_7ED0_0001)
        var parsed = 0
        for _ in 0..<20_000 {
            let length = 1 + random.next(below: 24)
            let text = String((0..<length).map { _ in alphabet[random.next(below: alphabet.count)] })
            do {
                let expression = try ExpressionParser.parse(text, operands: ["a", "b"])
                parsed += 1
                for operands in [[0.0, 0.0], [1.5, -2.0], [1e300, 1e-300]] {
                    switch expression.evaluate(operands) {
                    case .value(let value): #expect(value.isFinite, "\(text) → \(value)")
                    case .undefined: break
                    }
                }
            } catch {
                #expect((0...length).contains(error.offset), "\(text): \(error)")
            }
        }
        // The alphabet makes valid expressions often enough for the evaluation half to count.
        #expect(parsed > 200)
    }

    indirect enum Tree {
        case number(Int), a, b, negate(Tree), binary(Character, Tree, Tree), call(String, [Tree])

        var text: String {
            switch self {
            case .number(let value): "\(value)"
            case .a: "a"
            case .b: "b"
            case .negate(let inner): "-(" + inner.text + ")"
            case .binary(let operation, let left, let right): "(" + left.text + " \(operation) " + right.text + ")"
            case .call(let name, let arguments): name + "(" + arguments.map(\.text).joined(separator: ", ") + ")"
            }
        }

        /// The value by plain Double arithmetic; nil where a divisor is 0.
        func value(_ a: Double, _ b: Double) -> Double? {
            switch self {
            case .number(let value): return Double(value)
            case .a: return a
            case .b: return b
            case .negate(let inner): return inner.value(a, b).map { -$0 }
            case .binary(let operation, let left, let right):
                guard let lhs = left.value(a, b), let rhs = right.value(a, b) else { return nil }
                switch operation {
                case "+": return lhs + rhs
                case "-": return lhs - rhs
                case "*": return lhs * rhs
                default: return rhs == 0 ? nil : lhs / rhs
                }
            case .call(let name, let arguments):
                var values: [Double] = []
                for argument in arguments {
                    guard let value = argument.value(a, b) else { return nil }
                    values.append(value)
                }
                switch name {
                case "min": return values.min()
                case "max": return values.max()
                default: return abs(values[0])
                }
            }
        }
    }

    static func tree(_ random: inout XorShift, depth: Int) -> Tree {
        if depth == 0 || random.next(below: 3) == 0 {
            switch random.next(below: 3) {
            case 0: return .number(random.next(below: 7) - 3)
            case 1: return .a
            default: return .b
            }
        }
        switch random.next(below: 4) {
        case 0: return .negate(tree(&random, depth: depth - 1))
        case 1:
            let name = ["min", "max", "abs"][random.next(below: 3)]
            let count = name == "abs" ? 1 : 2 + random.next(below: 2)
            return .call(name, (0..<count).map { _ in tree(&random, depth: depth - 1) })
        default:
            let operation = Array("+-*/")[random.next(below: 4)]
            return .binary(operation, tree(&random, depth: depth - 1), tree(&random, depth: depth - 1))
        }
    }

    /// Generated trees printed with every parenthesis: the parser reads them back and the
    /// evaluator agrees with plain arithmetic, no value exactly where a divisor is 0.
    @Test func printedTreesParseAndEvaluateAsArithmetic() throws {
        var random = XorShift(state: 0xA11C_E5ED_0000_0042)
        for _ in 0..<2_000 {
            // Depth 4: with a parenthesis per level and -( ... ), at most 16 levels.
            let tree = Self.tree(&random, depth: 4)
            let expression = try ExpressionParser.parse(tree.text, operands: ["a", "b"])
            for (a, b) in [(0.0, 0.0), (2.5, -1.0), (-3.0, 3.0)] {
                let expected = tree.value(a, b)
                let result = expression.evaluate([a, b])
                if let expected, expected.isFinite {
                    #expect(result == .value(expected), "\(tree.text) at a=\(a) b=\(b)")
                } else {
                    #expect(result.value == nil, "\(tree.text) at a=\(a) b=\(b)")
                }
            }
        }
    }
}
