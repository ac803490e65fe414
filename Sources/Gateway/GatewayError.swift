/// Why a gateway could not start, as a value the command line prints.
public struct GatewayError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
