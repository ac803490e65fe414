/// A profile written out as YAML, for generated profiles (`sensorgate import`): mappings
/// keep their order, scalars are quoted whenever a plain scalar could read differently.
public indirect enum ProfileText: Equatable, Sendable {
    case scalar(String)
    /// A number or boolean written plain (`0x76`, `true`, `20ms`).
    case plain(String)
    case list([ProfileText])
    case mapping([Entry])

    public struct Entry: Equatable, Sendable {
        public var key: String
        public var value: ProfileText
        public init(_ key: String, _ value: ProfileText) {
            self.key = key
            self.value = value
        }
    }

    /// The YAML text, two spaces per level, ending in a newline.
    public var yaml: String {
        var lines: [String] = []
        append(to: &lines, indent: "")
        return lines.joined(separator: "\n") + "\n"
    }

    private func append(to lines: inout [String], indent: String) {
        switch self {
        case .scalar, .plain:
            lines.append(indent + inline)
        case .list(let items):
            for item in items {
                switch item {
                case .mapping(let entries) where !entries.isEmpty:
                    var nested: [String] = []
                    item.append(to: &nested, indent: indent + "  ")
                    nested[0] = indent + "- " + nested[0].dropFirst(indent.count + 2)
                    lines += nested
                default:
                    lines.append(indent + "- " + item.inline)
                }
            }
        case .mapping(let entries):
            for entry in entries {
                if entry.value.isBlock {
                    lines.append(indent + Self.quoted(entry.key) + ":")
                    entry.value.append(to: &lines, indent: indent + "  ")
                } else {
                    lines.append(indent + Self.quoted(entry.key) + ": " + entry.value.inline)
                }
            }
        }
    }

    /// Written over lines of its own: a non-empty mapping, or a list holding one.
    private var isBlock: Bool {
        switch self {
        case .scalar, .plain: false
        case .mapping(let entries): !entries.isEmpty
        case .list(let items): items.contains { if case .mapping(let entries) = $0 { !entries.isEmpty } else { false } }
        }
    }

    /// The value on one line: scalars, and empty lists and mappings.
    private var inline: String {
        switch self {
        case .scalar(let text): Self.quoted(text)
        case .plain(let text): text
        case .list(let items): "[" + items.map(\.inline).joined(separator: ", ") + "]"
        case .mapping(let entries): "{ " + entries.map { Self.quoted($0.key) + ": " + $0.value.inline }.joined(separator: ", ") + " }"
        }
    }

    /// Words YAML readers may take for booleans or null, whatever their case.
    private static let ambiguous: Set<String> = ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"]

    /// `text` plain when it cannot be misread, else double-quoted with escapes.
    static func quoted(_ text: String) -> String {
        let safe = !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
            (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9")
                || "_-./".unicodeScalars.contains(scalar)
        }
        let first = text.unicodeScalars.first
        let numeric = first.map { ($0 >= "0" && $0 <= "9") || $0 == "-" || $0 == "." } ?? false
        if safe, !numeric, !ambiguous.contains(text.lowercased()) { return text }
        var escaped = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\t": escaped += "\\t"
            default:
                if scalar.value < 0x20 {
                    escaped += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped + "\""
    }
}
