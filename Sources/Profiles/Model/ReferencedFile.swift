/// A file or directory a profile names (a CA file, a client key, a password file) and
/// where it names it, so a problem with it is reported at that key.
///
/// Equal when the same file is named by the same key: the place in the text differs
/// between the YAML and the JSON form of one profile, which are the same profile.
public struct ReferencedFile: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case file, directory
    }

    public var path: String
    public var kind: Kind
    /// The key path that names it: `mqtt.tls.ca_file`.
    public var keyPath: String
    /// What it is, for messages: `the CA file`.
    public var role: String
    /// Where the value is, 1-based.
    public var line: Int
    public var column: Int

    public init(path: String, kind: Kind, keyPath: String, role: String, line: Int, column: Int) {
        self.path = path
        self.kind = kind
        self.keyPath = keyPath
        self.role = role
        self.line = line
        self.column = column
    }

    public static func == (lhs: ReferencedFile, rhs: ReferencedFile) -> Bool {
        lhs.path == rhs.path && lhs.kind == rhs.kind && lhs.keyPath == rhs.keyPath && lhs.role == rhs.role
    }
}
