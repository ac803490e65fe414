import SensorgateCore

/// What a PWM output's `set` payload asks for: a duty cycle or a pulse width. Whether
/// the controller's period and the output's `pulse_range` allow it is
/// ``PWMOutputSpec/duty(of:period:)``'s to say.
public enum PWMCommand: Equatable, Sendable {
    case set(PWMOutputSpec.Level)
    case invalid(String)

    public static let expected = "expected a duty cycle such as 42.5 or 42.5%, a pulse width such as 1500us or 1.5ms, on (100 %), off (0 %), {\"duty\": 42.5} or {\"pulse\": \"1.5ms\"}"

    /// `42.5`, `42.5%`, `1.5ms`, `1500us`, `on`, `off` (blanks around ignored), or a JSON
    /// object `{"duty": 42.5}` / `{"pulse": "1.5ms"}`.
    public static func parse(_ text: String) -> PWMCommand {
        let trimmed = text.trimmingWhitespace()
        if trimmed.hasPrefix("{") { return parseObject(trimmed) }
        switch trimmed.lowercased() {
        case "": return .invalid("empty command; \(expected)")
        case "on": return .set(.duty(100))
        case "off": return .set(.duty(0))
        default: break
        }
        if let level = level(trimmed) { return level }
        return .invalid("unknown command '\(LogText.escaped(trimmed))'; \(expected)")
    }

    /// A number with an optional `%` is a duty cycle; a number with a time unit a pulse.
    private static func level(_ text: String) -> PWMCommand? {
        var number = Substring(text)
        if number.hasSuffix("%") { number = number.dropLast() }
        if let value = NumberSyntax.decimal(String(number).trimmingWhitespace()) { return duty(value) }
        if let pulse = try? DurationSyntax.parse(text) { return .set(.pulse(pulse)) }
        return nil
    }

    private static func duty(_ value: Double) -> PWMCommand {
        guard value.isFinite, (0...100).contains(value) else {
            return .invalid("a duty cycle is 0 to 100 %, got \(Validator.format(value))")
        }
        return .set(.duty(value))
    }

    private static func parseObject(_ text: String) -> PWMCommand {
        let object: CommandObject
        switch CommandObject.parse(text) {
        case .success(let parsed): object = parsed
        case .failure(let error): return .invalid("invalid JSON command: \(LogText.escaped(error.message))")
        }
        let keys = object.members.keys.sorted()
        guard keys == ["duty"] || keys == ["pulse"] else {
            return .invalid("a JSON PWM command has one key, duty or pulse, got \(keys.isEmpty ? "none" : keys.map { "'\(LogText.escaped($0))'" }.joined(separator: ", "))")
        }
        if let member = object.members["duty"] {
            guard !member.isString, let value = NumberSyntax.decimal(member.text) else {
                return .invalid("\"duty\" must be a number from 0 to 100, got '\(LogText.escaped(member.text))'")
            }
            return duty(value)
        }
        guard let member = object.members["pulse"], member.isString, let pulse = try? DurationSyntax.parse(member.text) else {
            return .invalid("\"pulse\" must be a duration such as \"1.5ms\", got '\(LogText.escaped(object.members["pulse"]?.text ?? ""))'")
        }
        return .set(.pulse(pulse))
    }
}
