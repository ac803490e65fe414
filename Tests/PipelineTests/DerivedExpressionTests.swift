import Pipeline
import SensorgateCore
import Testing

@Suite("Derived expressions")
struct DerivedExpressionTests {
    static func value(_ text: String, _ operands: [String: Double] = [:]) throws -> DerivedResult {
        let names = operands.keys.sorted()
        let expression = try ExpressionParser.parse(text, operands: names)
        return expression.evaluate(names.map { operands[$0] ?? .nan })
    }

    static func failure(_ text: String, operands: [String] = ["a", "b"]) -> ExpressionSyntaxError? {
        do {
            _ = try ExpressionParser.parse(text, operands: operands)
            return nil
        } catch {
            return error
        }
    }

    @Test func precedenceAssociativityAndParentheses() throws {
        #expect(try Self.value("1 + 2 * 3") == .value(7))
        #expect(try Self.value("(1 + 2) * 3") == .value(9))
        #expect(try Self.value("10 - 4 - 3") == .value(3))
        #expect(try Self.value("24 / 4 / 2") == .value(3))
        #expect(try Self.value("-2 * -3") == .value(6))
        #expect(try Self.value("- (1 - 4)") == .value(3))
        #expect(try Self.value("2 - -1") == .value(3))
        #expect(try Self.value("1.5e2 + .5") == .value(150.5))
    }

    @Test func operandsAndFunctions() throws {
        #expect(try Self.value("(a - b) * 0.5", ["a": 24, "b": 20]) == .value(2))
        #expect(try Self.value("min(a, b, 3)", ["a": 24, "b": 20]) == .value(3))
        #expect(try Self.value("max(a,b)", ["a": -1, "b": -5]) == .value(-1))
        #expect(try Self.value("abs(a - b)", ["a": 1, "b": 5]) == .value(4))
        #expect(try Self.value("max(min(a, 10), 0)", ["a": 12]) == .value(10))
        #expect(try Self.value("_x2 * 2", ["_x2": 4]) == .value(8))
    }

    @Test func divisionByZeroAndOverflowGiveNoValueNeverNaN() throws {
        #expect(try Self.value("a / (b - b)", ["a": 1, "b": 3]) == .undefined("division by zero"))
        #expect(try Self.value("0 / 0") == .undefined("division by zero"))
        #expect(try Self.value("abs(1 / a)", ["a": 0]) == .undefined("division by zero"))
        #expect(try Self.value("1e308 * 10").value == nil)
        #expect(try Self.value("a", ["a": .nan]).value == nil)
    }

    @Test func errorsPointAtTheCharacter() throws {
        let cases: [(String, Int, String)] = [
            ("a +", 3, "expected a number, an operand, a function or '(', got the end"),
            ("a + c", 4, "unknown operand 'c', expected an operand of vars (a, b)"),
            ("(a - b", 6, "expected ')' to close the '(' at character 1, got the end"),
            ("a ^ 2", 2, "expected an operator (+ - * /) or the end, got '^'"),
            ("sqrt(a)", 0, "unknown function 'sqrt', expected min, max or abs"),
            ("abs(a, b)", 0, "abs() takes 1 argument, got 2"),
            ("min(a)", 0, "min() takes 2 to 8 arguments, got 1"),
            ("abs + 1", 0, "the function 'abs' needs its arguments in parentheses"),
            ("1.2.3", 0, "expected a number such as 2, 0.5 or 1e-3, got '1.2.3'"),
            ("a = 1", 2, "expected an operator (+ - * /) or the end, got '='"),
            ("  ", 0, "an empty expression"),
        ]
        for (text, offset, message) in cases {
            let error = try #require(Self.failure(text), "\(text)")
            #expect(error.offset == offset, "\(text)")
            #expect(error.message == message, "\(text)")
        }
        #expect(Self.failure("a + c")?.unknownName == "c")
    }

    @Test func lengthAndDepthAreBounded() throws {
        let deep = String(repeating: "(", count: ExpressionParser.maximumDepth) + "1"
            + String(repeating: ")", count: ExpressionParser.maximumDepth)
        #expect(try Self.value(deep) == .value(1))
        let tooDeep = "(" + deep + ")"
        #expect(Self.failure(tooDeep)?.message == "an expression nested at most 16 levels deep")
        let minuses = String(repeating: "-", count: ExpressionParser.maximumDepth + 1) + "1"
        #expect(Self.failure(minuses)?.message == "an expression nested at most 16 levels deep")
        let long = Array(repeating: "1", count: 129).joined(separator: "+")
        #expect(long.count > ExpressionParser.maximumLength)
        #expect(Self.failure(long)?.message == "an expression of at most 256 characters, got \(long.count)")
    }

    @Test func theOperandsUsedAreReported() throws {
        let expression = try ExpressionParser.parse("max(a, 2) * 3", operands: ["a", "b"])
        #expect(expression.operandsUsed == [0])
    }
}
