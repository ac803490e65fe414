extension DerivedExpression {
    /// The value with `operands` bound by index: undefined on a division by zero or a
    /// result too large for a Double, never NaN or infinity.
    public func evaluate(_ operands: [Double]) -> DerivedResult {
        switch self {
        case .number(let value):
            return .value(value)
        case .operand(let index):
            guard operands.indices.contains(index) else { return .undefined("operand \(index) is missing") }
            return .checked(operands[index])
        case .negate(let inner):
            return inner.evaluate(operands).map { -$0 }
        case .binary(let operation, let left, let right):
            let leftResult = left.evaluate(operands)
            guard case .value(let lhs) = leftResult else { return leftResult }
            let rightResult = right.evaluate(operands)
            guard case .value(let rhs) = rightResult else { return rightResult }
            switch operation {
            case .add: return .checked(lhs + rhs)
            case .subtract: return .checked(lhs - rhs)
            case .multiply: return .checked(lhs * rhs)
            case .divide:
                guard rhs != 0 else { return .undefined("division by zero") }
                return .checked(lhs / rhs)
            }
        case .call(let function, let arguments):
            var values: [Double] = []
            values.reserveCapacity(arguments.count)
            for argument in arguments {
                switch argument.evaluate(operands) {
                case .value(let value): values.append(value)
                case .undefined(let reason): return .undefined(reason)
                }
            }
            guard let first = values.first else { return .undefined("\(function.rawValue)() without arguments") }
            switch function {
            case .min: return .value(values.dropFirst().reduce(first) { Swift.min($0, $1) })
            case .max: return .value(values.dropFirst().reduce(first) { Swift.max($0, $1) })
            case .abs: return .value(Swift.abs(first))
            }
        }
    }

    /// The operand indices it reads.
    public var operandsUsed: Set<Int> {
        switch self {
        case .number: []
        case .operand(let index): [index]
        case .negate(let inner): inner.operandsUsed
        case .binary(_, let left, let right): left.operandsUsed.union(right.operandsUsed)
        case .call(_, let arguments): arguments.reduce(into: Set<Int>()) { $0.formUnion($1.operandsUsed) }
        }
    }
}

extension DerivedResult {
    func map(_ transform: (Double) -> Double) -> DerivedResult {
        guard case .value(let value) = self else { return self }
        return .checked(transform(value))
    }
}
