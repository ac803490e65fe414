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
        /// A limit of ``YAMLLimits`` rather than libyaml's syntax.
        var isLimit = false

        init(problem: String, location: SourceLocation, context: (text: String, location: SourceLocation)?,
             value: Int32?) {
            self.problem = problem
            self.location = location
            self.context = context
            self.value = value
        }

        init(limit problem: String, at location: SourceLocation) {
            self.init(problem: problem, location: location, context: nil, value: nil)
            isLimit = true
        }

        func diagnostic(file: String, text: String) -> Diagnostic {
            if isLimit { return Diagnostic(file: file, line: location.line, column: location.column,
                                           message: "YAML limit: \(problem)") }
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
///
/// An alias shares the anchored node's storage, so reading is cheap, but everything
/// after the reader (duplicate keys, the decoder) walks the tree as if each alias were
/// written out: nine levels of anchors that each repeat the one before ten times
/// ("billion laughs") are 600 bytes of text and 10^9 nodes to walk. So every node
/// carries its expanded size and height, and the reader refuses, at the alias, a
/// document whose aliases would expand past ``YAMLLimits/aliasExpansionBudget`` nodes
/// or nest past ``YAMLLimits/maximumDepth`` levels, before anything is walked. The
/// depth limit also keeps this recursive builder (and the recursive code after it)
/// far from the end of the stack.
private struct TreeBuilder {
    /// A node with what walking it costs once aliases are expanded.
    struct Built {
        var node: ConfigNode
        /// Nodes in the subtree with every alias written out, this node included.
        var size: Int
        /// Lists and mappings on the deepest path of the expanded subtree (0 for a scalar).
        var height: Int
        /// Bytes of text in the expanded subtree: what checking it reads.
        var bytes: Int
    }

    let file: String
    var diagnostics: [Diagnostic] = []
    private var anchors: [String: Built] = [:]
    /// Nodes produced so far by expanding aliases (an alias of an alias counts in full).
    private var aliasNodes = 0
    /// Bytes of text repeated so far by aliases.
    private var aliasBytes = 0

    init(file: String) { self.file = file }

    mutating func document(_ events: inout EventStream) throws(YAMLReader.SyntaxError) -> ConfigNode? {
        var event = try events.next()
        if case .streamStart = event.kind { event = try events.next() }
        guard case .documentStart = event.kind else { return nil }  // an empty stream
        let root = try node(try events.next(), &events, depth: 0).node
        _ = try events.next()  // document end
        let after = try events.next()
        if case .documentStart = after.kind {
            throw YAMLReader.SyntaxError(problem: "expected a single document, found a second one ('---')",
                                         location: after.location, context: nil, value: nil)
        }
        return root
    }

    /// `depth` counts the lists and mappings around the node.
    private mutating func node(_ event: Event, _ events: inout EventStream,
                               depth: Int) throws(YAMLReader.SyntaxError) -> Built {
        let built: Built
        switch event.kind {
        case .scalar(let text, let quoted, _):
            built = Built(node: ConfigNode(.scalar(text, quoted ? .quoted : .plain), at: event.location), size: 1, height: 0,
                          bytes: text.utf8.count)
        case .alias(let name):
            guard let anchored = anchors[name] else {
                // libyaml's composer words it so; its event parser leaves the check to us.
                throw YAMLReader.SyntaxError(problem: "found undefined alias '*\(name)'", location: event.location,
                                             context: nil, value: nil)
            }
            try checkExpansion(of: name, anchored, depth: depth, at: event.location)
            return anchored
        case .sequenceStart:
            try checkDepth(depth, at: event.location)
            var items: [ConfigNode] = []
            var size = 1
            var height = 0
            var bytes = 0
            while true {
                let next = try events.next()
                if case .sequenceEnd = next.kind { break }
                let item = try node(next, &events, depth: depth + 1)
                items.append(item.node)
                size += item.size
                height = max(height, item.height)
                bytes += item.bytes
            }
            built = Built(node: ConfigNode(.sequence(items), at: event.location), size: size, height: height + 1, bytes: bytes)
        case .mappingStart:
            try checkDepth(depth, at: event.location)
            built = try mapping(at: event.location, &events, depth: depth)
        default:
            built = Built(node: ConfigNode(.scalar("", .plain), at: event.location), size: 1, height: 0, bytes: 0)
        }
        if let anchor = event.anchor { anchors[anchor] = built }
        return built
    }

    private func checkDepth(_ depth: Int, at location: SourceLocation) throws(YAMLReader.SyntaxError) {
        guard depth < YAMLLimits.maximumDepth else {
            throw YAMLReader.SyntaxError(
                limit: "lists and mappings nested deeper than \(YAMLLimits.maximumDepth) levels", at: location)
        }
    }

    private mutating func checkExpansion(of name: String, _ anchored: Built, depth: Int,
                                         at location: SourceLocation) throws(YAMLReader.SyntaxError) {
        if depth + anchored.height > YAMLLimits.maximumDepth {
            throw YAMLReader.SyntaxError(
                limit: "the alias '*\(name)' nests lists and mappings deeper than \(YAMLLimits.maximumDepth) levels",
                at: location)
        }
        // Never more than the budget plus the file's own nodes, so this cannot overflow.
        aliasNodes += anchored.size
        if aliasNodes > YAMLLimits.aliasExpansionBudget {
            throw YAMLReader.SyntaxError(
                limit: "the alias '*\(name)' takes the nodes produced by aliases past \(YAMLLimits.aliasExpansionBudget) "
                    + "(each alias counts every node it repeats, aliases inside it included)",
                at: location)
        }
        aliasBytes += anchored.bytes
        if aliasBytes > YAMLLimits.aliasTextBudget {
            throw YAMLReader.SyntaxError(
                limit: "the alias '*\(name)' takes the text repeated by aliases past \(YAMLLimits.aliasTextBudget) bytes "
                    + "(each alias counts the text of everything it repeats)",
                at: location)
        }
    }

    private mutating func mapping(at location: SourceLocation, _ events: inout EventStream,
                                  depth: Int) throws(YAMLReader.SyntaxError) -> Built {
        var pairs: [ConfigPair] = []
        var merged: [ConfigPair] = []
        var size = 1
        var height = 0
        var bytes = 0
        while true {
            let keyEvent = try events.next()
            if case .mappingEnd = keyEvent.kind { break }
            let key = try node(keyEvent, &events, depth: depth + 1)
            let value = try node(try events.next(), &events, depth: depth + 1)
            size += key.size + value.size
            height = max(height, key.height, value.height)
            bytes += key.bytes + value.bytes
            if case .scalar(_, _, let isMerge) = keyEvent.kind, isMerge {
                merged += mergeSources(value.node)
                continue
            }
            guard case .scalar(let name, _) = key.node.value else {
                report(key.node.location, "a mapping key must be text, got \(key.node.found)")
                continue
            }
            pairs.append(ConfigPair(key: name, keyLocation: key.node.location, value: value.node))
        }
        // Merge keys (`<<: *defaults`): keys written in the mapping win. A set, not a search
        // of `pairs`: an inline mapping merged costs no alias budget, so both sides can have
        // thousands of keys.
        var keys = Set(pairs.map(\.key))
        for pair in merged where keys.insert(pair.key).inserted {
            pairs.append(pair)
        }
        return Built(node: ConfigNode(.mapping(pairs), at: location), size: size, height: height + 1, bytes: bytes)
    }

    private mutating func mergeSources(_ value: ConfigNode) -> [ConfigPair] {
        switch value.value {
        case .mapping(let pairs):
            return pairs
        case .sequence(let items):
            // Earlier mappings in the list win over later ones.
            var result: [ConfigPair] = []
            var keys: Set<String> = []
            for item in items {
                for pair in mergeSources(item) where keys.insert(pair.key).inserted {
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
