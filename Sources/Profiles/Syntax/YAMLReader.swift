import Yams

/// Reads YAML into a ``ConfigNode`` tree with libyaml (through `Yams.compose`).
///
/// libyaml's own messages and positions become diagnostics for syntax errors.
/// Yams rejects a mapping with a repeated key as a whole and names only the first
/// occurrence; to point at the repeated key instead (with its key path) and still
/// check the rest of the file, the reader renames that first occurrence in a copy
/// of the text to a same-length placeholder that cannot clash, parses again, and
/// restores the name in the tree. ``DuplicateKeys`` then reports every later
/// occurrence, for YAML and JSON alike.
enum YAMLReader {
    static func read(_ text: String, file: String) -> ParsedDocument {
        var source = text
        var placeholders: [String: String] = [:]
        for attempt in 0..<256 {
            do {
                guard let node = try Yams.compose(yaml: source) else { return ParsedDocument(root: nil, diagnostics: []) }
                var converter = Converter(file: file, placeholders: placeholders)
                let root = converter.convert(node)
                return ParsedDocument(root: root, diagnostics: converter.diagnostics)
            } catch let error as YamlError {
                if case .duplicatedKeysInMapping(let keys, let context) = error, let key = keys.first,
                   let renamed = rename(key: key, at: context.mark, in: source, attempt: attempt) {
                    placeholders[renamed.placeholder] = key
                    source = renamed.text
                    continue
                }
                return ParsedDocument(root: nil, diagnostics: [diagnostic(for: error, file: file, text: text)])
            } catch {
                return ParsedDocument(root: nil, diagnostics: [
                    Diagnostic(file: file, line: 1, column: 1, message: "YAML syntax: \(error)"),
                ])
            }
        }
        return ParsedDocument(root: nil, diagnostics: [
            Diagnostic(file: file, line: 1, column: 1, message: "YAML syntax: too many repeated keys"),
        ])
    }

    // MARK: Errors

    private static func diagnostic(for error: YamlError, file: String, text: String) -> Diagnostic {
        func make(_ mark: Mark, _ message: String) -> Diagnostic {
            Diagnostic(file: file, line: mark.line, column: mark.column, message: message)
        }
        func syntax(_ context: YamlError.Context?, _ problem: String, _ mark: Mark) -> Diagnostic {
            var message = "YAML syntax: \(problem)"
            if problem == "but found another document" {
                return make(mark, "YAML syntax: expected a single document, found a second one ('---')")
            }
            if let context {
                message += " (\(context.text) at \(context.mark.line):\(context.mark.column))"
            }
            if SourceText(text).scalar(at: SourceLocation(line: mark.line, column: mark.column)) == "\t" {
                message += "; YAML does not allow tabs for indentation, use spaces"
            }
            return make(mark, message)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            return syntax(context, problem, mark)
        case .reader(let problem, let offset, let value, _):
            let location = offset.map { SourceText.location(ofCharacterOffset: $0, in: text) } ?? .start
            let detail = value >= 0 ? " (U+\(String(UInt32(value), radix: 16, uppercase: true).leftPadded(to: 4)))" : ""
            return Diagnostic(file: file, line: location.line, column: location.column,
                              message: "YAML syntax: \(problem)\(detail)")
        case .duplicatedKeysInMapping(let keys, let context):
            let names = keys.map { "'\($0)'" }.joined(separator: ", ")
            let message = "duplicate key \(names): a key may appear only once in a mapping"
            guard context.mark.line > 0 else { return Diagnostic(file: file, line: 1, column: 1, message: message) }
            return make(context.mark, message)
        default:
            return Diagnostic(file: file, line: 1, column: 1, message: "YAML syntax: \(error)")
        }
    }

    /// Replaces the key written at `mark` with a placeholder of the same length (so no
    /// other position moves), or nil if the key is not written there as plain or
    /// simply quoted text.
    private static func rename(key: String, at mark: Mark, in text: String,
                               attempt: Int) -> (text: String, placeholder: String)? {
        let source = SourceText(text)
        let keyScalars = Array(key.unicodeScalars)
        guard !keyScalars.isEmpty,
              var start = source.offset(of: SourceLocation(line: mark.line, column: mark.column)),
              start < source.scalars.count else { return nil }
        let first = source.scalars[start]
        if first == "\"" || first == "'" { start += 1 }
        let end = start + keyScalars.count
        guard end <= source.scalars.count, Array(source.scalars[start..<end]) == keyScalars else { return nil }
        if first == "\"" || first == "'" {
            guard end < source.scalars.count, source.scalars[end] == first else { return nil }
        }
        // Private-use scalars: printable for libyaml, never an indicator, never in a real profile.
        guard let lead = Unicode.Scalar(0xE000 + UInt32(attempt)), let fill = Unicode.Scalar(0xF8FF as UInt32) else {
            return nil
        }
        let placeholder = [lead] + Array(repeating: fill, count: keyScalars.count - 1)
        var scalars = source.scalars
        scalars.replaceSubrange(start..<end, with: placeholder)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        var name = String.UnicodeScalarView()
        name.append(contentsOf: placeholder)
        return (String(view), String(name))
    }

    // MARK: Conversion

    private struct Converter {
        let file: String
        let placeholders: [String: String]
        var diagnostics: [Diagnostic] = []

        init(file: String, placeholders: [String: String]) {
            self.file = file
            self.placeholders = placeholders
        }

        mutating func convert(_ node: Node) -> ConfigNode {
            switch node {
            case .scalar(let scalar):
                let quoted = scalar.style != .plain && scalar.style != .any
                    || scalar.tag.rawValue == Tag.Name.str.rawValue || scalar.tag.rawValue == Tag.Name.nonSpecific.rawValue
                return ConfigNode(.scalar(scalar.string, quoted ? .quoted : .plain), at: location(scalar.mark))
            case .sequence(let sequence):
                return ConfigNode(.sequence(sequence.map { convert($0) }), at: location(sequence.mark))
            case .mapping(let mapping):
                var pairs: [ConfigPair] = []
                var merged: [ConfigPair] = []
                for (key, value) in mapping {
                    guard case .scalar(let keyScalar) = key else {
                        report(location(key.mark), "a mapping key must be text, got a \(key.isMapping ? "mapping" : "sequence")")
                        continue
                    }
                    if keyScalar.string == "<<", keyScalar.style == .plain {
                        merged += mergeSources(value)
                        continue
                    }
                    let name = placeholders[keyScalar.string] ?? keyScalar.string
                    pairs.append(ConfigPair(key: name, keyLocation: location(keyScalar.mark), value: convert(value)))
                }
                // YAML merge keys (`<<: *defaults`): keys written in the mapping win.
                for pair in merged where !pairs.contains(where: { $0.key == pair.key }) {
                    pairs.append(pair)
                }
                return ConfigNode(.mapping(pairs), at: location(mapping.mark))
            case .alias(let alias):
                report(location(alias.mark), "unresolved alias")
                return ConfigNode(.scalar("", .plain), at: location(alias.mark))
            }
        }

        private mutating func mergeSources(_ value: Node) -> [ConfigPair] {
            switch value {
            case .mapping:
                if case .mapping(let pairs) = convert(value).value { return pairs }
                return []
            case .sequence(let sequence):
                // Earlier mappings in the list win over later ones.
                var result: [ConfigPair] = []
                for item in sequence {
                    for pair in mergeSources(item) where !result.contains(where: { $0.key == pair.key }) {
                        result.append(pair)
                    }
                }
                return result
            default:
                report(location(value.mark), "'<<' merges a mapping or a list of mappings, got \(convert(value).found)")
                return []
            }
        }

        private func location(_ mark: Mark?) -> SourceLocation {
            guard let mark, mark.line > 0 else { return .start }
            return SourceLocation(line: mark.line, column: mark.column)
        }

        private mutating func report(_ location: SourceLocation, _ message: String) {
            diagnostics.append(Diagnostic(file: file, line: location.line, column: location.column, message: message))
        }
    }
}

private extension Node {
    var isMapping: Bool {
        if case .mapping = self { return true }
        return false
    }
}
