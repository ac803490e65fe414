/// What computing a derived value gave: a finite number, or the reason there is none
/// (a division by zero, an input outside the formula's domain). Never NaN or infinity.
public enum DerivedResult: Sendable, Equatable {
    case value(Double)
    case undefined(String)

    /// `value` if it is finite, else undefined.
    @inlinable
    static func checked(_ value: Double) -> DerivedResult {
        value.isFinite ? .value(value) : .undefined("the result is not a finite number")
    }

    public var value: Double? {
        if case .value(let value) = self { return value }
        return nil
    }
}
