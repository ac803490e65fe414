/// Parses `expression:` text into a ``DerivedExpression`` by recursive descent:
///
/// ```
/// expression := term (("+" | "-") term)*
/// term       := unary (("*" | "/") unary)*
/// unary      := "-" unary | primary
/// primary    := number | operand | function "(" expression ("," expression)* ")" | "(" expression ")"
/// number     := digits ["." digits] [("e" | "E") ["+" | "-"] digits]   (or "." digits ...)
/// ```
///
/// Operands are the names the derived channel's `vars` binds, in that order; functions
/// are ``ExpressionFunction``'s. Spaces may stand between any two tokens. The text is
/// at most ``maximumLength`` characters and nests at most ``maximumDepth`` levels
/// (parentheses, calls and unary minus each count one), so neither the parser's
/// recursion nor an evaluation can grow without bound.
public struct ExpressionParser {
    public static let maximumLength = 256
    public static let maximumDepth = 16
    public static let maximumArguments = 8

    private let scalars: [Unicode.Scalar]
    private let operands: [String]
    private var position = 0
    private var depth = 0

    private init(text: String, operands: [String]) {
        self.scalars = Array(text.unicodeScalars)
        self.operands = operands
    }

    /// The tree of `text`, whose names must be among `operands` or the functions.
    public static func parse(_ text: String, operands: [String]) throws(ExpressionSyntaxError) -> DerivedExpression {
        var parser = ExpressionParser(text: text, operands: operands)
        guard parser.scalars.count <= maximumLength else {
            throw ExpressionSyntaxError(offset: maximumLength,
                                        message: "an expression of at most \(maximumLength) characters, got \(parser.scalars.count)")
        }
        parser.skipSpaces()
        guard parser.position < parser.scalars.count else {
            throw ExpressionSyntaxError(offset: 0, message: "an empty expression")
        }
        let expression = try parser.parseExpression()
        parser.skipSpaces()
        if parser.position < parser.scalars.count {
            throw parser.error("expected an operator (+ - * /) or the end, got '\(parser.scalars[parser.position])'")
        }
        return expression
    }

    // MARK: Grammar

    private mutating func parseExpression() throws(ExpressionSyntaxError) -> DerivedExpression {
        var left = try parseTerm()
        while let operation = peekOperator(.add, .subtract) {
            position += 1
            left = .binary(operation, left, try parseTerm())
        }
        return left
    }

    private mutating func parseTerm() throws(ExpressionSyntaxError) -> DerivedExpression {
        var left = try parseUnary()
        while let operation = peekOperator(.multiply, .divide) {
            position += 1
            left = .binary(operation, left, try parseUnary())
        }
        return left
    }

    private mutating func parseUnary() throws(ExpressionSyntaxError) -> DerivedExpression {
        skipSpaces()
        guard current == "-" else { return try parsePrimary() }
        let start = position
        position += 1
        try descend(at: start)
        defer { depth -= 1 }
        return .negate(try parseUnary())
    }

    private mutating func parsePrimary() throws(ExpressionSyntaxError) -> DerivedExpression {
        skipSpaces()
        guard let scalar = current else { throw error("expected a number, an operand, a function or '(', got the end") }
        if scalar == "(" {
            let open = position
            position += 1
            try descend(at: open)
            defer { depth -= 1 }
            let inner = try parseExpression()
            try expect(")", opened: open)
            return inner
        }
        if Self.isDigit(scalar) || scalar == "." { return try parseNumber() }
        if Self.isNameStart(scalar) { return try parseName() }
        throw error("expected a number, an operand, a function or '(', got '\(scalar)'")
    }

    private mutating func parseNumber() throws(ExpressionSyntaxError) -> DerivedExpression {
        let start = position
        while let scalar = current, Self.isDigit(scalar) || scalar == "." { position += 1 }
        if let scalar = current, scalar == "e" || scalar == "E" {
            position += 1
            if let sign = current, sign == "+" || sign == "-" { position += 1 }
            while let scalar = current, Self.isDigit(scalar) { position += 1 }
        }
        let text = String(String.UnicodeScalarView(scalars[start..<position]))
        guard let value = Double(text), value.isFinite else {
            throw ExpressionSyntaxError(offset: start, message: "expected a number such as 2, 0.5 or 1e-3, got '\(text)'")
        }
        return .number(value)
    }

    private mutating func parseName() throws(ExpressionSyntaxError) -> DerivedExpression {
        let start = position
        while let scalar = current, Self.isNameStart(scalar) || Self.isDigit(scalar) { position += 1 }
        let name = String(String.UnicodeScalarView(scalars[start..<position]))
        let afterName = position
        skipSpaces()
        if current == "(" {
            guard let function = ExpressionFunction(rawValue: name) else {
                throw ExpressionSyntaxError(offset: start, message: "unknown function '\(name)', expected min, max or abs",
                                            unknownName: name)
            }
            return try parseCall(function, at: start)
        }
        position = afterName
        if let index = operands.firstIndex(of: name) { return .operand(index) }
        if ExpressionFunction(rawValue: name) != nil {
            throw ExpressionSyntaxError(offset: start, message: "the function '\(name)' needs its arguments in parentheses")
        }
        let known = operands.isEmpty ? "vars binds none" : "expected an operand of vars (" + operands.joined(separator: ", ") + ")"
        throw ExpressionSyntaxError(offset: start, message: "unknown operand '\(name)', \(known)", unknownName: name)
    }

    private mutating func parseCall(_ function: ExpressionFunction, at start: Int) throws(ExpressionSyntaxError) -> DerivedExpression {
        let open = position
        position += 1
        try descend(at: start)
        defer { depth -= 1 }
        var arguments = [try parseExpression()]
        skipSpaces()
        while current == "," {
            position += 1
            arguments.append(try parseExpression())
            skipSpaces()
        }
        try expect(")", opened: open)
        guard function.arity.contains(arguments.count) else {
            let wanted = function.arity.lowerBound == function.arity.upperBound
                ? "\(function.arity.lowerBound) argument" + (function.arity.lowerBound == 1 ? "" : "s")
                : "\(function.arity.lowerBound) to \(function.arity.upperBound) arguments"
            throw ExpressionSyntaxError(offset: start, message: "\(function.rawValue)() takes \(wanted), got \(arguments.count)")
        }
        return .call(function, arguments)
    }

    // MARK: Tokens

    private var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private mutating func skipSpaces() {
        while let scalar = current, scalar == " " || scalar == "\t" { position += 1 }
    }

    private mutating func peekOperator(_ first: DerivedExpression.BinaryOperator,
                                       _ second: DerivedExpression.BinaryOperator) -> DerivedExpression.BinaryOperator? {
        skipSpaces()
        guard let scalar = current else { return nil }
        let character = Character(scalar)
        if character == first.rawValue { return first }
        if character == second.rawValue { return second }
        return nil
    }

    private mutating func expect(_ closing: Unicode.Scalar, opened open: Int) throws(ExpressionSyntaxError) {
        skipSpaces()
        guard current == closing else {
            let found = current.map { "'\($0)'" } ?? "the end"
            throw error("expected '\(closing)' to close the '(' at character \(open + 1), got \(found)")
        }
        position += 1
    }

    private mutating func descend(at offset: Int) throws(ExpressionSyntaxError) {
        depth += 1
        guard depth <= Self.maximumDepth else {
            throw ExpressionSyntaxError(offset: offset, message: "an expression nested at most \(Self.maximumDepth) levels deep")
        }
    }

    private func error(_ message: String) -> ExpressionSyntaxError {
        ExpressionSyntaxError(offset: position, message: message)
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    private static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
    }
}
