/// A strict JSON (RFC 8259) reader that builds the same ``ConfigNode`` tree as
/// ``YAMLReader``: strings become quoted scalars; numbers, `true`, `false` and `null`
/// become plain scalars with their text as written.
///
/// Why not hand `.json` files to libyaml, since JSON is almost a subset of YAML?
/// libyaml keeps positions in JSON text well enough (tabs count as one column), but
/// it accepts much that is not JSON: trailing commas (`{"a": 1,}`, `[1, 2,]`), `#`
/// comments, unquoted keys and values (`{a: b}`), single-quoted strings, numbers such
/// as `01` or `.5`, and several documents in one file. A `.json` profile that passes
/// `sensorgate validate` must also load in every other JSON tool, so JSON gets its own
/// reader; it stops at the first syntax error and says what JSON expected there.
struct JSONReader {
    private struct SyntaxError: Error {
        var location: SourceLocation
        var message: String
    }

    /// Objects and arrays nested deeper than this are refused rather than risking the
    /// stack (of this reader and of the recursive code after it); the same as YAML's.
    static let maximumDepth = YAMLLimits.maximumDepth

    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1

    private init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    static func read(_ text: String, file: String) -> ParsedDocument {
        var reader = JSONReader(text)
        do throws(SyntaxError) {
            return ParsedDocument(root: try reader.document(), diagnostics: [])
        } catch {
            return ParsedDocument(root: nil, diagnostics: [
                Diagnostic(file: file, line: error.location.line, column: error.location.column,
                           message: "JSON syntax: \(error.message)"),
            ])
        }
    }

    // MARK: Grammar

    private mutating func document() throws(SyntaxError) -> ConfigNode? {
        // A byte-order mark is no character of the document: columns start after it.
        if peek == "\u{FEFF}" { index += 1 }
        skipWhitespace()
        if peek == nil { return nil }
        let root = try value(depth: 0)
        skipWhitespace()
        if peek != nil {
            throw fail("expected the end of the document after the top-level value, got \(found)")
        }
        return root
    }

    /// `depth` counts the objects and arrays around the value.
    private mutating func value(depth: Int) throws(SyntaxError) -> ConfigNode {
        let start = location
        switch peek {
        case "{", "[":
            guard depth < Self.maximumDepth else {
                throw fail("objects and arrays nested deeper than \(Self.maximumDepth) levels")
            }
            return peek == "{" ? try object(depth: depth) : try array(depth: depth)
        case "\"":
            return ConfigNode(.scalar(try string(), .quoted), at: start)
        case let s? where s == "-" || ("0"..."9").contains(s):
            return ConfigNode(.scalar(try number(), .plain), at: start)
        case "t", "f", "n":
            let word = self.word()
            guard word == "true" || word == "false" || word == "null" else {
                throw SyntaxError(location: start, message: "expected a value, got '\(word)' (text must be in double quotes)")
            }
            return ConfigNode(.scalar(word, .plain), at: start)
        case let s? where s.properties.isAlphabetic:
            let word = self.word()
            throw SyntaxError(location: start, message: "expected a value, got '\(word)' (text must be in double quotes)")
        default:
            throw fail("expected a value (object, array, string, number, true, false or null), got \(found)\(hint)")
        }
    }

    private mutating func object(depth: Int) throws(SyntaxError) -> ConfigNode {
        let start = location
        advance()  // {
        var pairs: [ConfigPair] = []
        skipWhitespace()
        if peek == "}" {
            advance()
            return ConfigNode(.mapping([]), at: start)
        }
        while true {
            skipWhitespace()
            guard peek == "\"" else {
                if peek == "}", !pairs.isEmpty { throw fail("a trailing comma before '}' is not allowed in JSON") }
                throw fail("expected a key in double quotes, got \(found)\(hint)")
            }
            let keyLocation = location
            let key = try string()
            skipWhitespace()
            guard peek == ":" else { throw fail("expected ':' after the key \"\(key)\", got \(found)") }
            advance()
            skipWhitespace()
            let member = try value(depth: depth + 1)
            pairs.append(ConfigPair(key: key, keyLocation: keyLocation, value: member))
            skipWhitespace()
            switch peek {
            case ",":
                advance()
            case "}":
                advance()
                return ConfigNode(.mapping(pairs), at: start)
            default:
                throw fail("expected ',' or '}' after the value of \"\(key)\", got \(found)\(hint)")
            }
        }
    }

    private mutating func array(depth: Int) throws(SyntaxError) -> ConfigNode {
        let start = location
        advance()  // [
        var items: [ConfigNode] = []
        skipWhitespace()
        if peek == "]" {
            advance()
            return ConfigNode(.sequence([]), at: start)
        }
        while true {
            skipWhitespace()
            if peek == "]", !items.isEmpty { throw fail("a trailing comma before ']' is not allowed in JSON") }
            items.append(try value(depth: depth + 1))
            skipWhitespace()
            switch peek {
            case ",":
                advance()
            case "]":
                advance()
                return ConfigNode(.sequence(items), at: start)
            default:
                throw fail("expected ',' or ']' after an array element, got \(found)\(hint)")
            }
        }
    }

    private mutating func string() throws(SyntaxError) -> String {
        let start = location
        advance()  // "
        var result = String.UnicodeScalarView()
        while true {
            guard let s = peek else { throw SyntaxError(location: start, message: "unterminated string") }
            switch s {
            case "\"":
                advance()
                return String(result)
            case "\\":
                let escapeLocation = location
                advance()
                guard let e = peek else { throw SyntaxError(location: start, message: "unterminated string") }
                advance()
                switch e {
                case "\"": result.append("\"")
                case "\\": result.append("\\")
                case "/": result.append("/")
                case "b": result.append("\u{8}")
                case "f": result.append("\u{C}")
                case "n": result.append("\n")
                case "r": result.append("\r")
                case "t": result.append("\t")
                case "u":
                    result.append(try unicodeEscape(at: escapeLocation))
                default:
                    throw SyntaxError(location: escapeLocation, message: "invalid escape '\\\(e)' in a string")
                }
            case "\n", "\r":
                throw SyntaxError(location: start,
                                  message: "unterminated string (a string ends on its own line; write a line break as \\n)")
            default:
                if s.value < 0x20 {
                    let code = String(s.value, radix: 16, uppercase: true).leftPadded(to: 4)
                    throw fail("control character U+\(code) must be escaped in a JSON string")
                }
                result.append(s)
                advance()
            }
        }
    }

    /// After `\u`: four hex digits, and a second `\uXXXX` for a surrogate pair.
    private mutating func unicodeEscape(at escapeLocation: SourceLocation) throws(SyntaxError) -> Unicode.Scalar {
        let high = try hexQuad(at: escapeLocation)
        if (0xD800...0xDBFF).contains(high) {
            guard peek == "\\", peekNext == "u" else {
                throw SyntaxError(location: escapeLocation, message: "unpaired surrogate in a \\u escape")
            }
            advance()
            advance()
            let low = try hexQuad(at: escapeLocation)
            guard (0xDC00...0xDFFF).contains(low),
                  let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) else {
                throw SyntaxError(location: escapeLocation, message: "unpaired surrogate in a \\u escape")
            }
            return scalar
        }
        guard let scalar = Unicode.Scalar(high) else {
            throw SyntaxError(location: escapeLocation, message: "unpaired surrogate in a \\u escape")
        }
        return scalar
    }

    private mutating func hexQuad(at escapeLocation: SourceLocation) throws(SyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let s = peek, let digit = hexValue(s) else {
                throw SyntaxError(location: escapeLocation, message: "expected four hex digits after \\u")
            }
            value = value * 16 + digit
            advance()
        }
        return value
    }

    private func hexValue(_ s: Unicode.Scalar) -> UInt32? {
        switch s {
        case "0"..."9": return s.value - 48
        case "a"..."f": return s.value - 87
        case "A"..."F": return s.value - 55
        default: return nil
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, returned as written.
    private mutating func number() throws(SyntaxError) -> String {
        let start = location
        var text = String.UnicodeScalarView()
        func take(_ reader: inout JSONReader) {
            if let s = reader.peek { text.append(s) }
            reader.advance()
        }
        func digits(_ reader: inout JSONReader) -> Int {
            var count = 0
            while let s = reader.peek, ("0"..."9").contains(s) {
                take(&reader)
                count += 1
            }
            return count
        }
        if peek == "-" { take(&self) }
        if peek == "0" {
            take(&self)
            if let s = peek, ("0"..."9").contains(s) {
                throw SyntaxError(location: start, message: "leading zeros are not allowed in JSON numbers")
            }
        } else if digits(&self) == 0 {
            throw fail("expected a digit, got \(found)")
        }
        if peek == "." {
            take(&self)
            if digits(&self) == 0 { throw fail("expected a digit after '.', got \(found)") }
        }
        if peek == "e" || peek == "E" {
            take(&self)
            if peek == "+" || peek == "-" { take(&self) }
            if digits(&self) == 0 { throw fail("expected a digit in the exponent, got \(found)") }
        }
        if let s = peek, s.properties.isAlphabetic || s == "." || s == "_" {
            throw fail("unexpected \(found) in a number")
        }
        return String(text)
    }

    // MARK: Scanning

    private var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
    private var peekNext: Unicode.Scalar? { index + 1 < scalars.count ? scalars[index + 1] : nil }
    private var location: SourceLocation { SourceLocation(line: line, column: column) }

    private mutating func advance() {
        guard index < scalars.count else { return }
        let s = scalars[index]
        index += 1
        if s == "\n" || (s == "\r" && peek != "\n") {
            line += 1
            column = 1
        } else if s != "\r" {
            column += 1
        }
    }

    private mutating func skipWhitespace() {
        while let s = peek, s == " " || s == "\t" || s == "\n" || s == "\r" { advance() }
    }

    /// A run of letters, digits and `_.-+`, for messages about bare words.
    private mutating func word() -> String {
        var text = String.UnicodeScalarView()
        while let s = peek, s.properties.isAlphabetic || ("0"..."9").contains(s) || "_.-+".unicodeScalars.contains(s) {
            text.append(s)
            advance()
        }
        return String(text)
    }

    /// The next character as a message shows it.
    private var found: String {
        guard let s = peek else { return "the end of the file" }
        switch s {
        case "\n", "\r": return "the end of the line"
        case "'": return "\"'\""
        default: return "'\(s)'"
        }
    }

    /// Extra advice for the usual YAML-isms in a JSON file.
    private var hint: String {
        switch peek {
        case "/", "#": return " (JSON has no comments)"
        case "'": return " (JSON strings use double quotes)"
        case let s? where s.properties.isAlphabetic: return " (text must be in double quotes)"
        default: return ""
        }
    }

    private func fail(_ message: String) -> SyntaxError {
        SyntaxError(location: location, message: message)
    }
}
