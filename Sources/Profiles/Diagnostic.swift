/// One problem found in a profile, at a place in its file.
///
/// Rendered the way compilers do, so editors can jump to it:
/// `demo.yaml:12:7: error: inputs[0].gpio.bias: expected one of ..., got 'pullup'`.
/// Lines and columns are 1-based; columns count Unicode scalars, as libyaml does.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `FILE:LINE:COLUMN: error: MESSAGE`
    public var description: String { "\(file):\(line):\(column): error: \(message)" }
}

/// Why a profile could not be loaded.
public enum ProfileLoadError: Error, Sendable {
    /// The file could not be read at all (missing, no permission, not a regular file,
    /// over the size limit).
    /// `sensorgate validate` exits 2.
    case unreadable(path: String, reason: String)
    /// The file was read but is not a valid profile: every problem found, in file order.
    /// `sensorgate validate` exits 1.
    case invalid([Diagnostic])
}

extension ProfileLoadError: CustomStringConvertible {
    /// One line per problem, ready for stderr.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "\(path): error: cannot read profile: \(reason)"
        case .invalid(let diagnostics):
            return diagnostics.map(\.description).joined(separator: "\n")
        }
    }
}
