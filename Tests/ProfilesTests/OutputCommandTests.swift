import Profiles
import SensorgateCore
import Testing

@Suite("Output commands")
struct OutputCommandTests {
    @Test("plain words, any case, blanks ignored", arguments: [
        ("on", OutputCommand.set(true)), ("OFF", .set(false)), (" true\n", .set(true)), ("False", .set(false)),
        ("1", .set(true)), ("0", .set(false)), ("Toggle", .toggle),
    ])
    func words(text: String, expected: OutputCommand) {
        #expect(OutputCommand.parse(text) == expected)
    }

    @Test("JSON objects: value with an optional pulse")
    func json() {
        #expect(OutputCommand.parse(#"{"value": true}"#) == .set(true))
        #expect(OutputCommand.parse(#"{"value": "off"}"#) == .set(false))
        #expect(OutputCommand.parse(#"{"value": true, "pulse": "500ms"}"#) == .pulse(true, .milliseconds(500)))
        #expect(OutputCommand.parse(#" {"pulse": "2s", "value": 0} "#) == .pulse(false, .seconds(2)))
    }

    @Test("everything else is rejected with a reason", arguments: [
        ("", "empty command"),
        ("bogus", "unknown command 'bogus'"),
        ("{", "invalid JSON command"),
        (#"{"value": true,}"#, "invalid JSON command"),
        (#"{"pulse": "1s"}"#, "needs \"value\""),
        (#"{"value": "maybe"}"#, "\"value\" must be true"),
        (#"{"value": true, "pulse": 5}"#, "\"pulse\" must be a duration"),
        (#"{"value": true, "pulse": "2h"}"#, "\"pulse\" must be a duration"),
        (#"{"value": true, "colour": "red"}"#, "unknown key 'colour'"),
        (#"{"value": [true]}"#, "must be a string, number or boolean"),
        (#"[true]"#, "unknown command"),
    ])
    func rejected(text: String, reason: String) {
        guard case .invalid(let message) = OutputCommand.parse(text) else {
            Issue.record("'\(text)' was accepted")
            return
        }
        #expect(message.contains(reason), "\(message)")
    }
}
