import SensorgateCore
import Testing

@Suite("LogText")
struct LogTextTests {
    @Test("plain text, including non-ASCII letters and quotes, stands for itself")
    func plain() {
        #expect(LogText.escaped("fan on") == "fan on")
        #expect(LogText.escaped("21 °C, 'quoted' \"too\" ünïcode 🌡") == "21 °C, 'quoted' \"too\" ünïcode 🌡")
        #expect(LogText.escaped("") == "")
    }

    @Test("line breaks, tabs and the backslash get their short escapes", arguments: [
        ("a\nb", #"a\nb"#), ("a\rb", #"a\rb"#), ("a\tb", #"a\tb"#), (#"a\b"#, #"a\\b"#), (#"\n"#, #"\\n"#),
        ("a\r\nb", #"a\r\nb"#),
    ])
    func shortEscapes(text: String, expected: String) {
        #expect(LogText.escaped(text) == expected)
    }

    @Test("other control, separator and format characters become \\u{hex}", arguments: [
        ("\u{1b}[31mred", #"\u{1b}[31mred"#), ("\u{0}", #"\u{0}"#), ("\u{7f}", #"\u{7f}"#), ("\u{85}", #"\u{85}"#),
        ("a\u{2028}b", #"a\u{2028}b"#), ("a\u{2029}b", #"a\u{2029}b"#), ("\u{202e}txt.exe", #"\u{202e}txt.exe"#),
        ("zero\u{200b}width", #"zero\u{200b}width"#),
    ])
    func controlEscapes(text: String, expected: String) {
        #expect(LogText.escaped(text) == expected)
    }

    @Test("a forged log line stays on the line it was quoted in")
    func forgedLine() {
        let payload = "on\n2026-12-01T09:00:00+0000 critical sensorgate : [Gateway] forged\u{1b}[2K"
        let shown = LogText.escaped(payload)
        #expect(!shown.contains("\n") && !shown.contains("\u{1b}"))
        #expect(shown == #"on\n2026-12-01T09:00:00+0000 critical sensorgate : [Gateway] forged\u{1b}[2K"#)
    }

    @Test("text over the limit is cut and says how large the original was")
    func truncation() {
        let long = String(repeating: "x", count: 1_000_000)
        let shown = LogText.escaped(long)
        #expect(shown == String(repeating: "x", count: LogText.limit) + "... (1000000 bytes)")
        #expect(LogText.escaped(String(repeating: "y", count: LogText.limit)) == String(repeating: "y", count: LogText.limit))
        #expect(LogText.escaped("abcdef", limit: 3) == "abc... (6 bytes)")
        // An escape is never split: it counts by its length and goes whole or not at all.
        #expect(LogText.escaped("ab\u{1b}cd", limit: 5) == "ab... (5 bytes)")
        #expect(LogText.escaped("ab\ncd", limit: 4) == #"ab\n... (5 bytes)"#)
        // The size is in bytes of UTF-8.
        #expect(LogText.escaped("äöü", limit: 1) == "ä... (6 bytes)")
    }

    @Test("bytes: only a prefix is decoded, invalid UTF-8 shows as U+FFFD, the size is of the whole")
    func bytes() {
        #expect(LogText.escaped(utf8: Array("on\n".utf8)) == #"on\n"#)
        #expect(LogText.escaped(utf8: [0x6F, 0xFF, 0x6E]) == "o\u{FFFD}n")
        let large = [UInt8](repeating: 0x41, count: 20_000_000)
        #expect(LogText.escaped(utf8: large) == String(repeating: "A", count: LogText.limit) + "... (20000000 bytes)")
        // A prefix cut inside a multi-byte character still ends in the marker, never in U+FFFD.
        let wide = Array(String(repeating: "€", count: 1_000).utf8)
        let shown = LogText.escaped(utf8: wide, limit: 10)
        #expect(shown == String(repeating: "€", count: 10) + "... (3000 bytes)")
        #expect(LogText.escaped(utf8: Array("abc".utf8), limit: 0) == "... (3 bytes)")
    }
}
