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
        // A pulse under way must not end after `offline` and move the line off its safe value.
        for output in outputs {
            output.pulseTimer.arm(nil, on: loop) {}
            output.pulseReturn = nil
        }
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
    ///
    /// The payload and the topic come from whoever can publish to the broker: every
    /// message about them quotes them through ``LogText`` (escaped, shortened), and a
    /// payload longer than ``OutputCommand/maxBytes`` is refused before it is decoded,
    /// so a large command is held once (as received) and never copied for a message.
    func received(topic: String, payload: [UInt8]) {
        // While stopping, outputs are at their safe values and `offline` is on its way:
        // a command is neither acted on nor answered (not even on `<prefix>/error`).
        guard !shuttingDown else {
            logger.debug("ignored a command on \(LogText.escaped(topic)): stopping")
            return
        }
        guard let output = outputs.first(where: { topics.command($0.spec.id) == topic }) else {
            rejectCommand(topic: topic, payload: payload, "no output has the command topic '\(LogText.escaped(topic))'")
            return
        }
        guard payload.count <= OutputCommand.maxBytes else {
            rejectCommand(topic: topic, payload: payload,
                          "a command has at most \(OutputCommand.maxBytes) bytes, got \(payload.count); \(OutputCommand.expected)")
            return
        }
        let command = OutputCommand.parse(String(decoding: payload, as: UTF8.self))
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
            rejectCommand(topic: topic, payload: payload, reason)
            return
        }
        guard drive(output, to: target, topic: topic, payload: payload) else { return }
        output.pulseTimer.arm(nil, on: loop) {}
        output.pulseReturn = nil
        if let pulse {
            output.pulseReturn = before
            output.pulseTimer.arm(loop.now() + pulse, on: loop) { [unowned self, unowned output] in
                output.pulseTimer.fired()
                guard let back = output.pulseReturn else { return }
                output.pulseReturn = nil
                _ = drive(output, to: back, topic: topic, payload: payload)
            }
        }
    }

    /// Sets the line and publishes the new state; on failure reports it on `<prefix>/error`.
    private func drive(_ output: OutputLine, to value: Bool, topic: String, payload: [UInt8]) -> Bool {
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

    /// Logs and publishes a refusal. `reason` quotes outside text only through ``LogText``;
    /// the topic and payload are escaped and shortened here, also in the published echo,
    /// so a subscriber that logs `<prefix>/error` is as safe as the gateway's own log.
    private func rejectCommand(topic: String, payload: [UInt8], _ reason: String) {
        let shownTopic = LogText.escaped(topic)
        logger.warning("rejected command on \(shownTopic): \(reason)")
        guard let seq = sequence.next() else { return }
        let message = encoder.error(message: reason, topic: shownTopic, payload: LogText.escaped(utf8: payload),
                                    utc: utcNanoseconds(loop.now()), seq: seq)
        publish(topic: topics.error, payload: message, qos: 1, retain: false)
    }
}
