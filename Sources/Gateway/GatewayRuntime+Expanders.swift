import Logging
import Profiles
import SensorDrivers
import SensorgateCore

extension GatewayRuntime {
    /// Sets up every expander (blocking: the gateway is starting) with the directions,
    /// pull-ups and initial outputs of the lines the profile takes on it, and requests
    /// its interrupt line. Lines no input or output uses stay inputs, as at power-on.
    func startExpanders() throws(GatewayError) {
        for spec in profile.expanders {
            guard let part = Self.part(spec.driver) else { continue }
            let configuration = Self.portConfiguration(for: spec, in: profile)
            let bus: any I2CBus
            do {
                bus = try hardware.bus(spec.bus)
            } catch {
                throw GatewayError("expander '\(spec.id)': \(error)")
            }
            let port = ExpanderPort(spec: spec, part: part, bus: bus, configuration: configuration)
            do {
                try port.open()
            } catch {
                throw GatewayError("expander '\(spec.id)': setting up the \(spec.driver.rawValue) failed: \(error)")
            }
            port.onTrouble = { [unowned self] message, recovered in
                loop.execute { self.expanderTrouble(message, recovered: recovered) }
            }
            expanders.append(port)
            busWorker(spec.bus).attend(port)
            if let interrupt = spec.interrupt { try requestInterrupt(interrupt, for: port) }
        }
    }

    /// After a reload stopped what it stops: each GPIO expander's lines as `profile` takes
    /// them (see ``ExpanderPort/reconfigure(_:fresh:)``); `starting`, the outputs whose
    /// `initial` level applies.
    func reconfigureExpanders(starting: Set<String>) {
        for port in expanders {
            var fresh: UInt16 = 0
            for output in profile.outputs where output.gpio.expander == port.spec.id && starting.contains(output.id) {
                if case .offset(let offset) = output.gpio.line { fresh |= 1 << offset }
            }
            port.reconfigure(Self.portConfiguration(for: port.spec, in: profile), fresh: fresh)
        }
    }

    /// The GPIO expander part of a driver; nil for a PWM controller.
    static func part(_ driver: ExpanderSpec.Driver) -> (any GPIOExpanderPart)? {
        switch driver {
        case .mcp23017: return MCP23017()
        case .pcf8574: return PCF857x(model: .pcf8574)
        case .pcf8575: return PCF857x(model: .pcf8575)
        case .pca9685: return nil // a PWM controller: see PWMController
        }
    }

    /// Directions from the profile's inputs and outputs on the expander, pull-ups for
    /// `bias: pull-up`, each output's `initial` level in the latch (physical: active-low applied).
    static func portConfiguration(for spec: ExpanderSpec, in profile: Profile) -> ExpanderPortConfiguration {
        let all = spec.driver.lineCount == 16 ? UInt16.max : UInt16(0x00FF)
        var configuration = ExpanderPortConfiguration(inputs: all, interrupt: spec.interrupt != nil)
        for input in profile.inputs where input.gpio.expander == spec.id {
            guard case .offset(let offset) = input.gpio.line else { continue }
            if input.gpio.bias == .pullUp { configuration.pullUps |= 1 << offset }
        }
        for output in profile.outputs where output.gpio.expander == spec.id {
            guard case .offset(let offset) = output.gpio.line else { continue }
            configuration.inputs &= ~(1 << offset)
            if output.initial != output.gpio.activeLow { configuration.latch |= 1 << offset }
        }
        return configuration
    }

    /// The part's INT on a kernel GPIO input: open drain and active low, so a pull-up and
    /// falling edges; a falling edge wakes the expander's worker with its kernel timestamp.
    private func requestInterrupt(_ line: GPIOLineSpec, for port: ExpanderPort) throws(GatewayError) {
        let id = port.spec.id
        let (chip, offset) = try resolve(line, id: id)
        let request: any GPIOLineRequest
        do {
            request = try chip.request([LineConfig(offset: offset, direction: .input(edge: .falling, bias: .pullUp))],
                                       consumer: "sensorgate:\(id):int")
        } catch {
            throw GatewayError("expander '\(id)': cannot request its interrupt line \(chip.name) line \(offset): \(error)")
        }
        port.interruptRequest = request
        var events: [EdgeEvent] = []
        do {
            try loop.register(fd: request.fileDescriptor, interest: .readable) { [unowned self, unowned port] _ in
                events.removeAll(keepingCapacity: true)
                do {
                    _ = try request.readEdgeEvents(into: &events)
                } catch {
                    logger.error("expander '\(id)': reading its interrupt line failed: \(error)")
                    return
                }
                if let first = events.first(where: { $0.kind == .falling }) { port.interrupted(at: first.timestamp) }
            }
        } catch {
            throw GatewayError("expander '\(id)': \(error)")
        }
    }

    /// Loop thread: an expander stopped answering (published on `<prefix>/error`), or answers again.
    func expanderTrouble(_ message: String, recovered: Bool) {
        guard !shuttingDown else { return }
        if recovered {
            logger.info("\(message)")
        } else {
            logger.warning("\(message)")
            publishFault(message)
        }
    }

    func releaseExpanderLines() {
        for port in expanders {
            guard let request = port.interruptRequest else { continue }
            loop.unregister(fd: request.fileDescriptor)
            request.release()
            port.interruptRequest = nil
        }
    }
}
