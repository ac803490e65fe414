/// Why a value written in a profile could not be read, e.g. `missing unit`.
///
/// The validator puts it in parentheses after "expected ..., got '...'".
public struct ValueSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}
