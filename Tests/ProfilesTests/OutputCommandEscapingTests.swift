import Profiles
import SensorgateCore
import Testing

/// Reasons quote the payload escaped and shortened, so no command can forge a log line
/// or make its own error message large.
@Suite("Output commands: quoted payloads")
struct OutputCommandEscapingTests {
    private func reason(_ text: String) -> String? {
        guard case .invalid(let message) = OutputCommand.parse(text) else { return nil }
        return message
    }

    @Test("a newline and terminal escapes in a command are escaped in the reason", arguments: [
        "bogus\n2026-12-01T09:00:00+0000 critical sensorgate : forged\u{1b}[2K",
        #"{"value": "maybe\n2026-12-01T09:00:00+0000 critical sensorgate : forged\u001b[2K"}"#,
        #"{"value": true, "pulse": "1s\n2026-12-01T09:00:00+0000 critical sensorgate : forged"}"#,
        "{\"value\": true, \"col\nour\": 1}",
    ])
    func escaped(text: String) throws {
        let message = try #require(reason(text))
        #expect(!message.contains("\n") && !message.contains("\u{1b}"), "\(message)")
    }

    @Test("a 1 MB invalid pulse gives a reason of bounded length that names the size")
    func largePulse() throws {
        let pulse = String(repeating: "9", count: 1 << 20)
        let message = try #require(reason(#"{"value": true, "pulse": "\#(pulse)"}"#))
        #expect(message.utf8.count < 2 * LogText.limit + 100, "\(message.utf8.count) bytes")
        #expect(message.contains("... (1048576 bytes)"), "\(message.suffix(80))")
    }

    @Test("a large unknown word or key is shortened too")
    func largeWord() throws {
        let word = String(repeating: "w", count: 100_000)
        #expect(try #require(reason(word)).utf8.count < 2 * LogText.limit + 120)
        #expect(try #require(reason(#"{"\#(word)": 1, "value": true}"#)).utf8.count < 2 * LogText.limit + 120)
        #expect(try #require(reason(#"{"value": \#(word)}"#)).utf8.count < 2 * LogText.limit + 120)
    }
}
