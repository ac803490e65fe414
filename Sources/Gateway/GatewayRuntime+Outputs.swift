import Logging
import MQTT
import Profiles
import SensorgateCore

/// A GPIO output and its request.
final class OutputLine {
    let spec: OutputSpec
    let offset: UInt32
    let request: any GPIOLineRequest
    let topic: String
    var value: Bool
    /// Ends a pulse: sets `pulseReturn` back when it fires.
    var pulseTimer = DeadlineTimer()
    var pulseReturn: Bool?

    init(spec: OutputSpec, offset: UInt32, request: any GPIOLineRequest, topic: String, value: Bool) {
        self.spec = spec
        self.offset = offset
        self.request = request
        self.topic = topic
        self.value = value
    }
}

extension GatewayRuntime {
    func startOutputs() throws(GatewayError) {
        let now = loop.now()
        for spec in profile.outputs {
            let (chip, offset) = try resolve(spec.gpio, id: spec.id)
            let config = LineConfig(offset: offset, direction: .output(initial: spec.initial), activeLow: spec.gpio.activeLow)
            let request: any GPIOLineRequest
            do {
                request = try chip.request([config], consumer: "sensorgate:\(spec.id)")
            } catch {
                throw GatewayError("output '\(spec.id)': cannot request \(chip.name) line \(offset): \(error)")
            }
            let output = OutputLine(spec: spec, offset: offset, request: request, topic: topics.state(spec.id), value: spec.initial)
            outputs.append(output)
            publishOutput(output, at: now)
        }
    }

    func stopOutputs() {
        for output in outputs where output.value != output.spec.safe {
            do {
                try output.request.setValue(output.spec.safe, offset: output.offset)
                output.value = output.spec.safe
                publishOutput(output, at: loop.now())
            } catch {
                logger.error("output '\(output.spec.id)': cannot set its safe value: \(error)")
            }
        }
    }

    /// A message on `<prefix>/+/set`.
    func received(topic: String, payload: [UInt8]) {
        let text = String(decoding: payload, as: UTF8.self)
        guard let output = outputs.first(where: { topics.command($0.spec.id) == topic }) else {
            rejectCommand(topic: topic, payload: text, "no output has the command topic '\(topic)'")
            return
        }
        let command = OutputCommand.parse(text)
        // A new command ends a pulse under way; a pulse during a pulse returns to the
        // level from before the first one.
        let before = output.pulseReturn ?? output.value
        let target: Bool
        var pulse: Interval?
        switch command {
        case .set(let value): target = value
        case .toggle: target = !output.value
        case .pulse(let value, let duration):
            target = value
            pulse = duration
        case .invalid(let reason):
            rejectCommand(topic: topic, payload: text, reason)
            return
        }
        guard drive(output, to: target, topic: topic, payload: text) else { return }
        output.pulseTimer.arm(nil, on: loop) {}
        output.pulseReturn = nil
        if let pulse {
            output.pulseReturn = before
            output.pulseTimer.arm(loop.now() + pulse, on: loop) { [unowned self, unowned output] in
                output.pulseTimer.fired()
                guard let back = output.pulseReturn else { return }
                output.pulseReturn = nil
                _ = drive(output, to: back, topic: topic, payload: text)
            }
        }
    }

    /// Sets the line and publishes the new state; on failure reports it on `<prefix>/error`.
    private func drive(_ output: OutputLine, to value: Bool, topic: String, payload: String) -> Bool {
        do {
            try output.request.setValue(value, offset: output.offset)
        } catch {
            rejectCommand(topic: topic, payload: payload, "output '\(output.spec.id)': \(error)")
            return false
        }
        output.value = value
        publishOutput(output, at: loop.now())
        return true
    }

    private func publishOutput(_ output: OutputLine, at time: Timestamp) {
        guard let seq = sequence.next() else { return }
        let payload = encoder.state(.bool(output.value), unit: nil, utc: utcNanoseconds(time), seq: seq)
        publish(topic: output.topic, payload: payload, qos: Int32(profile.mqtt.qos.rawValue), retain: true)
    }

    private func rejectCommand(topic: String, payload: String, _ reason: String) {
        logger.warning("rejected command on \(topic): \(reason)")
        let shown = payload.count > 200 ? String(payload.prefix(200)) + "…" : payload
        guard let seq = sequence.next() else { return }
        let message = encoder.error(message: reason, topic: topic, payload: shown, utc: utcNanoseconds(loop.now()),
                                    seq: seq)
        publish(topic: topics.error, payload: message, qos: 1, retain: false)
    }
}

/// What an output's `set` payload asks for.
enum OutputCommand: Equatable {
    case set(Bool)
    case toggle
    /// Set, then return to the level before after the duration.
    case pulse(Bool, Interval)
    case invalid(String)

    static let expected = "expected on, off, true, false, 1, 0, toggle or {\"value\": true, \"pulse\": \"500ms\"}"
    static let pulseRange = Interval.milliseconds(1)...Interval.seconds(3600)

    /// `on`/`off`, `true`/`false`, `1`/`0`, `toggle` (any case, surrounding blanks ignored),
    /// or a JSON object `{"value": true|false|"on"|"off"|1|0, "pulse": "500ms"}` (`pulse` optional).
    static func parse(_ text: String) -> OutputCommand {
        let trimmed = text.trimmingWhitespace()
        if trimmed.hasPrefix("{") { return parseObject(trimmed) }
        if let level = level(trimmed) { return .set(level) }
        switch trimmed.lowercased() {
        case "toggle": return .toggle
        case "": return .invalid("empty command; \(expected)")
        default:
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            return .invalid("unknown command '\(shown)'; \(expected)")
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
        case .failure(let error): return .invalid("invalid JSON command: \(error)")
        }
        if let unknown = object.members.keys.sorted().first(where: { $0 != "value" && $0 != "pulse" }) {
            return .invalid("unknown key '\(unknown)' in a JSON command; expected value and optionally pulse")
        }
        guard let member = object.members["value"] else {
            return .invalid("a JSON command needs \"value\": true or false")
        }
        guard let value = level(member.text) else {
            return .invalid("\"value\" must be true, false, on, off, 1 or 0, got '\(member.text)'")
        }
        guard let pulseMember = object.members["pulse"] else { return .set(value) }
        guard pulseMember.isString, let duration = try? DurationSyntax.parse(pulseMember.text),
              pulseRange.contains(duration) else {
            return .invalid("\"pulse\" must be a duration from 1ms to 1h such as \"500ms\", got '\(pulseMember.text)'")
        }
        return .pulse(value, duration)
    }
}