/// Prometheus's text exposition format (version 0.0.4): for each family a `# HELP` and a
/// `# TYPE` line, then its samples `name{label="value",...} number`, one per line.
/// Label values are escaped as the format says (`\\`, `\"`, `\n`), HELP texts likewise
/// (`\\`, `\n`); names are the gateway's own constants and never need it.
struct MetricsExposition {
    enum Kind: String {
        case counter
        case gauge
    }

    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 4_096) {
        bytes.reserveCapacity(capacity)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Starts a family: its samples follow with ``sample(_:_:labels:)``. A counter's
    /// name ends in `_total`, as the format's conventions ask.
    mutating func family(_ name: String, _ kind: Kind, help: String) {
        append("# HELP \(name) ")
        append(Self.escapedHelp(help))
        append("\n# TYPE \(name) \(kind.rawValue)\n")
    }

    mutating func sample(_ name: String, _ value: UInt64, labels: KeyValuePairs<String, String> = [:]) {
        sampleName(name, labels)
        append(String(value))
        append("\n")
    }

    mutating func sample(_ name: String, _ value: Int, labels: KeyValuePairs<String, String> = [:]) {
        sampleName(name, labels)
        append(String(value))
        append("\n")
    }

    mutating func sample(_ name: String, _ value: Double, labels: KeyValuePairs<String, String> = [:]) {
        sampleName(name, labels)
        append(Self.number(value))
        append("\n")
    }

    private mutating func sampleName(_ name: String, _ labels: KeyValuePairs<String, String>) {
        append(name)
        if !labels.isEmpty {
            append("{")
            for (index, label) in labels.enumerated() {
                if index > 0 { append(",") }
                append(label.key)
                append("=\"")
                append(Self.escapedLabelValue(label.value))
                append("\"")
            }
            append("}")
        }
        append(" ")
    }

    /// `\` as `\\`, `"` as `\"`, a line feed as `\n`.
    static func escapedLabelValue(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") }) else {
            return value
        }
        var escaped = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// `\` as `\\`, a line feed as `\n` (a HELP text may hold a `"`).
    static func escapedHelp(_ text: String) -> String {
        var escaped = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// A float as the format reads it: `NaN`, `+Inf`, `-Inf`, or Swift's shortest decimal
    /// (`0.25`, `1e-05`), which Go's and Python's parsers both take.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return value.description
    }

    private mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }
}
