import Logging
import Pipeline
import Profiles
import Runtime
import SensorgateCore

/// A GPIO input: the line request, and either a debouncer (a binary state) or a pulse counter.
final class InputChannel {
    enum Mode {
        case state(Debouncer)
        case count(PulseCounter, lockout: Interval, lastCounted: Timestamp?)
    }

    let spec: InputSpec
    let offset: UInt32
    let request: any GPIOLineRequest
    let topic: String
    var mode: Mode
    var timer = DeadlineTimer()
    var events: [EdgeEvent] = []
    var lost: UInt64 = 0

    init(spec: InputSpec, offset: UInt32, request: any GPIOLineRequest, topic: String, mode: Mode) {
        self.spec = spec
        self.offset = offset
        self.request = request
        self.topic = topic
        self.mode = mode
        events.reserveCapacity(64)
    }

    func release(loop: EventLoop) {
        loop.unregister(fd: request.fileDescriptor)
        request.release()
    }
}

extension GatewayRuntime {
    func startInputs() throws(GatewayError) {
        let now = loop.now()
        for spec in profile.inputs {
            let (chip, offset) = try resolve(spec.gpio, id: spec.id)
            // A binary state follows both edges; a pulse counter asks for the edge it counts
            // (with `both` it counts rising edges).
            let edge: EdgeDetection = spec.count == nil ? .both : spec.gpio.edge
            let config = LineConfig(offset: offset, direction: .input(edge: edge, bias: spec.gpio.bias),
                                    activeLow: spec.gpio.activeLow)
            let request: any GPIOLineRequest
            do {
                request = try chip.request([config], consumer: "sensorgate:\(spec.id)")
            } catch {
                throw GatewayError("input '\(spec.id)': cannot request \(chip.name) line \(offset): \(error)")
            }
            let mode: InputChannel.Mode
            if let count = spec.count {
                var counter = PulseCounter(every: count.every, scale: count.scale, utcOffset: utc.offsetNanoseconds)
                counter.start(at: now)
                mode = .count(counter, lockout: spec.debounce, lastCounted: nil)
            } else {
                var debouncer = Debouncer(period: spec.debounce)
                let level: Bool
                do {
                    level = try request.value(offset: offset)
                } catch {
                    request.release()
                    throw GatewayError("input '\(spec.id)': cannot read \(chip.name) line \(offset): \(error)")
                }
                debouncer.reset(level: level, at: now)
                mode = .state(debouncer)
            }
            let input = InputChannel(spec: spec, offset: offset, request: request, topic: topics.state(spec.id), mode: mode)
            inputs.append(input)
            do {
                try loop.register(fd: request.fileDescriptor, interest: .readable) { [unowned self, unowned input] _ in
                    edgesReady(input)
                }
            } catch {
                throw GatewayError("input '\(spec.id)': \(error)")
            }
            switch input.mode {
            case .state(let debouncer):
                // The initial level, read from the line, is published at start.
                if let level = debouncer.publishedLevel { publishLevel(input, LevelChange(level: level, timestamp: now)) }
            case .count:
                armTimer(input)
            }
        }
    }

    func resolve(_ gpio: GPIOLineSpec, id: String) throws(GatewayError) -> (any GPIOChip, UInt32) {
        let chip: any GPIOChip
        do {
            chip = try hardware.chip(gpio.chip ?? "gpiochip0")
        } catch {
            throw GatewayError("'\(id)': \(error)")
        }
        guard let offset = LineResolver.offset(of: gpio.line, on: chip) else {
            throw GatewayError("'\(id)': \(chip.name) (\(chip.label)) has no line \(gpio.line)")
        }
        return (chip, offset)
    }

    /// The request's descriptor is readable: read every pending edge and feed them in order.
    func edgesReady(_ input: InputChannel) {
        input.events.removeAll(keepingCapacity: true)
        let lost: Int
        do {
            lost = try input.request.readEdgeEvents(into: &input.events)
        } catch {
            logger.error("input '\(input.spec.id)': reading edge events failed: \(error)")
            return
        }
        edgesSeen += UInt64(input.events.count)
        for event in input.events { handle(event, on: input) }
        if lost > 0 {
            input.lost += UInt64(lost)
            edgesLost += UInt64(lost)
            logger.warning("input '\(input.spec.id)': the kernel event queue overflowed, \(lost) edges lost (\(input.lost) in all); re-reading the line")
            resynchronise(input)
        }
        armTimer(input)
    }

    private func handle(_ event: EdgeEvent, on input: InputChannel) {
        switch input.mode {
        case .state(var debouncer):
            let change = debouncer.edge(to: event.kind.levelAfter, at: event.timestamp)
            input.mode = .state(debouncer)
            if let change { publishLevel(input, change) }
        case .count(var counter, let lockout, let lastCounted):
            if input.spec.gpio.edge == .both, event.kind != .rising { return }
            if let lastCounted, event.timestamp - lastCounted < lockout { return }
            let total = counter.pulse(at: event.timestamp)
            input.mode = .count(counter, lockout: lockout, lastCounted: event.timestamp)
            if let total { publishTotal(input, total) }
        }
    }

    /// After lost edges the debouncer's idea of the line may be wrong: feed it the level
    /// the line has now, so the published state converges on the truth.
    private func resynchronise(_ input: InputChannel) {
        guard case .state(var debouncer) = input.mode else { return }
        guard let level = try? input.request.value(offset: input.offset) else { return }
        let change = debouncer.edge(to: level, at: loop.now())
        input.mode = .state(debouncer)
        if let change { publishLevel(input, change) }
    }

    func armTimer(_ input: InputChannel) {
        let deadline: Timestamp?
        switch input.mode {
        case .state(let debouncer): deadline = debouncer.deadline
        case .count(let counter, _, _): deadline = counter.deadline
        }
        input.timer.arm(deadline, on: loop) { [unowned self, unowned input] in
            input.timer.fired()
            timerFired(input)
        }
    }

    private func timerFired(_ input: InputChannel) {
        let now = loop.now()
        switch input.mode {
        case .state(var debouncer):
            let change = debouncer.poll(now: now)
            input.mode = .state(debouncer)
            if let change { publishLevel(input, change) }
        case .count(var counter, let lockout, let lastCounted):
            var totals: [PulseTotal] = []
            while let total = counter.poll(now: now) { totals.append(total) }
            input.mode = .count(counter, lockout: lockout, lastCounted: lastCounted)
            for total in totals { publishTotal(input, total) }
        }
        armTimer(input)
    }

    private func publishLevel(_ input: InputChannel, _ change: LevelChange) {
        let spec = input.spec
        let utcTime = utcNanoseconds(change.timestamp)
        let payload: [UInt8]
        if let on = spec.payloadOn, let off = spec.payloadOff {
            payload = encoder.state(text: change.level ? on : off, utc: utcTime, seq: sequence.next())
        } else {
            payload = encoder.state(.bool(change.level), unit: nil, utc: utcTime, seq: sequence.next())
        }
        publish(topic: input.topic, payload: payload, qos: Int32((spec.qos ?? profile.mqtt.qos).rawValue),
                retain: spec.retain ?? profile.mqtt.retain)
    }

    private func publishTotal(_ input: InputChannel, _ total: PulseTotal) {
        guard let count = input.spec.count else { return }
        // count × scale in binary floating point shows noise (10 × 0.2794 = 2.7939999999999996):
        // round to 9 decimals, far below any meter's resolution.
        let value = (total.value * 1e9).rounded() / 1e9
        let payload = encoder.count(value: value, count: total.count, unit: count.unit,
                                    startUTC: utcNanoseconds(total.start), endUTC: utcNanoseconds(total.end),
                                    seq: sequence.next())
        publish(topic: input.topic, payload: payload, qos: Int32((input.spec.qos ?? profile.mqtt.qos).rawValue),
                retain: input.spec.retain ?? profile.mqtt.retain)
    }
}
