import Logging
import Pipeline
import Profiles
import Runtime
import SensorgateCore

/// A GPIO input: the line request, and either a debouncer and binary filters (a binary
/// state) or a pulse counter.
final class InputChannel {
    enum Mode {
        case state(Debouncer)
        case count(PulseCounter, lockout: Interval, lastCounted: Timestamp?)
    }

    /// One edge metric and where it is published.
    struct Metric {
        var spec: EdgeMetricSpec
        var state: EdgeMetrics
        var topic: String
    }

    let spec: InputSpec
    let offset: UInt32
    let request: any GPIOLineRequest
    let topic: String
    var mode: Mode
    /// `filters:`, on the debounced level of a binary input (empty for a counter).
    var filters: BinaryFilterChain
    var metrics: [Metric]
    /// `count.rate`: the pulses' rate, closed with each counted period.
    var rate: PulseRate?
    /// When the last edge was fed to the metrics (a counter's lock-out applies to them too).
    var lastMetricEdge: Timestamp?
    var timer = DeadlineTimer()
    var events: [EdgeEvent] = []
    var lost: UInt64 = 0
    /// The latest edge time fed to the pipeline: later edges are never stamped earlier.
    var lastEdge: Timestamp = .zero

    init(spec: InputSpec, offset: UInt32, request: any GPIOLineRequest, topic: String, mode: Mode,
         filters: BinaryFilterChain, metrics: [Metric]) {
        self.spec = spec
        self.filters = filters
        self.offset = offset
        self.request = request
        self.topic = topic
        self.mode = mode
        self.metrics = metrics
        events.reserveCapacity(64)
    }

    /// The edge kind a counter counts: falling with `edge: falling`, else rising.
    var countedKind: EdgeKind { spec.gpio.edge == .falling ? .falling : .rising }

    func release(loop: EventLoop) {
        // An expander's request has no descriptor (its worker hands edges to the loop).
        if request.fileDescriptor >= 0 { loop.unregister(fd: request.fileDescriptor) }
        request.release()
    }
}

extension GatewayRuntime {
    /// Starts `specs` (by default every input of the profile); a reload starts the ones it adds.
    func startInputs(_ specs: [InputSpec]? = nil) throws(GatewayError) {
        let now = loop.now()
        for spec in specs ?? profile.inputs {
            let (chip, offset) = try resolve(spec.gpio, id: spec.id)
            // A binary state follows both edges, and so does a line with edge metrics; a
            // plain pulse counter asks for the edge it counts (with `both` it counts rising edges).
            let edge: EdgeDetection = spec.count == nil || !spec.metrics.isEmpty ? .both : spec.gpio.edge
            let config = LineConfig(offset: offset, direction: .input(edge: edge, bias: spec.gpio.bias),
                                    activeLow: spec.gpio.activeLow, kernelDebounce: spec.gpio.kernelDebounce)
            let request: any GPIOLineRequest
            do {
                request = try chip.request([config], consumer: "sensorgate:\(spec.id)")
            } catch {
                throw GatewayError("input '\(spec.id)': cannot request \(chip.name) line \(offset): \(error)")
            }
            let level: Bool
            do {
                level = try request.value(offset: offset)
            } catch {
                request.release()
                throw GatewayError("input '\(spec.id)': cannot read \(chip.name) line \(offset): \(error)")
            }
            let mode: InputChannel.Mode
            if let count = spec.count {
                var counter = PulseCounter(every: count.every, scale: count.scale, utcOffset: utc.offsetNanoseconds)
                counter.start(at: now)
                mode = .count(counter, lockout: spec.debounce, lastCounted: nil)
            } else {
                var debouncer = Debouncer(period: spec.debounce)
                debouncer.reset(level: level, at: now)
                mode = .state(debouncer)
            }
            let metrics = spec.metrics.map { metric -> InputChannel.Metric in
                var state = EdgeMetrics(every: metric.every, pulseStatistics: metric.stats, utcOffset: utc.offsetNanoseconds)
                state.start(level: level, at: now)
                return InputChannel.Metric(spec: metric, state: state, topic: topics.metric(spec.id, metric.kind.rawValue))
            }
            let filters = BinaryFilterChain(filters: spec.filters.compactMap(BinaryFilterCatalog.make))
            let input = InputChannel(spec: spec, offset: offset, request: request, topic: topics.state(spec.id), mode: mode,
                                     filters: filters, metrics: metrics)
            input.rate = spec.count?.rate.map { PulseRate(scale: spec.count?.scale ?? 1, per: $0.per) }
            inputs.append(input)
            if let expanderRequest = request as? ExpanderLineRequest {
                // No descriptor: the expander's worker hands its edges to the loop. The
                // input itself, not its index: a reload reorders the inputs.
                let owned = LoopOwned(input)
                expanderRequest.onEvents = { [unowned self] in
                    loop.execute {
                        guard !self.shuttingDown, self.inputs.contains(where: { $0 === owned.value }) else { return }
                        self.edgesReady(owned.value)
                    }
                }
            } else {
                do {
                    try loop.register(fd: request.fileDescriptor, interest: .readable) { [unowned self, unowned input] _ in
                        edgesReady(input)
                    }
                } catch {
                    throw GatewayError("input '\(spec.id)': \(error)")
                }
            }
            if case .state(let debouncer) = input.mode, let level = debouncer.publishedLevel {
                // The initial level, read from the line, is published at start: through the
                // filters as a settled level (inverted by `invert`, delayed by nothing).
                publishLevel(input, LevelChange(level: input.filters.start(level: level, at: now), timestamp: now))
            }
            armTimer(input)
        }
    }

    /// The chip and offset of a profile's line, by the rules `validate` checks: the board
    /// preset (`gateway.board`) first, then the chip's own line names, then offsets.
    func resolve(_ gpio: GPIOLineSpec, id: String) throws(GatewayError) -> (any GPIOChip, UInt32) {
        if let expander = gpio.expander {
            // Validated: the expander exists and the line is an offset on it.
            guard let port = expanders.first(where: { $0.spec.id == expander }), case .offset(let offset) = gpio.line else {
                throw GatewayError("'\(id)': no expander '\(expander)'")
            }
            return (port, offset)
        }
        let resolver = LineResolver(board: profile.gateway.board.flatMap(BoardPreset.named))
        let hardware = self.hardware
        do {
            let found = try resolver.resolve(gpio) { selector throws(GPIOError) in
                try hardware.chip(selector)
            }
            return (found.chip, found.offset)
        } catch {
            throw GatewayError("'\(id)': \(error)")
        }
    }

    /// The request's descriptor is readable: read every pending edge and feed them in order.
    func edgesReady(_ input: InputChannel) {
        input.events.removeAll(keepingCapacity: true)
        let loss: EdgeLoss
        do {
            loss = try input.request.readEdgeEvents(into: &input.events)
        } catch {
            logger.error("input '\(input.spec.id)': reading edge events failed: \(error)")
            return
        }
        edgesSeen += UInt64(input.events.count)
        for var event in input.events {
            // Source time only moves forward, also across a re-read after an overflow.
            if event.timestamp < input.lastEdge { event.timestamp = input.lastEdge }
            input.lastEdge = event.timestamp
            handle(event, on: input)
        }
        if !loss.isEmpty {
            input.lost += UInt64(loss.dropped)
            edgesLost += UInt64(loss.dropped)
            if loss.exact {
                // uAPI v2 (and the simulator) number each line's events: the gap is the count.
                logger.warning("input '\(input.spec.id)': the kernel dropped \(loss.dropped) edge events (\(input.lost) in all, from the line's sequence numbers); re-reading the line")
            } else {
                // uAPI v1 cannot count the kernel's drops: it reports a full queue.
                logger.warning("input '\(input.spec.id)': the kernel event queue was full, edges were possibly lost (\(input.lost) suspected in all); re-reading the line")
            }
            resynchronise(input)
        }
        armTimer(input)
    }

    private func handle(_ event: EdgeEvent, on input: InputChannel) {
        switch input.mode {
        case .state(var debouncer):
            let change = debouncer.edge(to: event.kind.levelAfter, at: event.timestamp)
            input.mode = .state(debouncer)
            if let change { debounced(input, change) }
        case .count(var counter, let lockout, let lastCounted):
            // The lock-out (`debounce`) applies to the metrics' edges as well as to the count.
            if !input.metrics.isEmpty, input.lastMetricEdge.map({ event.timestamp - $0 >= lockout }) ?? true {
                input.lastMetricEdge = event.timestamp
                feedMetrics(input, level: event.kind.levelAfter, at: event.timestamp)
            }
            guard event.kind == input.countedKind else { return }
            if let lastCounted, event.timestamp - lastCounted < lockout { return }
            let total = counter.pulse(at: event.timestamp)
            input.mode = .count(counter, lockout: lockout, lastCounted: event.timestamp)
            // The period closes before the pulse that closed it is counted in the next one.
            if let total { publishTotal(input, total) }
            input.rate?.pulse(at: event.timestamp)
        }
    }

    /// A debounced change of a binary input: the edge metrics follow it, the filters shape
    /// what is published from it.
    private func debounced(_ input: InputChannel, _ change: LevelChange) {
        feedMetrics(input, level: change.level, at: change.timestamp)
        for published in input.filters.process(change) { publishLevel(input, published) }
    }

    private func feedMetrics(_ input: InputChannel, level: Bool, at timestamp: Timestamp) {
        for index in input.metrics.indices {
            let closed = input.metrics[index].state.edge(to: level, at: timestamp)
            for period in closed { publishMetric(input, index, period) }
        }
    }

    /// After lost edges the debouncer's idea of the line may be wrong: feed it the level
    /// the line has now, so the published state converges on the truth.
    ///
    /// The correction is stamped just after the last edge read, not with the loop's clock:
    /// edges still waiting in the kernel's queue carry earlier times than "now", and `ts`
    /// must never go backwards.
    private func resynchronise(_ input: InputChannel) {
        guard case .state(var debouncer) = input.mode else { return }
        guard let level = try? input.request.value(offset: input.offset) else { return }
        input.lastEdge = input.lastEdge + .nanoseconds(1)
        let change = debouncer.edge(to: level, at: input.lastEdge)
        input.mode = .state(debouncer)
        if let change { debounced(input, change) }
    }

    func armTimer(_ input: InputChannel) {
        var deadline: Timestamp?
        switch input.mode {
        case .state(let debouncer):
            deadline = debouncer.deadline
            if let due = input.filters.deadline, deadline.map({ due < $0 }) ?? true { deadline = due }
        case .count(let counter, _, _): deadline = counter.deadline
        }
        for metric in input.metrics {
            if let end = metric.state.deadline, deadline.map({ end < $0 }) ?? true { deadline = end }
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
            if let change { debounced(input, change) }
            for published in input.filters.poll(now: now) { publishLevel(input, published) }
        case .count(var counter, let lockout, let lastCounted):
            var totals: [PulseTotal] = []
            while let total = counter.poll(now: now) { totals.append(total) }
            input.mode = .count(counter, lockout: lockout, lastCounted: lastCounted)
            for total in totals { publishTotal(input, total) }
        }
        for index in input.metrics.indices {
            let closed = input.metrics[index].state.poll(now: now)
            for period in closed { publishMetric(input, index, period) }
        }
        armTimer(input)
    }

    /// A metric's period: frequency (Hz, with the rising-edge count), duty cycle (%), or
    /// pulse widths (s, with the statistics asked for; nothing when no pulse ended).
    private func publishMetric(_ input: InputChannel, _ index: Int, _ period: EdgeMetricsPeriod) {
        statistics.windows += 1
        let metric = input.metrics[index]
        let qos = Int32((input.spec.qos ?? profile.mqtt.qos).rawValue)
        let retain = input.spec.retain ?? profile.mqtt.retain
        let start = utcNanoseconds(period.start), end = utcNanoseconds(period.end)
        func rounded(_ value: Double, _ scale: Double) -> Double { (value * scale).rounded() / scale }
        if case .pulseWidth = metric.spec.kind, period.pulseWidths.isEmpty { return }
        guard let seq = sequence.next() else { return }
        let payload: [UInt8]
        switch metric.spec.kind {
        case .frequency:
            payload = encoder.period(value: rounded(period.frequency, 1e6), unit: "Hz", count: period.risingEdges,
                                     startUTC: start, endUTC: end, seq: seq)
        case .dutyCycle:
            payload = encoder.period(value: rounded(period.dutyCycle, 1e3), unit: "%", startUTC: start, endUTC: end,
                                     seq: seq)
        case .pulseWidth:
            let statistics = period.pulseWidths.map { ($0.0, $0.0 == .count ? $0.1 : rounded($0.1, 1e6)) }
            let summary = WindowSummary(name: metric.spec.kind.rawValue, start: period.start, end: period.end,
                                        statistics: statistics)
            payload = encoder.window(summary, unit: "s", utcOffset: utc.offsetNanoseconds, seq: seq)
        }
        publish(topic: metric.topic, payload: payload, qos: qos, retain: retain)
    }

    private func publishLevel(_ input: InputChannel, _ change: LevelChange) {
        let spec = input.spec
        let utcTime = utcNanoseconds(change.timestamp)
        guard let seq = sequence.next() else { return }
        let payload: [UInt8]
        if let on = spec.payloadOn, let off = spec.payloadOff {
            payload = encoder.state(text: change.level ? on : off, utc: utcTime, seq: seq)
        } else {
            payload = encoder.state(.bool(change.level), unit: nil, utc: utcTime, seq: seq)
        }
        publish(topic: input.topic, payload: payload, qos: Int32((spec.qos ?? profile.mqtt.qos).rawValue),
                retain: spec.retain ?? profile.mqtt.retain)
    }

    private func publishTotal(_ input: InputChannel, _ total: PulseTotal) {
        guard let count = input.spec.count else { return }
        // count × scale in binary floating point shows noise (10 × 0.2794 = 2.7939999999999996):
        // round to 9 decimals, far below any meter's resolution.
        let value = (total.value * 1e9).rounded() / 1e9
        guard let seq = sequence.next() else { return }
        let payload = encoder.count(value: value, count: total.count, unit: count.unit,
                                    startUTC: utcNanoseconds(total.start), endUTC: utcNanoseconds(total.end),
                                    seq: seq)
        publish(topic: input.topic, payload: payload, qos: Int32((input.spec.qos ?? profile.mqtt.qos).rawValue),
                retain: input.spec.retain ?? profile.mqtt.retain)
        publishRate(input, total)
    }

    /// The period's rate on `<prefix>/<id>/rate`, rounded to the rate's decimals.
    private func publishRate(_ input: InputChannel, _ total: PulseTotal) {
        guard let spec = input.spec.count?.rate, var meter = input.rate else { return }
        let value = meter.close()
        input.rate = meter
        guard let value else { return }
        statistics.windows += 1
        guard let seq = sequence.next() else { return }
        var scale = 1.0
        for _ in 0..<spec.decimals { scale *= 10 }
        let payload = encoder.period(value: (value * scale).rounded(.toNearestOrAwayFromZero) / scale, unit: spec.unit,
                                     startUTC: utcNanoseconds(total.start), endUTC: utcNanoseconds(total.end), seq: seq)
        publish(topic: topics.metric(input.spec.id, "rate"), payload: payload,
                qos: Int32((input.spec.qos ?? profile.mqtt.qos).rawValue), retain: input.spec.retain ?? profile.mqtt.retain)
    }
}
