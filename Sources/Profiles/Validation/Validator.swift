import SensorgateCore

/// A value in the document and its key path (`inputs[0].gpio.bias`).
struct Field {
    var node: ConfigNode
    var path: String

    var location: SourceLocation { node.location }
}

/// A mapping whose keys were checked against the keys it may have.
struct Fields {
    let path: String
    let location: SourceLocation
    let pairs: [ConfigPair]

    /// The value of `key`; nil if the key is absent or its value empty (`key:`, `~`, `null`).
    func optional(_ key: String) -> Field? {
        guard let pair = pairs.first(where: { $0.key == key }), !pair.value.isNull else { return nil }
        return Field(node: pair.value, path: KeyPath.child(path, key))
    }

    /// The value of `key`, reporting a missing key at this mapping. An empty value is
    /// returned, for the typed readers to report what they expected.
    func required(_ key: String, _ validator: Validator) -> Field? {
        guard let pair = pairs.first(where: { $0.key == key }) else {
            validator.report(at: location, path, "missing required key '\(key)'")
            return nil
        }
        return Field(node: pair.value, path: KeyPath.child(path, key))
    }

    func contains(_ key: String) -> Bool { optional(key) != nil }
}

/// Collects every problem while the decoder walks the tree, and reads typed values
/// (numbers, durations, choices, ...) with messages that name the key path, what was
/// expected and what was found.
final class Validator {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) { self.file = file }

    func add(_ diagnostics: [Diagnostic]) { self.diagnostics += diagnostics }

    func report(at location: SourceLocation, _ path: String, _ text: String) {
        diagnostics.append(Diagnostic(file: file, line: location.line, column: location.column,
                                      message: KeyPath.message(path, text)))
    }

    /// `PATH: expected WHAT, got FOUND (DETAIL)`
    func expected(_ what: String, _ field: Field, detail: String? = nil) {
        var text = "expected \(what), got \(field.node.found)"
        if let detail, !detail.isEmpty { text += " (\(detail))" }
        report(at: field.location, field.path, text)
    }

    // MARK: Collections

    /// A mapping with only `keys` allowed; an empty value reads as an empty mapping.
    /// A key of `refused` is reported with its own message (why not, and what instead)
    /// and never offered as one of the keys expected.
    func mapping(_ field: Field, keys: [String], refused: [String: String] = [:], what: String = "a mapping") -> Fields? {
        guard let pairs = pairs(field, what: what) else { return nil }
        for pair in pairs where refused[pair.key] != nil {
            report(at: pair.keyLocation, KeyPath.child(field.path, pair.key), refused[pair.key] ?? "")
        }
        for pair in pairs where !keys.contains(pair.key) && refused[pair.key] == nil {
            var text = "unknown key '\(KeyPath.shown(pair.key))'"
            if let suggestion = DidYouMean.suggestion(for: pair.key, among: keys) {
                text += " (did you mean '\(suggestion)'?)"
            } else {
                text += ", expected one of \(keys.joined(separator: ", "))"
            }
            report(at: pair.keyLocation, field.path, text)
        }
        return Fields(path: field.path, location: field.location, pairs: pairs)
    }

    /// A mapping with any keys (ids, channel names); an empty value reads as empty.
    func pairs(_ field: Field, what: String = "a mapping") -> [ConfigPair]? {
        if field.node.isNull { return [] }
        guard case .mapping(let pairs) = field.node.value else {
            expected(what, field)
            return nil
        }
        return pairs
    }

    /// A sequence's items with their paths; an empty value reads as an empty sequence.
    func sequence(_ field: Field, what: String = "a list") -> [Field]? {
        if field.node.isNull { return [] }
        guard case .sequence(let items) = field.node.value else {
            expected(what, field)
            return nil
        }
        return items.enumerated().map { Field(node: $1, path: KeyPath.index(field.path, $0)) }
    }

    // MARK: Scalars

    /// Any non-empty text (plain or quoted).
    func text(_ field: Field, what: String = "text") -> String? {
        guard let text = field.node.scalarText, !field.node.isNull, !text.isEmpty else {
            expected(what, field)
            return nil
        }
        return text
    }

    /// An id: `[A-Za-z0-9_-]+`.
    func identifier(_ field: Field) -> String? {
        let what = "an id of letters, digits, '_' and '-'"
        guard let text = field.node.scalarText, !field.node.isNull else {
            expected(what, field)
            return nil
        }
        // No character takes more than four bytes: a text this long is refused by its size
        // before anything scans it (aliases may repeat a large one many times).
        let limit = ProfileLimits.maximumIDLength
        guard text.utf8.count <= 4 * limit else {
            report(at: field.location, field.path,
                   "expected at most \(limit) characters, got \(text.utf8.count) bytes (see Limits in DeviceProfiles/README.md)")
            return nil
        }
        guard Self.isIdentifier(text) else {
            expected(what, field)
            return nil
        }
        guard within(ProfileLimits.maximumIDLength, characters: text.unicodeScalars.count, field) else { return nil }
        return text
    }

    /// Text of at most `limit` UTF-8 bytes, without NUL (C strings end there).
    func text(_ field: Field, what: String, maximumBytes limit: Int) -> String? {
        guard let text = text(field, what: what) else { return nil }
        guard !text.unicodeScalars.contains("\0") else {
            report(at: field.location, field.path, "expected \(what) without a NUL character")
            return nil
        }
        guard within(limit, bytes: text.utf8.count, field) else { return nil }
        return text
    }

    /// A file or directory path the kernel takes: see ``ProfileLimits``.
    func path(_ field: Field, what: String) -> String? {
        guard let path = text(field, what: what, maximumBytes: ProfileLimits.maximumPathBytes) else { return nil }
        let limit = ProfileLimits.maximumPathComponentBytes
        if let long = path.split(separator: "/").first(where: { $0.utf8.count > limit }) {
            report(at: field.location, field.path,
                   "a name in the path is \(long.utf8.count) bytes long, more than the \(limit) a file name may have")
            return nil
        }
        return path
    }

    /// Reports a value over a length limit by its length: the value itself may be huge.
    func within(_ limit: Int, characters: Int, _ field: Field) -> Bool {
        guard characters > limit else { return true }
        report(at: field.location, field.path, "expected at most \(limit) characters, got \(characters) (see Limits in DeviceProfiles/README.md)")
        return false
    }

    func within(_ limit: Int, bytes: Int, _ field: Field) -> Bool {
        guard bytes > limit else { return true }
        report(at: field.location, field.path, "expected at most \(limit) bytes of UTF-8, got \(bytes) (see Limits in DeviceProfiles/README.md)")
        return false
    }

    static func isIdentifier(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
        }
    }

    /// A decimal integer in `range`.
    func integer(_ field: Field, in range: ClosedRange<Int>) -> Int? {
        let what = "an integer from \(range.lowerBound) to \(range.upperBound)"
        guard let text = field.node.scalarText, let value = NumberSyntax.integer(text) else {
            expected(what, field)
            return nil
        }
        guard range.contains(value) else {
            expected(what, field)
            return nil
        }
        return value
    }

    /// A finite number meeting `requirement` (described as, e.g., "a number > 0").
    func number(_ field: Field, _ what: String = "a number", where requirement: (Double) -> Bool = { _ in true }) -> Double? {
        guard let text = field.node.scalarText, let value = NumberSyntax.decimal(text) else {
            expected(what, field)
            return nil
        }
        guard requirement(value) else {
            expected(what, field)
            return nil
        }
        return value
    }

    /// `true`/`false` (also `yes`/`no`, `on`/`off`).
    func bool(_ field: Field) -> Bool? {
        guard let text = field.node.scalarText, let value = NumberSyntax.bool(text) else {
            expected("true or false", field)
            return nil
        }
        return value
    }

    /// A duration in `range`. `lowerNote` explains the lower bound if it is not obvious.
    func duration(_ field: Field, in range: ClosedRange<Interval>, lowerNote: String? = nil) -> Interval? {
        guard let text = field.node.scalarText, !field.node.isNull else {
            expected("a duration such as 20ms, 5s or 1m", field)
            return nil
        }
        let value: Interval
        do {
            value = try DurationSyntax.parse(text)
        } catch {
            expected("a duration such as 20ms, 5s or 1m", field, detail: error.reason)
            return nil
        }
        guard range.contains(value) else {
            let lower = Self.format(range.lowerBound) + (lowerNote.map { " (\($0))" } ?? "")
            expected("a duration from \(lower) to \(Self.format(range.upperBound))", field)
            return nil
        }
        return value
    }

    /// One of `options`, by name, with a did-you-mean.
    /// One of `options` by name; `what` names the set where listing it would be too long.
    func choice<T>(_ field: Field, _ options: [(name: String, value: T)], what listed: String? = nil) -> T? {
        let names = options.map(\.name)
        let what = listed ?? "one of \(names.joined(separator: ", "))"
        guard let text = field.node.scalarText, !field.node.isNull else {
            expected(what, field)
            return nil
        }
        guard let match = options.first(where: { $0.name == text }) else {
            expected(what, field, detail: DidYouMean.suggestion(for: text, among: names).map { "did you mean '\($0)'?" })
            return nil
        }
        return match.value
    }

    /// A 7-bit I2C address: `0x76` or `118` (quoted or not).
    func i2cAddress(_ field: Field) -> UInt8? {
        let what = "a 7-bit I2C address from 0x03 to 0x77 such as 0x76 or 118"
        guard let text = field.node.scalarText, !field.node.isNull else {
            expected(what, field)
            return nil
        }
        do {
            return try I2CAddressSyntax.parse(text)
        } catch {
            expected(what, field, detail: error.reason == "not a number" ? nil : error.reason)
            return nil
        }
    }

    /// A rate such as `0.5/s`, `30/m` or `2/h`, in events per second, within `range`.
    func rate(_ field: Field, in range: ClosedRange<Double>) -> Double? {
        let what = "a rate such as 0.5/s, 30/m or 2/h"
        guard let text = field.node.scalarText, !field.node.isNull else {
            expected(what, field)
            return nil
        }
        let value: Double
        do {
            value = try RateSyntax.parse(text)
        } catch {
            expected(what, field, detail: error.reason)
            return nil
        }
        guard value > 0, range.contains(value) else {
            expected("a rate above 0/s and at most \(Self.format(range.upperBound))/s", field)
            return nil
        }
        return value
    }

    /// A duration as messages print it: `20ms`, `10s`, `24h` (not `1d`).
    static func format(_ interval: Interval) -> String {
        interval == .hours24 ? "24h" : interval.description
    }

    /// A number as messages print it: `0.5`, `10000`.
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

extension Interval {
    static let hours24 = Interval.seconds(86_400)
}
