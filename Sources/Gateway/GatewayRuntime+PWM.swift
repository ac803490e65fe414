import Logging
import MQTT
import Profiles
import SensorDrivers
import SensorgateCore

/// A PWM output: a channel of a ``PWMController`` and the duty cycle it was last set to.
final class PWMOutput {
    let spec: PWMOutputSpec
    let controller: PWMController
    let topic: String
    var duty: Double

    init(spec: PWMOutputSpec, controller: PWMController, topic: String, duty: Double) {
        self.spec = spec
        self.controller = controller
        self.topic = topic
        self.duty = duty
    }
}

extension GatewayRuntime {
    /// Sets up every PWM controller with its outputs' `initial` settings (validated against
    /// the controller's period, so they are in range).
    func startPWM() throws(GatewayError) {
        for spec in profile.expanders where spec.driver.isPWM {
            let bus: any I2CBus
            do {
                bus = try hardware.bus(spec.bus)
            } catch {
                throw GatewayError("expander '\(spec.id)': \(error)")
            }
            let controller = PWMController(spec: spec, bus: bus)
            var initial: [Int: Int] = [:]
            var outputs: [PWMOutput] = []
            for output in profile.pwmOutputs where output.expander == spec.id {
                let duty: Double
                switch output.duty(of: output.initial, period: controller.period) {
                case .success(let value): duty = value
                case .failure(let error): throw GatewayError("output '\(output.id)': initial: \(error)")
                }
                initial[output.channel] = PCA9685.count(duty: duty)
                outputs.append(PWMOutput(spec: output, controller: controller, topic: topics.state(output.id), duty: duty))
            }
            do {
                try controller.open(initial: initial)
            } catch {
                throw GatewayError("expander '\(spec.id)': setting up the pca9685 failed: \(error)")
            }
            controller.onTrouble = { [unowned self] message, recovered in
                loop.execute { self.expanderTrouble(message, recovered: recovered) }
            }
            pwmControllers.append(controller)
            busWorker(spec.bus).attend(controller)
            pwmOutputs += outputs
        }
        let now = loop.now()
        for output in pwmOutputs { publishPWM(output, at: now) }
    }

    /// A command on a PWM output's `<prefix>/<id>/set`: a duty cycle or a pulse width.
    func received(_ message: IncomingMessage, for output: PWMOutput) {
        let level: PWMOutputSpec.Level
        switch PWMCommand.parse(String(decoding: message.payload, as: UTF8.self)) {
        case .set(let asked): level = asked
        case .invalid(let reason):
            rejectCommand(message, reason)
            return
        }
        switch output.spec.duty(of: level, period: output.controller.period) {
        case .success(let duty):
            drive(output, duty: duty)
            logger.debug("command '\(LogText.escaped(utf8: message.payload, totalBytes: message.size))' on \(LogText.escaped(message.topic)): PWM output '\(output.spec.id)' at \(duty) %")
        case .failure(let error): rejectCommand(message, error.description)
        }
    }

    private func drive(_ output: PWMOutput, duty: Double) {
        output.controller.set(channel: output.spec.channel, count: PCA9685.count(duty: duty))
        output.duty = duty
        publishPWM(output, at: loop.now())
    }

    /// A reload's PWM outputs, on controllers that did not change (a changed expander needs
    /// a restart): a removed output goes to its `safe` setting, an added or changed one to
    /// its `initial`, each in one write (a changed one never passes through `safe`);
    /// unchanged ones are not touched. Returns the removed ones, for their retained state.
    func reloadPWM(_ diff: ProfileDiff) -> [PWMOutput] {
        guard !diff.pwmOutputs.isEmpty else { return [] }
        let removed = pwmOutputs.filter { diff.pwmOutputs.removed.contains($0.spec.id) }
        // A channel an output leaves (removed, or moved to another channel) goes safe.
        let moved = pwmOutputs.filter { output in
            diff.pwmOutputs.changed.contains(output.spec.id)
                && profile.pwmOutputs.first { $0.id == output.spec.id }.map { ($0.expander, $0.channel) != (output.spec.expander, output.spec.channel) } == true
        }
        for output in removed + moved {
            if case .success(let safe) = output.spec.duty(of: output.spec.safe, period: output.controller.period), safe != output.duty {
                output.controller.set(channel: output.spec.channel, count: PCA9685.count(duty: safe))
            }
        }
        let starting = diff.pwmOutputs.starting
        let running = pwmOutputs.filter { !diff.pwmOutputs.stopping.contains($0.spec.id) }
        var started: [PWMOutput] = []
        for spec in profile.pwmOutputs where starting.contains(spec.id) {
            guard let controller = pwmControllers.first(where: { $0.spec.id == spec.expander }),
                  case .success(let duty) = spec.duty(of: spec.initial, period: controller.period) else {
                // Validated against the same controller's period: only a profile built by hand gets here.
                logger.error("reload: PWM output '\(spec.id)': its expander or initial setting is not usable; not started")
                continue
            }
            controller.set(channel: spec.channel, count: PCA9685.count(duty: duty))
            started.append(PWMOutput(spec: spec, controller: controller, topic: topics.state(spec.id), duty: duty))
        }
        let order = Dictionary(profile.pwmOutputs.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        pwmOutputs = (running + started).sorted { (order[$0.spec.id] ?? 0) < (order[$1.spec.id] ?? 0) }
        let now = loop.now()
        for output in started { publishPWM(output, at: now) }
        return removed
    }

    /// At shutdown: every PWM output to its `safe` setting, written before the bus workers stop.
    func stopPWM() {
        for output in pwmOutputs {
            guard case .success(let safe) = output.spec.duty(of: output.spec.safe, period: output.controller.period),
                  safe != output.duty else { continue }
            drive(output, duty: safe)
        }
    }

    /// `{"value": 7.5, "unit": "%", ...}`, retained like the other outputs' states.
    private func publishPWM(_ output: PWMOutput, at time: Timestamp) {
        guard let seq = sequence.next() else { return }
        let duty = (output.duty * 1000).rounded() / 1000
        let payload = encoder.state(.number(duty), unit: "%", utc: utcNanoseconds(time), seq: seq)
        publish(topic: output.topic, payload: payload, qos: Int32(profile.mqtt.qos.rawValue), retain: true)
    }
}
