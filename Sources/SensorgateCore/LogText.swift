/// Text that came from outside the gateway (command payloads, topic names, profile
/// strings, broker messages), made safe to put into one log line or an error message.
///
/// Escaping: a backslash becomes `\\`; newline, carriage return and tab become `\n`,
/// `\r`, `\t`; every other control character (U+0000-U+001F, U+007F-U+009F), the line
/// and paragraph separators (U+2028, U+2029) and the invisible format characters
/// (bidirectional overrides, zero-width marks) become `\u{1b}` with lowercase hex.
/// So a payload can neither end a log line and start a forged one, nor send terminal
/// escape sequences to whoever reads stderr, nor reorder what a reader sees.
///
/// Truncation: at most `limit` Unicode scalars of the escaped text are kept (an escape
/// counts by its length), then `... (N bytes)` with the size of the whole original, so
/// a message about a large payload stays small and says how large the payload was.
public enum LogText {
    /// The documented length of anything from outside in a log line or an error message.
    public static let limit = 200

    public static func escaped(_ text: some StringProtocol, limit: Int = LogText.limit) -> String {
        escape(text.unicodeScalars, limit: limit, totalBytes: text.utf8.count, complete: true)
    }

    /// Escapes UTF-8 bytes (invalid sequences shown as U+FFFD) while decoding only the
    /// prefix that can appear, so a large payload is never copied whole for a message.
    /// `totalBytes` is the size of the whole text when `bytes` are only its beginning.
    public static func escaped<Bytes: Collection<UInt8>>(utf8 bytes: Bytes, totalBytes: Int? = nil,
                                                         limit: Int = LogText.limit) -> String {
        let total = max(totalBytes ?? bytes.count, bytes.count)
        // Every scalar takes at most four bytes, so this prefix holds more scalars than fit.
        let needed = 4 * (max(limit, 0) + 1)
        let prefix = bytes.prefix(needed)
        let decoded = String(decoding: prefix, as: UTF8.self)
        return escape(decoded.unicodeScalars, limit: limit, totalBytes: total, complete: prefix.count == total)
    }

    private static func escape<Scalars: Sequence<Unicode.Scalar>>(
        _ scalars: Scalars, limit: Int, totalBytes: Int, complete: Bool
    ) -> String {
        var result = ""
        result.reserveCapacity(min(totalBytes, limit) + 24)
        var written = 0
        for scalar in scalars {
            let replacement = escape(scalar)
            let width = replacement?.unicodeScalars.count ?? 1
            if written + width > limit {
                return result + marker(totalBytes)
            }
            if let replacement { result += replacement } else { result.unicodeScalars.append(scalar) }
            written += width
        }
        return complete ? result : result + marker(totalBytes)
    }

    private static func marker(_ totalBytes: Int) -> String { "... (\(totalBytes) bytes)" }

    /// The escape for one scalar; nil when it stands for itself.
    private static func escape(_ scalar: Unicode.Scalar) -> String? {
        switch scalar {
        case "\\": return "\\\\"
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default: break
        }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator:
            return "\\u{\(String(scalar.value, radix: 16))}"
        default:
            return nil
        }
    }
}
