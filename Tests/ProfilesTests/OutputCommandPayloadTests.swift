import Profiles
import SensorgateCore
import Testing

/// The commands Home Assistant and zigbee2mqtt send to a switch, and an output's own
/// on/off strings.
@Suite("Output commands from Home Assistant and zigbee2mqtt")
struct OutputCommandPayloadTests {
    static let acceptedCases: [(String, OutputCommand)] = [
        ("ON", OutputCommand.set(true)), ("OFF", .set(false)), (" on ", .set(true)),
        (#"{"state": "ON"}"#, .set(true)), (#"{"state":"OFF"}"#, .set(false)), (#"{"state": "off"}"#, .set(false)),
        (#"{"state": true}"#, .set(true)), (#"{"state": "TOGGLE"}"#, .toggle),
        (#"{"state": "ON", "pulse": "2s"}"#, .pulse(true, .seconds(2))),
        (#"{"value": "on"}"#, .set(true)),
    ]

    @Test("ON/OFF and {\"state\": ...} in any case", arguments: acceptedCases)
    func accepted(_ text: String, _ expected: OutputCommand) {
        #expect(OutputCommand.parse(text) == expected)
    }

    @Test("an output's payload strings are commands too, any case, before the words")
    func mapping() {
        #expect(OutputCommand.parse("running", payloadOn: "running", payloadOff: "stopped") == .set(true))
        #expect(OutputCommand.parse("STOPPED", payloadOn: "running", payloadOff: "stopped") == .set(false))
        #expect(OutputCommand.parse(#"{"state": "Running"}"#, payloadOn: "running", payloadOff: "stopped") == .set(true))
        #expect(OutputCommand.parse("ON", payloadOn: "running", payloadOff: "stopped") == .set(true))
        // Without the mapping, the strings mean nothing.
        guard case .invalid(let reason) = OutputCommand.parse("running") else {
            Issue.record("'running' was accepted without a mapping")
            return
        }
        #expect(reason.contains("unknown command 'running'"))
        guard case .invalid(let named) = OutputCommand.parse("maybe", payloadOn: "running", payloadOff: "stopped") else {
            Issue.record("'maybe' was accepted")
            return
        }
        #expect(named.contains("'running' / 'stopped'"), "\(named)")
    }

    static let refusedCases: [(String, String)] = [
        (#"{"state": "ON", "value": true}"#, "either \"value\" or \"state\", not both"),
        (#"{"state": "maybe"}"#, "\"state\" must be true, false, on, off, 1 or 0 (or toggle), got 'maybe'"),
        (#"{"value": "toggle"}"#, "\"value\" must be true, false, on, off, 1 or 0, got 'toggle'"),
        (#"{"state": "TOGGLE", "pulse": "1s"}"#, "\"state\" must be"),
        (#"{"brightness": 10}"#, "unknown key 'brightness'"),
        ("{}", "needs \"value\": true or false, or \"state\": \"ON\" or \"OFF\""),
    ]

    @Test("refused with the reason", arguments: refusedCases)
    func refused(_ text: String, _ fragment: String) {
        guard case .invalid(let reason) = OutputCommand.parse(text) else {
            Issue.record("\(text) was accepted")
            return
        }
        #expect(reason.contains(fragment), "\(reason)")
    }
}
