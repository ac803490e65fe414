/// Why an `expression:` does not parse, and where: `offset` counts Unicode scalars from
/// the start of the expression text, so the profile decoder can point at the column.
public struct ExpressionSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var message: String
    /// The name, when the problem is a name that is neither an operand nor a function,
    /// for a did-you-mean.
    public var unknownName: String?

    public init(offset: Int, message: String, unknownName: String? = nil) {
        self.offset = offset
        self.message = message
        self.unknownName = unknownName
    }

    public var description: String { "at character \(offset + 1): \(message)" }
}
