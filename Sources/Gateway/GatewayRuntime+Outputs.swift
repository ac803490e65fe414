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
    /// Starts `specs` (by default every output of the profile); a reload starts the ones it adds.
    func startOutputs(_ specs: [OutputSpec]? = nil) throws(GatewayError) {
        let now = loop.now()
        for spec in specs ?? profile.outputs {
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
    /// payload longer than ``OutputCommand/maxBytes`` is refused by its size (the MQTT
    /// client copies no more than that), so a large command is held once, by libmosquitto.
    func received(_ message: IncomingMessage) {
        let topic = message.topic
        // While stopping, outputs are at their safe values and `offline` is on its way:
        // a command is neither acted on nor answered (not even on `<prefix>/error`).
        guard !shuttingDown else {
            logger.debug("ignored a command on \(LogText.escaped(topic)): stopping")
            return
        }
        if receivedHomeAssistantStatus(message) { return }
        // An empty payload is how MQTT deletes a retained message (see below): not a command.
        guard message.size > 0 else {
            logger.debug("ignored an empty message on \(LogText.escaped(topic))")
            return
        }
        // A retained command would act at every start, overriding `initial` long after
        // it was sent: only a command published now acts.
        guard !message.retained else {
            ignoreRetainedCommand(message)
            return
        }
        let pwm = pwmOutputs.first { topics.command($0.spec.id) == topic }
        let line = outputs.first { topics.command($0.spec.id) == topic }
        guard pwm != nil || line != nil else {
            rejectCommand(message, "no output has the command topic '\(LogText.escaped(topic))'")
            return
        }
        guard message.size <= OutputCommand.maxBytes, !message.isTruncated else {
            rejectCommand(message,
                          "a command has at most \(OutputCommand.maxBytes) bytes, got \(message.size); \(pwm == nil ? OutputCommand.expected : PWMCommand.expected)")
            return
        }
        if let pwm {
            received(message, for: pwm)
            return
        }
        guard let output = line else { return }
        let command = OutputCommand.parse(String(decoding: message.payload, as: UTF8.self),
                                          payloadOn: output.spec.payloadOn, payloadOff: output.spec.payloadOff)
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
            rejectCommand(message, reason)
            return
        }
        guard drive(output, to: target, for: message) else { return }
        logger.debug("command '\(LogText.escaped(utf8: message.payload, totalBytes: message.size))' on \(LogText.escaped(topic)): output '\(output.spec.id)' \(target ? "on" : "off") (was \(before ? "on" : "off"))\(pulse.map { " for \($0.readableDescription), then back" } ?? "")")
        output.pulseTimer.arm(nil, on: loop) {}
        output.pulseReturn = nil
        if let pulse {
            output.pulseReturn = before
            output.pulseTimer.arm(loop.now() + pulse, on: loop) { [unowned self, unowned output] in
                output.pulseTimer.fired()
                guard let back = output.pulseReturn else { return }
                output.pulseReturn = nil
                if drive(output, to: back, for: message) {
                    logger.debug("output '\(output.spec.id)' back \(back ? "on" : "off") after its pulse")
                }
            }
        }
    }

    /// Sets the line and publishes the new state; on failure reports it on `<prefix>/error`.
    private func drive(_ output: OutputLine, to value: Bool, for message: IncomingMessage) -> Bool {
        do {
            try output.request.setValue(value, offset: output.offset)
        } catch {
            rejectCommand(message, "output '\(output.spec.id)': \(error)")
            return false
        }
        output.value = value
        publishOutput(output, at: loop.now())
        return true
    }

    private func publishOutput(_ output: OutputLine, at time: Timestamp) {
        guard let seq = sequence.next() else { return }
        let payload: [UInt8]
        if let on = output.spec.payloadOn, let off = output.spec.payloadOff {
            payload = encoder.state(text: output.value ? on : off, utc: utcNanoseconds(time), seq: seq)
        } else {
            payload = encoder.state(.bool(output.value), unit: nil, utc: utcNanoseconds(time), seq: seq)
        }
        publish(topic: output.topic, payload: payload, qos: Int32(profile.mqtt.qos.rawValue), retain: true)
    }

    /// Reports a retained command once and deletes it from the broker (an empty retained
    /// message on its topic), so it is not delivered, and reported, at every start. Where
    /// the broker refuses that publish, the command is still ignored at every start.
    private func ignoreRetainedCommand(_ message: IncomingMessage) {
        rejectCommand(message,
                      "ignored a retained command: commands act only when published without retain, so that none overrides `initial` at a later start; the gateway deleted it from the broker")
        publish(topic: message.topic, payload: [], qos: 1, retain: true)
    }

    /// Logs and publishes a refusal. `reason` quotes outside text only through ``LogText``;
    /// the topic and payload are escaped and shortened here, also in the published echo,
    /// so a subscriber that logs `<prefix>/error` is as safe as the gateway's own log.
    func rejectCommand(_ command: IncomingMessage, _ reason: String) {
        let shownTopic = LogText.escaped(command.topic)
        logger.warning("rejected command on \(shownTopic): \(reason)")
        guard let seq = sequence.next() else { return }
        let message = encoder.error(message: reason, topic: shownTopic, payload: LogText.escaped(utf8: command.payload, totalBytes: command.size),
                                    utc: utcNanoseconds(loop.now()), seq: seq)
        publish(topic: topics.error, payload: message, qos: 1, retain: false)
    }
}
