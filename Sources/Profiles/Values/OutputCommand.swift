import SensorgateCore

/// What an output's `set` payload asks for.
public enum OutputCommand: Equatable, Sendable {
    case set(Bool)
    case toggle
    /// Set, then return to the level before after the duration.
    case pulse(Bool, Interval)
    case invalid(String)

    public static let expected = "expected on, off, true, false, 1, 0, toggle, {\"state\": \"ON\"} or {\"value\": true, \"pulse\": \"500ms\"}"
    public static let pulseRange = Interval.milliseconds(1)...Interval.seconds(3600)
    /// The longest command payload read: the longest valid command is under 60 bytes, so
    /// this leaves room for blanks while a flood of large payloads costs nothing to refuse.
    public static let maxBytes = 1024

    /// `on`/`off`, `true`/`false`, `1`/`0`, `toggle` (any case, surrounding blanks ignored),
    /// the output's own `payload` strings (`payloadOn`, `payloadOff`, any case), or a JSON
    /// object: `{"value": true|false|"on"|"off"|1|0, "pulse": "500ms"}` (`pulse` optional),
    /// or Home Assistant's and zigbee2mqtt's `{"state": "ON"|"OFF"|"TOGGLE"}`.
    public static func parse(_ text: String, payloadOn: String? = nil, payloadOff: String? = nil) -> OutputCommand {
        let trimmed = text.trimmingWhitespace()
        if trimmed.hasPrefix("{") { return parseObject(trimmed, payloadOn: payloadOn, payloadOff: payloadOff) }
        if let level = level(trimmed, payloadOn: payloadOn, payloadOff: payloadOff) { return .set(level) }
        switch trimmed.lowercased() {
        case "toggle": return .toggle
        case "": return .invalid("empty command; \(expected(payloadOn, payloadOff))")
        default:
            return .invalid("unknown command '\(LogText.escaped(trimmed))'; \(expected(payloadOn, payloadOff))")
        }
    }

    /// What a command may be, with the output's own strings when it has them.
    static func expected(_ payloadOn: String?, _ payloadOff: String?) -> String {
        guard let payloadOn, let payloadOff else { return expected }
        return expected + " or the output's payload '\(LogText.escaped(payloadOn))' / '\(LogText.escaped(payloadOff))'"
    }

    private static func level(_ text: String, payloadOn: String?, payloadOff: String?) -> Bool? {
        let lowered = text.lowercased()
        if let payloadOn, lowered == payloadOn.lowercased() { return true }
        if let payloadOff, lowered == payloadOff.lowercased() { return false }
        switch lowered {
        case "on", "true", "1": return true
        case "off", "false", "0": return false
        default: return nil
        }
    }

    private static func parseObject(_ text: String, payloadOn: String?, payloadOff: String?) -> OutputCommand {
        let object: CommandObject
        switch CommandObject.parse(text) {
        case .success(let parsed): object = parsed
        case .failure(let error): return .invalid("invalid JSON command: \(LogText.escaped(error.message))")
        }
        if let unknown = object.members.keys.sorted().first(where: { !["value", "state", "pulse"].contains($0) }) {
            return .invalid("unknown key '\(LogText.escaped(unknown))' in a JSON command; expected value or state, and optionally pulse")
        }
        let key: String
        switch (object.members["value"], object.members["state"]) {
        case (nil, nil): return .invalid("a JSON command needs \"value\": true or false, or \"state\": \"ON\" or \"OFF\"")
        case (.some, .some): return .invalid("a JSON command has either \"value\" or \"state\", not both")
        case (.some, nil): key = "value"
        case (nil, .some): key = "state"
        }
        guard let member = object.members[key] else { return .invalid("a JSON command needs \"\(key)\"") }
        let value: Bool
        if let level = level(member.text, payloadOn: payloadOn, payloadOff: payloadOff) {
            value = level
        } else if key == "state", member.text.lowercased() == "toggle", object.members["pulse"] == nil {
            return .toggle
        } else {
            return .invalid("\"\(key)\" must be true, false, on, off, 1 or 0\(key == "state" ? " (or toggle)" : ""), got '\(LogText.escaped(member.text))'")
        }
        guard let pulseMember = object.members["pulse"] else { return .set(value) }
        guard pulseMember.isString, let duration = try? DurationSyntax.parse(pulseMember.text),
              pulseRange.contains(duration) else {
            return .invalid("\"pulse\" must be a duration from 1ms to 1h such as \"500ms\", got '\(LogText.escaped(pulseMember.text))'")
        }
        return .pulse(value, duration)
    }
}
