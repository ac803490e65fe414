import Logging
import Profiles
import SensorCatalog
import SensorgateCore

/// A reload (SIGHUP, `systemctl reload`): the profile read again is applied by component
/// id, touching only what changed (``ProfileDiff``).
///
/// Unchanged inputs, sensors and outputs keep their objects: line requests, debouncers,
/// counters, windows, health and output levels go on as if nothing happened, and the bus
/// worker of a bus whose sensors did not change keeps polling. Removed ones stop, and
/// their retained topics are cleared (an empty retained message). Changed ones stop and
/// start again from the new spec, so they lose their state (a sensor its windows, an
/// input its count). `seq`, the outbox and the MQTT client's buffer are the same objects
/// before and after, so numbering has no gap and nothing waiting is dropped.
///
/// Two phases: first everything the new components need is checked without touching a
/// running one (the simulator's parts, each new line free, each new bus there); only then
/// are the old ones stopped and the new ones started. A failure in the second phase (a
/// line lost to another consumer in between) starts the previous components again.
extension GatewayRuntime {
    /// Applies `loaded`; throws, leaving the gateway as it was, when it needs a restart or
    /// its hardware is not there. Returns what changed.
    func reload(to loaded: Profile, stateDirectoryFromCommandLine: Bool) throws(GatewayError) -> ProfileDiff {
        guard !shuttingDown else { throw GatewayError("the gateway is stopping") }
        var diff = ProfileDiff(old: profile, new: loaded, stateDirectoryFromCommandLine: stateDirectoryFromCommandLine)
        if !diff.refusals.isEmpty {
            throw GatewayError("\(diff.refusals.joined(separator: "; ")): that needs a restart (systemctl restart sensorgate)")
        }
        var next = loaded
        next.mqtt = Self.applicableMQTT(running: profile.mqtt, loaded: loaded.mqtt)
        if !diff.mqttKeys.isEmpty {
            // The topics, the outbox and the defaults published with are set up once: the
            // running ones stay until a restart.
            logger.warning("reload: mqtt \(diff.mqttKeys.joined(separator: ", ")) changed: that needs a restart (systemctl restart sensorgate); the running ones are kept")
        }
        keepRunningMetrics(in: &next)
        try checkHardware(for: next, diff)
        // Read again at every reload: a new password in the same file connects anew too.
        let replacement = try replacementClient(for: next.mqtt, gatewayID: next.gateway.id)

        let previous = profile
        var leaving = stop(diff, next: next)
        profile = next
        do {
            try start(diff)
            leaving.derived = try relinkDerived(diff)
        } catch {
            logger.error("reload: \(error); starting the previous inputs, sensors and outputs again")
            undoStart(diff)
            profile = previous
            // The stopped outputs start again at the level they had (restart(_:previous:)).
            reconfigureExpanders(starting: [])
            do {
                try restart(leaving, previous: previous)
            } catch {
                logger.critical("reload: cannot start the previous components again: \(error)")
            }
            throw error
        }
        leaving.pwmOutputs = reloadPWM(diff)
        clearRetained(leaving)
        carryCounters(leaving)
        if let (client, choice) = replacement {
            switchClient(to: client, brokers: choice, keys: diff.connectionKeys)
            diff.reconnects = true
        }
        if !outputs.isEmpty || !pwmOutputs.isEmpty, previous.outputs.isEmpty, previous.pwmOutputs.isEmpty {
            mqtt.subscribe(topics.commandFilter, qos: 1)
        }
        reannounceHomeAssistant(diff)
        logDetails(diff)
        return diff
    }

    /// The running `mqtt` section with the keys a new client applies taken from `loaded`.
    static func applicableMQTT(running: MQTTSettings, loaded: MQTTSettings) -> MQTTSettings {
        var applied = running
        applied.broker = loaded.broker
        applied.brokers = loaded.brokers
        applied.clientID = loaded.clientID
        applied.keepalive = loaded.keepalive
        applied.username = loaded.username
        applied.passwordFile = loaded.passwordFile
        applied.passwordEnvironment = loaded.passwordEnvironment
        applied.tls = loaded.tls
        applied.maxBuffered = loaded.maxBuffered
        applied.persistentSession = loaded.persistentSession
        applied.protocolSettings = loaded.protocolSettings
        return applied
    }

    // MARK: Phase one: nothing is touched

    /// Every line the new components take is free (or held by a component this reload
    /// stops), and every bus a started sensor is on opens.
    private func checkHardware(for next: Profile, _ diff: ProfileDiff) throws(GatewayError) {
        try hardware.prepare(for: next)
        var released = Set<String>()
        for input in inputs where diff.inputs.stopping.contains(input.spec.id) {
            if let key = try? lineKey(input.spec.gpio, id: input.spec.id) { released.insert(key) }
        }
        for output in outputs where diff.outputs.stopping.contains(output.spec.id) {
            if let key = try? lineKey(output.spec.gpio, id: output.spec.id) { released.insert(key) }
        }
        let lines = next.inputs.filter { diff.inputs.starting.contains($0.id) }.map { ("input", $0.id, $0.gpio) }
            + next.outputs.filter { diff.outputs.starting.contains($0.id) }.map { ("output", $0.id, $0.gpio) }
        for (kind, id, gpio) in lines {
            let (chip, offset) = try resolve(gpio, id: id)
            if released.contains(Self.lineKey(chip, offset)) { continue }
            let info: GPIOLineInfo
            do {
                info = try chip.lineInfo(offset: offset)
            } catch {
                throw GatewayError("\(kind) '\(id)': cannot read \(chip.name) line \(offset): \(error)")
            }
            if info.used {
                throw GatewayError("\(kind) '\(id)': \(chip.name) line \(offset) is held by \(info.consumer.map { "'\($0)'" } ?? "another consumer")")
            }
        }
        for spec in next.sensors where diff.sensors.starting.contains(spec.id) {
            guard SensorCatalog.driver(named: spec.driver) != nil else {
                throw GatewayError("sensor '\(spec.id)': unknown driver '\(spec.driver)'")
            }
            do {
                _ = try hardware.bus(spec.bus)
            } catch {
                throw GatewayError("sensor '\(spec.id)': \(error)")
            }
        }
    }

    private func lineKey(_ gpio: GPIOLineSpec, id: String) throws(GatewayError) -> String {
        let (chip, offset) = try resolve(gpio, id: id)
        return Self.lineKey(chip, offset)
    }

    private static func lineKey(_ chip: any GPIOChip, _ offset: UInt32) -> String { "\(chip.path):\(offset)" }

    // MARK: Phase two

    /// What a reload stopped: the objects, for their retained topics or to start them again.
    struct Leaving {
        var inputs: [InputChannel] = []
        var outputs: [OutputLine] = []
        var sensors: [SensorChannels] = []
        var workerBuses: Set<Int> = []
        var derived: [DerivedChannels.Channel] = []
        var pwmOutputs: [PWMOutput] = []
    }

    /// Stops the removed and changed components: timers off, lines released, a removed
    /// output to its safe value first; the bus workers of every bus a sensor leaves or
    /// joins stop polling (each bus has one worker, so a poll never races another on the bus).
    private func stop(_ diff: ProfileDiff, next: Profile) -> Leaving {
        var leaving = Leaving()
        leaving.inputs = inputs.filter { diff.inputs.stopping.contains($0.spec.id) }
        for input in leaving.inputs {
            input.timer.arm(nil, on: loop) {}
            input.release(loop: loop)
        }
        inputs.removeAll { diff.inputs.stopping.contains($0.spec.id) }

        leaving.outputs = outputs.filter { diff.outputs.stopping.contains($0.spec.id) }
        for output in leaving.outputs {
            output.pulseTimer.arm(nil, on: loop) {}
            output.pulseReturn = nil
            if diff.outputs.removed.contains(output.spec.id), output.value != output.spec.safe {
                do {
                    try output.request.setValue(output.spec.safe, offset: output.offset)
                    output.value = output.spec.safe
                } catch {
                    logger.error("output '\(output.spec.id)': cannot set its safe value: \(error)")
                }
            }
            output.request.release()
        }
        outputs.removeAll { diff.outputs.stopping.contains($0.spec.id) }

        leaving.sensors = sensors.filter { diff.sensors.stopping.contains($0.spec.id) }
        for sensor in leaving.sensors { sensor.timer.arm(nil, on: loop) {} }
        sensors.removeAll { diff.sensors.stopping.contains($0.spec.id) }
        leaving.workerBuses = Set(leaving.sensors.map(\.spec.bus))
            .union(next.sensors.filter { diff.sensors.starting.contains($0.id) }.map(\.bus))
        detachSensors(on: leaving.workerBuses)
        return leaving
    }

    /// Starts the added and changed components, in the new profile's order.
    private func start(_ diff: ProfileDiff) throws(GatewayError) {
        reconfigureExpanders(starting: diff.outputs.starting)
        try startOutputs(profile.outputs.filter { diff.outputs.starting.contains($0.id) })
        try startInputs(profile.inputs.filter { diff.inputs.starting.contains($0.id) })
        try startSensors(profile.sensors.filter { diff.sensors.starting.contains($0.id) })
        try assignSensors(on: busesWithoutPolls, startWorkers: true)
        order()
    }

    /// Buses with sensors whose worker was given none (or that has no worker yet).
    private var busesWithoutPolls: Set<Int> {
        let polled = Set(workers.filter(\.hasSensors).map(\.number))
        return Set(sensors.map(\.spec.bus)).subtracting(polled)
    }

    /// Inputs, sensors and outputs in the profile's order (statistics and logs list them so).
    private func order() {
        func position(_ ids: [String]) -> [String: Int] {
            Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        }
        let inputOrder = position(profile.inputs.map(\.id))
        inputs.sort { (inputOrder[$0.spec.id] ?? 0) < (inputOrder[$1.spec.id] ?? 0) }
        let outputOrder = position(profile.outputs.map(\.id))
        outputs.sort { (outputOrder[$0.spec.id] ?? 0) < (outputOrder[$1.spec.id] ?? 0) }
        let sensorOrder = position(profile.sensors.map(\.id))
        sensors.sort { (sensorOrder[$0.spec.id] ?? 0) < (sensorOrder[$1.spec.id] ?? 0) }
    }

    /// After a failed start: what it started goes again.
    private func undoStart(_ diff: ProfileDiff) {
        for input in inputs where diff.inputs.starting.contains(input.spec.id) {
            input.timer.arm(nil, on: loop) {}
            input.release(loop: loop)
        }
        inputs.removeAll { diff.inputs.starting.contains($0.spec.id) }
        for output in outputs where diff.outputs.starting.contains(output.spec.id) { output.request.release() }
        outputs.removeAll { diff.outputs.starting.contains($0.spec.id) }
        for sensor in sensors where diff.sensors.starting.contains(sensor.spec.id) { sensor.timer.arm(nil, on: loop) {} }
        sensors.removeAll { diff.sensors.starting.contains($0.spec.id) }
        detachSensors(on: Set(profile.sensors.filter { diff.sensors.starting.contains($0.id) }.map(\.bus)))
    }

    /// After a failed start: the components the reload stopped start again from their
    /// previous specs (an output at the level it had).
    private func restart(_ leaving: Leaving, previous: Profile) throws(GatewayError) {
        try startOutputs(leaving.outputs.map(\.spec))
        for old in leaving.outputs {
            guard let output = outputs.first(where: { $0.spec.id == old.spec.id }), output.value != old.value else { continue }
            do {
                try output.request.setValue(old.value, offset: output.offset)
                output.value = old.value
            } catch {
                logger.error("output '\(old.spec.id)': cannot set its level back: \(error)")
            }
        }
        try startInputs(leaving.inputs.map(\.spec))
        sensors += leaving.sensors
        for sensor in leaving.sensors { sensor.timer.arm(nil, on: loop) {} }
        try assignSensors(on: busesWithoutPolls, startWorkers: true)
        order()
    }


    /// Counters go on across a reload, as counters must (Prometheus reads a drop as a
    /// restart): a changed sensor counts on from its predecessor's readings and failures,
    /// and a removed one's readings stay in the gateway's total.
    private func carryCounters(_ leaving: Leaving) {
        for old in leaving.sensors {
            if let successor = sensors.first(where: { $0.spec.id == old.spec.id }) {
                successor.readings += old.readings
                successor.failures += old.failures
            } else {
                statistics.removedSensorReadings += old.readings
            }
        }
    }

    // MARK: Topics and announcements

    /// Empties the retained topics of what stopped that the running components do not publish on.
    private func clearRetained(_ leaving: Leaving) {
        var kept = Set<String>()
        for input in inputs { kept.formUnion(retainedTopics(input)) }
        for output in outputs { kept.insert(output.topic) }
        for output in pwmOutputs { kept.insert(output.topic) }
        for sensor in sensors { kept.formUnion(retainedTopics(sensor)) }
        for channel in derived.channels { kept.formUnion(retainedTopics(channel)) }
        var cleared = Set<String>()
        for input in leaving.inputs { cleared.formUnion(retainedTopics(input)) }
        for output in leaving.outputs { cleared.insert(output.topic) }
        for output in leaving.pwmOutputs { cleared.insert(output.topic) }
        for sensor in leaving.sensors { cleared.formUnion(retainedTopics(sensor)) }
        for channel in leaving.derived { cleared.formUnion(retainedTopics(channel)) }
        for topic in cleared.subtracting(kept).sorted() {
            logger.debug("reload: clearing the retained \(topic)")
            publish(topic: topic, payload: [], qos: 1, retain: true)
        }
    }

    private func retainedTopics(_ input: InputChannel) -> Set<String> {
        guard input.spec.retain ?? profile.mqtt.retain else { return [] }
        var topics: Set<String> = [input.topic]
        for metric in input.metrics { topics.insert(metric.topic) }
        if input.spec.count?.rate != nil { topics.insert(self.topics.metric(input.spec.id, "rate")) }
        return topics
    }

    private func retainedTopics(_ sensor: SensorChannels) -> Set<String> {
        // Availability is always retained.
        var topics: Set<String> = [sensor.statusTopic]
        guard sensor.spec.retain ?? profile.mqtt.retain else { return topics }
        if sensor.spec.publish.combined { topics.insert(sensor.combinedTopic) }
        for channel in sensor.channels {
            if sensor.spec.publish.perChannel { topics.insert(channel.stateTopic) }
            topics.formUnion(channel.windowTopics.values)
        }
        return topics
    }

    private func retainedTopics(_ channel: DerivedChannels.Channel) -> Set<String> {
        guard profile.mqtt.retain else { return [] }
        return Set(channel.windowTopics.values).union([channel.stateTopic])
    }

    /// A new announcer works out what the running one announced and this profile no longer
    /// has (see ``HomeAssistantAnnouncer``): announcing on a live connection removes it.
    private func reannounceHomeAssistant(_ diff: ProfileDiff) {
        guard homeAssistant != nil,
              !(diff.inputs.isEmpty && diff.sensors.isEmpty && diff.outputs.isEmpty && diff.pwmOutputs.isEmpty && diff.derived.isEmpty)
        else { return }
        homeAssistant = HomeAssistantAnnouncer(profile: profile, topics: topics, stateDirectory: stateDirectory,
                                               softwareVersion: softwareVersion, logger: logger)
        if mqtt.state == .connected { announceHomeAssistant(reason: "after a reload") }
    }

    private func logDetails(_ diff: ProfileDiff) {
        guard logger.logLevel <= .debug else { return }
        for (kind, changes) in [("input", diff.inputs), ("sensor", diff.sensors), ("output", diff.outputs),
                               ("PWM output", diff.pwmOutputs), ("derived channel", diff.derived)] {
            for id in changes.added { logger.debug("reload: \(kind) '\(id)' added") }
            for id in changes.removed { logger.debug("reload: \(kind) '\(id)' removed") }
            for id in changes.changed { logger.debug("reload: \(kind) '\(id)' changed: stopped and started again") }
            for id in changes.unchanged { logger.debug("reload: \(kind) '\(id)' unchanged") }
        }
    }
}
