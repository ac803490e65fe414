/// `expression:` parsed: a tree of numbers, operands, the four operations, unary minus
/// and the three functions. No loops, no assignment, no other functions: evaluating it
/// always ends, in at most ``ExpressionParser/maximumLength`` steps.
public indirect enum DerivedExpression: Sendable, Equatable {
    case number(Double)
    /// The operand at this index of the derived channel's `vars`.
    case operand(Int)
    case negate(DerivedExpression)
    case binary(BinaryOperator, DerivedExpression, DerivedExpression)
    case call(ExpressionFunction, [DerivedExpression])

    public enum BinaryOperator: Character, Sendable, Equatable {
        case add = "+", subtract = "-", multiply = "*", divide = "/"
    }
}

/// The functions an expression may call.
public enum ExpressionFunction: String, Sendable, Equatable, CaseIterable {
    /// `min(a, b, ...)`: two or more arguments.
    case min
    /// `max(a, b, ...)`: two or more arguments.
    case max
    /// `abs(a)`: one argument.
    case abs

    /// How many arguments it takes.
    public var arity: ClosedRange<Int> {
        switch self {
        case .min, .max: 2...ExpressionParser.maximumArguments
        case .abs: 1...1
        }
    }
}
