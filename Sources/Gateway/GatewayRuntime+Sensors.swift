import Logging
import Pipeline
import Profiles
import Runtime
import SensorCatalog
import SensorgateCore

/// A sensor's channels on the loop side: one chain per driver channel.
final class SensorChannels {
    struct Channel {
        var name: String
        var unit: String
        var descriptor: ChannelDescriptor
        var enabled: Bool
        var chain: ChannelChain
        var stateTopic: String
        var windowTopics: [String: String]
        /// The latest published value, for the sensor's combined message.
        var latest: Double?
    }

    let spec: SensorSpec
    var channels: [Channel]
    var timer = DeadlineTimer()
    var health: SensorHealth
    /// `<prefix>/<id>/status`: `online` or `offline`, retained.
    let statusTopic: String
    /// `<prefix>/<id>`: every channel in one message (`publish: combined` or `both`).
    let combinedTopic: String
    var readings: UInt64 = 0
    var failures: UInt64 = 0

    init(spec: SensorSpec, channels: [Channel], statusTopic: String, combinedTopic: String) {
        self.combinedTopic = combinedTopic
        self.spec = spec
        self.channels = channels
        self.health = SensorHealth(offlineAfter: spec.offlineAfter)
        self.statusTopic = statusTopic
    }
}

extension GatewayRuntime {
    /// Makes the channels of `specs` (by default every sensor of the profile); their
    /// polls start when their buses' workers are given them (``assignSensors(on:)``).
    func startSensors(_ specs: [SensorSpec]? = nil) throws(GatewayError) {
        for spec in specs ?? profile.sensors {
            guard let descriptor = SensorCatalog.driver(named: spec.driver) else {
                throw GatewayError("sensor '\(spec.id)': unknown driver '\(spec.driver)'")
            }
            // Channels in the driver's order: read() returns one value per descriptor channel.
            let channels = descriptor.channels(for: spec.options).map { channel -> SensorChannels.Channel in
                let configured = spec.channels.first { $0.name == channel.name } ?? ChannelSpec(name: channel.name)
                let windows = ChannelWindows(configured.windows, utcOffset: utc.offsetNanoseconds)
                var windowTopics: [String: String] = [:]
                for window in configured.windows {
                    windowTopics[window.name] = topics.window(spec.id, channel.name, window.name)
                }
                return SensorChannels.Channel(
                    name: channel.name, unit: channel.unit, descriptor: channel, enabled: configured.enabled,
                    chain: ChannelChain(filters: configured.filters.compactMap(FilterCatalog.make), windows: windows.tumbling,
                                        otherWindows: windows.others),
                    stateTopic: topics.channel(spec.id, channel.name), windowTopics: windowTopics)
            }
            sensors.append(SensorChannels(spec: spec, channels: channels, statusTopic: topics.sensorStatus(spec.id),
                                          combinedTopic: topics.state(spec.id)))
        }
    }

    /// The worker of bus `number`, made (and started, once the gateway runs) on first use:
    /// every transaction on a bus runs on its one worker.
    func busWorker(_ number: Int) -> I2CBusWorker {
        if let worker = workers.first(where: { $0.number == number }) { return worker }
        let worker = I2CBusWorker(number: number, clock: SystemClock())
        workers.append(worker)
        return worker
    }

    /// Gives the worker of every bus in `buses` the polls of the sensors on it now (none:
    /// a worker left with nothing to serve stops). A worker made here starts at once when
    /// `startWorkers` (a reload), else with the gateway.
    func assignSensors(on buses: Set<Int>, startWorkers: Bool) throws(GatewayError) {
        // The polls' indices are into the sensors as they are now: a reload reorders them.
        let owners = sensors.map(LoopOwned.init)
        for number in buses.sorted() {
            var busSensors: [I2CBusWorker.Sensor] = []
            for (index, sensor) in sensors.enumerated() where sensor.spec.bus == number {
                let spec = sensor.spec
                guard let descriptor = SensorCatalog.driver(named: spec.driver) else {
                    throw GatewayError("sensor '\(spec.id)': unknown driver '\(spec.driver)'")
                }
                busSensors.append(.init(index: index, id: spec.id, driver: descriptor.make(spec.options),
                                        address: spec.address, mux: spec.mux, interval: spec.interval,
                                        offlineAfter: spec.offlineAfter))
            }
            guard !busSensors.isEmpty else {
                detachSensors(on: [number])
                continue
            }
            let bus: any I2CBus
            do {
                bus = try hardware.bus(number)
            } catch {
                throw GatewayError("sensor \(busSensors.map { "'\($0.id)'" }.joined(separator: ", ")): \(error)")
            }
            let polls = SensorPolls(bus: bus, sensors: busSensors, clock: SystemClock()) { [unowned self] index, outcome in
                loop.execute { self.sensorOutcome(of: owners[index].value, outcome) }
            }
            let worker = busWorker(number)
            worker.replaceSensors(with: polls)
            if startWorkers { worker.start() }
        }
    }

    /// The workers of `buses` poll nothing from now on (a poll under way finishes); one
    /// that serves no expander either stops.
    func detachSensors(on buses: Set<Int>) {
        for worker in workers where buses.contains(worker.number) {
            worker.replaceSensors(with: .none(clock: SystemClock()))
            if worker.isIdle { worker.stop() }
        }
        workers.removeAll { buses.contains($0.number) && $0.isIdle }
    }

    /// A worker's outcome for `sensor`, wherever it is in ``sensors`` now; dropped for a
    /// sensor a reload stopped (its poll was under way when its worker was given others).
    func sensorOutcome(of sensor: SensorChannels, _ outcome: I2CBusWorker.Outcome) {
        guard let index = sensors.firstIndex(where: { $0 === sensor }) else { return }
        sensorOutcome(index, outcome)
    }

    func sensorOutcome(_ index: Int, _ outcome: I2CBusWorker.Outcome) {
        // A reading that was under way when the stop began would follow `offline`.
        guard !shuttingDown else { return }
        let sensor = sensors[index]
        switch outcome {
        case .values(let values, let timestamp):
            // A part with no new sample answered, but read nothing.
            if !values.isEmpty { sensor.readings += 1 }
            logger.debug("sensor '\(sensor.spec.id)' read \(Self.describe(values, of: sensor))")
            report(sensor, sensor.health.succeeded(at: loop.now()))
            var combinedChanged = false
            for channelIndex in sensor.channels.indices where channelIndex < values.count {
                guard sensor.channels[channelIndex].enabled else { continue }
                let reading = Reading(value: values[channelIndex], timestamp: timestamp)
                // Collect first, publish after: publishing reads the channel being mutated.
                var state: Reading?
                var closed: [WindowSummary] = []
                sensor.channels[channelIndex].chain.process(
                    reading, state: { state = $0 }, window: { closed.append($0) })
                for summary in closed { publishWindow(sensor, channelIndex, summary) }
                var published: Reading?
                if let state, state.value.isFinite {
                    let value = sensor.channels[channelIndex].descriptor.rounded(state.value)
                    sensor.channels[channelIndex].latest = value
                    combinedChanged = true
                    if sensor.spec.publish.perChannel { publishChannel(sensor, channelIndex, state) }
                    published = Reading(value: value, timestamp: state.timestamp)
                }
                deliverToDerived(sensor: sensor.spec.id, channel: channelIndex, readAt: timestamp, state: published)
            }
            if combinedChanged, sensor.spec.publish.combined { publishCombined(sensor, at: timestamp) }
            publishDerived(at: timestamp)
            armTimer(sensor)
        case .failed(let reason):
            sensor.failures += 1
            report(sensor, sensor.health.failed(reason, at: loop.now()))
        }
    }

    /// A poll's raw values, before any filter, for the debug log: `temperature 21.034 °C, ...`.
    static func describe(_ values: [Double], of sensor: SensorChannels) -> String {
        guard !values.isEmpty else { return "nothing new" }
        return zip(sensor.channels, values).map { channel, value in "\(channel.name) \(value) \(channel.unit)" }
            .joined(separator: ", ")
    }

    /// Publishes a change of the sensor's availability and logs what its health says.
    private func report(_ sensor: SensorChannels, _ events: [SensorHealth.Event]) {
        for event in events {
            switch event {
            case .availability(let availability):
                publish(topic: sensor.statusTopic, payload: Array(availability.rawValue.utf8), qos: 1, retain: true)
            case .recovered:
                if let line = event.logLine(sensor: sensor.spec.id) { logger.info("\(line)") }
            case .failing, .stillFailing:
                if let line = event.logLine(sensor: sensor.spec.id) { logger.warning("\(line)") }
            }
        }
    }

    private func armTimer(_ sensor: SensorChannels) {
        var earliest: Timestamp?
        for channel in sensor.channels {
            if let end = channel.chain.deadline, earliest.map({ end < $0 }) ?? true { earliest = end }
        }
        sensor.timer.arm(earliest, on: loop) { [unowned self, unowned sensor] in
            sensor.timer.fired()
            let now = loop.now()
            var combinedChanged = false
            for index in sensor.channels.indices {
                var closed: [WindowSummary] = []
                var states: [Reading] = []
                sensor.channels[index].chain.poll(now: now, state: { states.append($0) }, window: { closed.append($0) })
                for summary in closed { publishWindow(sensor, index, summary) }
                guard sensor.channels[index].enabled else { continue }
                for state in states {
                    combinedChanged = true
                    publishPolled(sensor, index, state)
                }
            }
            if combinedChanged, sensor.spec.publish.combined { publishCombined(sensor, at: now) }
            armTimer(sensor)
        }
    }

    /// A state a filter emitted on its own (a heartbeat, a timeout): a number is published
    /// like any state; NaN, a timeout's "unavailable", as `"value": null`, and the channel
    /// leaves the combined message until it has a value again.
    private func publishPolled(_ sensor: SensorChannels, _ index: Int, _ state: Reading) {
        if state.value.isFinite {
            sensor.channels[index].latest = sensor.channels[index].descriptor.rounded(state.value)
            if sensor.spec.publish.perChannel { publishChannel(sensor, index, state) }
            return
        }
        sensor.channels[index].latest = nil
        derivedOperandUnavailable(sensor: sensor.spec.id, channel: index)
        guard sensor.spec.publish.perChannel, let seq = sequence.next() else { return }
        let channel = sensor.channels[index]
        let payload = encoder.state(.number(.nan), unit: channel.unit, utc: utcNanoseconds(state.timestamp), seq: seq)
        publish(topic: channel.stateTopic, payload: payload, qos: Int32((sensor.spec.qos ?? profile.mqtt.qos).rawValue),
                retain: sensor.spec.retain ?? profile.mqtt.retain)
    }

    private func publishChannel(_ sensor: SensorChannels, _ index: Int, _ reading: Reading) {
        guard reading.value.isFinite else { return }
        let channel = sensor.channels[index]
        guard let seq = sequence.next() else { return }
        let payload = encoder.state(.number(channel.descriptor.rounded(reading.value)), unit: channel.unit, utc: utcNanoseconds(reading.timestamp),
                                    seq: seq)
        publish(topic: channel.stateTopic, payload: payload, qos: Int32((sensor.spec.qos ?? profile.mqtt.qos).rawValue),
                retain: sensor.spec.retain ?? profile.mqtt.retain)
    }

    /// Every enabled channel's latest value in one object, when a reading changed any.
    private func publishCombined(_ sensor: SensorChannels, at timestamp: Timestamp) {
        let values = sensor.channels.compactMap { channel in channel.latest.map { (name: channel.name, value: $0) } }
        guard !values.isEmpty, let seq = sequence.next() else { return }
        let payload = encoder.combined(values, utc: utcNanoseconds(timestamp), seq: seq)
        publish(topic: sensor.combinedTopic, payload: payload, qos: Int32((sensor.spec.qos ?? profile.mqtt.qos).rawValue),
                retain: sensor.spec.retain ?? profile.mqtt.retain)
    }

    private func publishWindow(_ sensor: SensorChannels, _ index: Int, _ summary: WindowSummary) {
        statistics.windows += 1
        let channel = sensor.channels[index]
        guard let topic = channel.windowTopics[summary.name] else { return }
        var summary = summary
        summary.statistics = summary.statistics.map { statistic, value in
            // A count is whole, and a rate per second is far smaller than the channel's values:
            // rounded to their decimals a slow change would read 0.
            (statistic, statistic == .count || statistic == .rate ? value : channel.descriptor.rounded(value))
        }
        guard let seq = sequence.next() else { return }
        let payload = encoder.window(summary, unit: channel.unit, utcOffset: utc.offsetNanoseconds, seq: seq)
        publish(topic: topic, payload: payload, qos: Int32((sensor.spec.qos ?? profile.mqtt.qos).rawValue),
                retain: sensor.spec.retain ?? profile.mqtt.retain)
    }
}
