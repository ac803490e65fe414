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
        let target: Bool
        switch OutputCommand.parse(text) {
        case .set(let value): target = value
        case .toggle: target = !output.value
        case .invalid(let reason):
            rejectCommand(topic: topic, payload: text, reason)
            return
        }
        do {
            try output.request.setValue(target, offset: output.offset)
        } catch {
            rejectCommand(topic: topic, payload: text, "output '\(output.spec.id)': \(error)")
            return
        }
        output.value = target
        publishOutput(output, at: loop.now())
    }

    private func publishOutput(_ output: OutputLine, at time: Timestamp) {
        let payload = encoder.state(.bool(output.value), unit: nil, utc: utcNanoseconds(time), seq: sequence.next())
        publish(topic: output.topic, payload: payload, qos: Int32(profile.mqtt.qos.rawValue), retain: true)
    }

    private func rejectCommand(topic: String, payload: String, _ reason: String) {
        logger.warning("rejected command on \(topic): \(reason)")
        let shown = payload.count > 200 ? String(payload.prefix(200)) + "…" : payload
        let message = encoder.error(message: reason, topic: topic, payload: shown, utc: utcNanoseconds(loop.now()),
                                    seq: sequence.next())
        publish(topic: topics.error, payload: message, qos: 1, retain: false)
    }
}

/// What an output's `set` payload asks for.
enum OutputCommand: Equatable {
    case set(Bool)
    case toggle
    case invalid(String)

    /// `on`/`off`, `true`/`false`, `1`/`0`, `toggle` (any case, surrounding blanks ignored).
    static func parse(_ text: String) -> OutputCommand {
        switch text.trimmingWhitespace().lowercased() {
        case "on", "true", "1": return .set(true)
        case "off", "false", "0": return .set(false)
        case "toggle": return .toggle
        case "": return .invalid("empty command; expected on, off, true, false, 1, 0 or toggle")
        default:
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            return .invalid("unknown command '\(shown)'; expected on, off, true, false, 1, 0 or toggle")
        }
    }
}
