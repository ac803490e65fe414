import CYAML

/// Reads YAML into a ``ConfigNode`` tree with libyaml's event parser.
///
/// libyaml is used directly (the system's `libyaml`) rather than through a Swift
/// wrapper: the wrappers pull Foundation into the daemon, several MB of resident
/// memory against docs/ARCHITECTURE.md's memory target, for a file read once at start.
///
/// libyaml's own messages and positions become diagnostics for syntax errors. Repeated
/// keys are kept in the tree; ``DuplicateKeys`` reports every later occurrence, for
/// YAML and JSON alike. Anchors and aliases resolve to the anchored node; merge keys
/// (`<<: *base`) are applied with the keys written in the mapping winning.
enum YAMLReader {
    static func read(_ text: String, file: String) -> ParsedDocument {
        var events = EventStream(text)
        defer { events.close() }
        var builder = TreeBuilder(file: file)
        do throws(SyntaxError) {
            let root = try builder.document(&events)
            return ParsedDocument(root: root, diagnostics: builder.diagnostics)
        } catch {
            return ParsedDocument(root: nil, diagnostics: [error.diagnostic(file: file, text: text)])
        }
    }

    /// What libyaml reported, with 1-based positions.
    struct SyntaxError: Error {
        var problem: String
        var location: SourceLocation
        var context: (text: String, location: SourceLocation)?
        /// A reader error (bad encoding) with the offending value, where known.
        var value: Int32?

        func diagnostic(file: String, text: String) -> Diagnostic {
            var message = "YAML syntax: \(problem)"
            if let value, value >= 0 {
                message += " (U+\(String(UInt32(value), radix: 16, uppercase: true).leftPadded(to: 4)))"
            }
            if let context { message += " (\(context.text) at \(context.location))" }
            if SourceText(text).scalar(at: location) == "\t" {
                message += "; YAML does not allow tabs for indentation, use spaces"
            }
            return Diagnostic(file: file, line: location.line, column: location.column, message: message)
        }
    }
}

/// libyaml's parser over a copy of the text, one event at a time.
private struct EventStream {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>
    private let text: String

    init(_ text: String) {
        self.text = text
        let bytes = Array(text.utf8)
        input = .allocate(capacity: max(1, bytes.count))
        _ = input.initialize(from: bytes)
        parser = .allocate(capacity: 1)
        yaml_parser_initialize(parser)
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, input.baseAddress, bytes.count)
    }

    func close() {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    /// The next event, copied out of libyaml's structures.
    mutating func next() throws(YAMLReader.SyntaxError) -> Event {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { throw error() }
        defer { yaml_event_delete(&event) }
        let location = SourceLocation(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
        }
        switch event.type {
        case YAML_STREAM_START_EVENT: return Event(kind: .streamStart, location: location)
        case YAML_STREAM_END_EVENT: return Event(kind: .streamEnd, location: location)
        case YAML_DOCUMENT_START_EVENT: return Event(kind: .documentStart, location: location)
        case YAML_DOCUMENT_END_EVENT: return Event(kind: .documentEnd, location: location)
        case YAML_ALIAS_EVENT:
            return Event(kind: .alias(string(event.data.alias.anchor) ?? ""), location: location)
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let value = scalar.value.map { pointer in
                String(decoding: UnsafeBufferPointer(start: pointer, count: scalar.length), as: UTF8.self)
            } ?? ""
            let tag = string(scalar.tag)
            // Quoted, block and explicitly tagged strings are text; a plain scalar may be a number.
            let quoted = scalar.style != YAML_PLAIN_SCALAR_STYLE && scalar.style != YAML_ANY_SCALAR_STYLE
                || tag == "tag:yaml.org,2002:str" || tag == "!"
            return Event(kind: .scalar(value, quoted: quoted, plainKey: !quoted && value == "<<"),
                         location: location, anchor: string(scalar.anchor))
        case YAML_SEQUENCE_START_EVENT:
            return Event(kind: .sequenceStart, location: location, anchor: string(event.data.sequence_start.anchor))
        case YAML_SEQUENCE_END_EVENT: return Event(kind: .sequenceEnd, location: location)
        case YAML_MAPPING_START_EVENT:
            return Event(kind: .mappingStart, location: location, anchor: string(event.data.mapping_start.anchor))
        case YAML_MAPPING_END_EVENT: return Event(kind: .mappingEnd, location: location)
        default: return Event(kind: .streamEnd, location: location)
        }
    }

    private func error() -> YAMLReader.SyntaxError {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "unknown error"
        func location(_ mark: yaml_mark_t) -> SourceLocation {
            SourceLocation(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
        }
        if state.error == YAML_READER_ERROR {
            return YAMLReader.SyntaxError(problem: problem, location: self.position(ofByteOffset: state.problem_offset),
                                          context: nil, value: state.problem_value)
        }
        let context = state.context.map { (text: String(cString: $0), location: location(state.context_mark)) }
        return YAMLReader.SyntaxError(problem: problem, location: location(state.problem_mark), context: context, value: nil)
    }

    /// Line and column of a UTF-8 byte offset (reader errors carry only the offset).
    private func position(ofByteOffset byteOffset: Int) -> SourceLocation {
        var line = 1, column = 1
        var consumed = 0
        for scalar in text.unicodeScalars {
            if consumed >= byteOffset { break }
            consumed += String(scalar).utf8.count
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return SourceLocation(line: line, column: column)
    }
}

private struct Event {
    enum Kind {
        case streamStart, streamEnd, documentStart, documentEnd
        case alias(String)
        case scalar(String, quoted: Bool, plainKey: Bool)
        case sequenceStart, sequenceEnd, mappingStart, mappingEnd
    }

    var kind: Kind
    var location: SourceLocation
    var anchor: String? = nil
}

/// Builds the tree from events: one document, anchors remembered, merge keys applied.
private struct TreeBuilder {
    let file: String
    var diagnostics: [Diagnostic] = []
    private var anchors: [String: ConfigNode] = [:]

    init(file: String) { self.file = file }

    mutating func document(_ events: inout EventStream) throws(YAMLReader.SyntaxError) -> ConfigNode? {
        var event = try events.next()
        if case .streamStart = event.kind { event = try events.next() }
        guard case .documentStart = event.kind else { return nil }  // an empty stream
        let root = try node(try events.next(), &events)
        _ = try events.next()  // document end
        let after = try events.next()
        if case .documentStart = after.kind {
            throw YAMLReader.SyntaxError(problem: "expected a single document, found a second one ('---')",
                                         location: after.location, context: nil, value: nil)
        }
        return root
    }

    private mutating func node(_ event: Event, _ events: inout EventStream) throws(YAMLReader.SyntaxError) -> ConfigNode {
        let built: ConfigNode
        switch event.kind {
        case .scalar(let text, let quoted, _):
            built = ConfigNode(.scalar(text, quoted ? .quoted : .plain), at: event.location)
        case .alias(let name):
            guard let anchored = anchors[name] else {
                // libyaml's composer words it so; its event parser leaves the check to us.
                throw YAMLReader.SyntaxError(problem: "found undefined alias '*\(name)'", location: event.location,
                                             context: nil, value: nil)
            }
            return anchored
        case .sequenceStart:
            var items: [ConfigNode] = []
            while true {
                let next = try events.next()
                if case .sequenceEnd = next.kind { break }
                items.append(try node(next, &events))
            }
            built = ConfigNode(.sequence(items), at: event.location)
        case .mappingStart:
            built = try mapping(at: event.location, &events)
        default:
            built = ConfigNode(.scalar("", .plain), at: event.location)
        }
        if let anchor = event.anchor { anchors[anchor] = built }
        return built
    }

    private mutating func mapping(at location: SourceLocation, _ events: inout EventStream) throws(YAMLReader.SyntaxError) -> ConfigNode {
        var pairs: [ConfigPair] = []
        var merged: [ConfigPair] = []
        while true {
            let keyEvent = try events.next()
            if case .mappingEnd = keyEvent.kind { break }
            let key = try node(keyEvent, &events)
            let value = try node(try events.next(), &events)
            if case .scalar(_, _, let isMerge) = keyEvent.kind, isMerge {
                merged += mergeSources(value)
                continue
            }
            guard case .scalar(let name, _) = key.value else {
                report(key.location, "a mapping key must be text, got \(key.found)")
                continue
            }
            pairs.append(ConfigPair(key: name, keyLocation: key.location, value: value))
        }
        // Merge keys (`<<: *defaults`): keys written in the mapping win.
        for pair in merged where !pairs.contains(where: { $0.key == pair.key }) {
            pairs.append(pair)
        }
        return ConfigNode(.mapping(pairs), at: location)
    }

    private mutating func mergeSources(_ value: ConfigNode) -> [ConfigPair] {
        switch value.value {
        case .mapping(let pairs):
            return pairs
        case .sequence(let items):
            // Earlier mappings in the list win over later ones.
            var result: [ConfigPair] = []
            for item in items {
                for pair in mergeSources(item) where !result.contains(where: { $0.key == pair.key }) {
                    result.append(pair)
                }
            }
            return result
        case .scalar:
            report(value.location, "'<<' merges a mapping or a list of mappings, got \(value.found)")
            return []
        }
    }

    private mutating func report(_ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(file: file, line: location.line, column: location.column, message: message))
    }
}
