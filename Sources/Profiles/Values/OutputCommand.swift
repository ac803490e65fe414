import SensorgateCore

/// What an output's `set` payload asks for.
public enum OutputCommand: Equatable, Sendable {
    case set(Bool)
    case toggle
    /// Set, then return to the level before after the duration.
    case pulse(Bool, Interval)
    case invalid(String)

    public static let expected = "expected on, off, true, false, 1, 0, toggle or {\"value\": true, \"pulse\": \"500ms\"}"
    public static let pulseRange = Interval.milliseconds(1)...Interval.seconds(3600)
    /// The longest command payload read: the longest valid command is under 60 bytes, so
    /// this leaves room for blanks while a flood of large payloads costs nothing to refuse.
    public static let maxBytes = 1024

    /// `on`/`off`, `true`/`false`, `1`/`0`, `toggle` (any case, surrounding blanks ignored),
    /// or a JSON object `{"value": true|false|"on"|"off"|1|0, "pulse": "500ms"}` (`pulse` optional).
    public static func parse(_ text: String) -> OutputCommand {
        let trimmed = text.trimmingWhitespace()
        if trimmed.hasPrefix("{") { return parseObject(trimmed) }
        if let level = level(trimmed) { return .set(level) }
        switch trimmed.lowercased() {
        case "toggle": return .toggle
        case "": return .invalid("empty command; \(expected)")
        default:
            return .invalid("unknown command '\(LogText.escaped(trimmed))'; \(expected)")
        }
    }

    private static func level(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "on", "true", "1": return true
        case "off", "false", "0": return false
        default: return nil
        }
    }

    private static func parseObject(_ text: String) -> OutputCommand {
        let object: CommandObject
        switch CommandObject.parse(text) {
        case .success(let parsed): object = parsed
        case .failure(let error): return .invalid("invalid JSON command: \(LogText.escaped(error.message))")
        }
        if let unknown = object.members.keys.sorted().first(where: { $0 != "value" && $0 != "pulse" }) {
            return .invalid("unknown key '\(LogText.escaped(unknown))' in a JSON command; expected value and optionally pulse")
        }
        guard let member = object.members["value"] else {
            return .invalid("a JSON command needs \"value\": true or false")
        }
        guard let value = level(member.text) else {
            return .invalid("\"value\" must be true, false, on, off, 1 or 0, got '\(LogText.escaped(member.text))'")
        }
        guard let pulseMember = object.members["pulse"] else { return .set(value) }
        guard pulseMember.isString, let duration = try? DurationSyntax.parse(pulseMember.text),
              pulseRange.contains(duration) else {
            return .invalid("\"pulse\" must be a duration from 1ms to 1h such as \"500ms\", got '\(LogText.escaped(pulseMember.text))'")
        }
        return .pulse(value, duration)
    }
}