import SensorgateCore

/// A place in a profile's text: 1-based line and column (columns count Unicode scalars).
struct SourceLocation: Sendable, Equatable, Comparable, CustomStringConvertible {
    var line: Int
    var column: Int

    static let start = SourceLocation(line: 1, column: 1)

    static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    var description: String { "\(line):\(column)" }
}

/// The document tree both readers produce: YAML through libyaml and JSON
/// through ``JSONReader``. Every node keeps where it was written, and scalars keep
/// their text exactly as written plus whether they were quoted, so the validator can
/// tell `17` from `"17"` where that matters and report values the way the user wrote them.
struct ConfigNode: Sendable {
    enum Style: Sendable, Equatable {
        /// Unquoted text: YAML plain scalars, JSON numbers, `true`, `false`, `null`.
        case plain
        /// Quoted text (YAML single/double quotes, `!!str`, block scalars; JSON strings).
        case quoted
    }

    enum Value: Sendable {
        case scalar(String, Style)
        case sequence([ConfigNode])
        case mapping([ConfigPair])
    }

    var value: Value
    var location: SourceLocation

    init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }

    /// An unquoted empty value, `~` or `null`: "nothing here".
    var isNull: Bool {
        guard case .scalar(let text, .plain) = value else { return false }
        return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }

    /// The scalar's text, or nil for sequences and mappings.
    var scalarText: String? {
        if case .scalar(let text, _) = value { return text }
        return nil
    }

    var isQuoted: Bool {
        if case .scalar(_, .quoted) = value { return true }
        return false
    }

    /// How the node reads in a message after "got": `'pullup'`, `a mapping`, `an empty value`.
    var found: String {
        switch value {
        case .scalar(let text, _):
            // Shortened and escaped: a large value that aliases repeat must not make every
            // message about it large.
            return isNull ? "an empty value" : "'\(LogText.escaped(text))'"
        case .sequence(let items):
            return items.isEmpty ? "an empty list" : "a list"
        case .mapping(let pairs):
            return pairs.isEmpty ? "an empty mapping" : "a mapping"
        }
    }
}

/// One `key: value` of a mapping. Keys are text (a YAML key that is itself a
/// collection is reported by the reader and dropped).
struct ConfigPair: Sendable {
    var key: String
    var keyLocation: SourceLocation
    var value: ConfigNode
}

/// What a reader returns: the tree (nil for an empty document or a syntax error)
/// and the problems found while reading.
struct ParsedDocument: Sendable {
    var root: ConfigNode?
    var diagnostics: [Diagnostic]
}
