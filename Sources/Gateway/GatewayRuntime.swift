import Logging
import MQTT
import Pipeline
import Profiles
import Runtime
import SensorDrivers
import SensorgateCore

/// The running graph built from a profile: GPIO inputs with their debouncers or pulse
/// counters, sensors with their channel chains on bus workers, outputs, and the MQTT
/// client, all driven by one ``EventLoop``.
///
/// Loop-confined: after ``init`` every method runs on the loop thread. It is marked
/// `@unchecked Sendable` only so that bus workers can hand results to the loop through
/// ``EventLoop/execute(_:)``.
final class GatewayRuntime: @unchecked Sendable {
    /// The profile running now: replaced by ``reload(to:)``.
    var profile: Profile
    let loop: EventLoop
    let logger: Logger
    let hardware: any GatewayHardware
    /// The client connected now: a reload that changes how to connect replaces it
    /// (``switchClient(to:keys:)``).
    var mqtt: MQTTClient
    /// Clients a reload replaced, while they deliver what they hold and disconnect.
    var retiringClients: [MQTTClient] = []
    /// The replaced clients' statistics, which the current client's continue.
    var retiredClientStatistics = MQTTClient.Statistics()
    /// The brokers connected to: `--broker`, else the profile's.
    var brokers: BrokerChoice
    /// The durable outbox, when `mqtt.outbox` is set.
    let outbox: OutboxPublisher?
    private let outboxLock: StateDirectoryLock?
    let topics: TopicScheme
    let sequence: any SequenceSource
    var utc = UTCMapping.system()
    var encoder = PayloadEncoder()

    var inputs: [InputChannel] = []
    var sensors: [SensorChannels] = []
    var outputs: [OutputLine] = []
    var workers: [I2CBusWorker] = []
    var expanders: [ExpanderPort] = []
    var pwmControllers: [PWMController] = []
    var pwmOutputs: [PWMOutput] = []
    var derived = DerivedChannels()
    var utcResyncTimer = DeadlineTimer()
    /// Home Assistant discovery, when `mqtt.home_assistant.discovery` is on; rebuilt by a
    /// reload, which is how entities the new profile no longer has are removed.
    var homeAssistant: HomeAssistantAnnouncer?
    let stateDirectory: String
    let softwareVersion: String?
    /// Set when stopping begins: commands are no longer acted on or answered, so nothing
    /// about them can be published after `offline`.
    private(set) var shuttingDown = false

    /// Statistics for logs and tests.
    var edgesSeen: UInt64 = 0
    var edgesLost: UInt64 = 0
    var statistics = GatewayStatistics(startedAt: .zero)
    /// `metrics.listen`, from the start to the shutdown; nil without a `metrics` section.
    var metrics: MetricsListener?

    /// `failover`: brokers tried after `broker`, with its scheme and credentials.
    /// `brokerFromCommandLine`: `broker` is `--broker`, which a reload keeps.
    init(profile: Profile, broker: BrokerURL, failover: [BrokerURL] = [], brokerFromCommandLine: Bool = false,
         stateDirectory: String, stateDirectoryFromCommandLine: Bool = false, hardware: any GatewayHardware,
         loop: EventLoop, logger: Logger, softwareVersion: String? = nil) throws(GatewayError) {
        self.brokers = BrokerChoice(broker: broker, failover: failover, fromCommandLine: brokerFromCommandLine)
        self.profile = profile
        self.loop = loop
        self.logger = logger
        self.hardware = hardware
        self.stateDirectory = stateDirectory
        self.softwareVersion = softwareVersion
        self.topics = TopicScheme(prefix: profile.mqtt.topicPrefix)
        self.homeAssistant = profile.mqtt.homeAssistant?.discovery == true
            ? HomeAssistantAnnouncer(profile: profile, topics: topics, stateDirectory: stateDirectory,
                                     softwareVersion: softwareVersion, logger: logger)
            : nil

        let settings = profile.mqtt
        let password = try BrokerPassword.read(settings, logger: logger)
        let configuration = Self.clientConfiguration(settings, broker: broker, failover: failover, password: password,
                                                     topics: topics, gatewayID: profile.gateway.id)
        do {
            self.mqtt = try MQTTClient(configuration: configuration, loop: loop, logger: logger)
        } catch {
            throw GatewayError("MQTT: \(error)")
        }
        // Numbering is set up last, so a start that fails before it consumes no numbers.
        let counterFile = stateDirectory + "/" + profile.gateway.id + ".seq"
        if let outboxSettings = settings.outbox {
            let path = Self.outboxPath(outboxSettings, gatewayID: profile.gateway.id, stateDirectory: stateDirectory,
                                       stateDirectoryFromCommandLine: stateDirectoryFromCommandLine,
                                       environment: Self.systemdStateDirectory)
            let (outbox, lock) = try Self.openOutbox(outboxSettings, path: path, counterFile: counterFile, client: mqtt,
                                                     loop: loop, logger: logger)
            self.outbox = outbox
            self.outboxLock = lock
            self.sequence = OutboxSequence(publisher: outbox, counterFile: counterFile, logger: logger)
        } else {
            self.outbox = nil
            self.outboxLock = nil
            self.sequence = try SequenceCounter(directory: stateDirectory, gatewayID: profile.gateway.id, logger: logger)
        }
    }

    // MARK: Starting (loop thread)

    /// Requests lines, reads initial levels, starts sensors and connects. Any failure
    /// here stops the start with a clear message; nothing is left half-requested.
    func start() throws(GatewayError) {
        listen(to: mqtt)
        sequence.onFailure = { [unowned self] reason in
            // Published from the loop's next turn, outside the counter's `next()`.
            loop.schedule(after: .zero) { [unowned self] in publishFault(reason) }
        }
        outbox?.onDiskFailure = { [unowned self] reason in publishFaultAroundOutbox(reason) }
        do {
            try startMetrics()
            try startExpanders()
            try startPWM()
            try startOutputs()
            try startInputs()
            try startSensors()
            try assignSensors(on: Set(profile.sensors.map(\.bus)), startWorkers: false)
            try startDerived()
        } catch {
            stopMetrics()
            releaseLines()
            // Nothing was published: the numbers reserved at construction go back.
            sequence.close()
            outbox?.abandon()
            throw error
        }
        startHomeAssistant()
        startStatistics()
        hardware.start()
        outbox?.start()
        mqtt.start()
        for worker in workers { worker.start() }
        scheduleUTCResync()
        logger.info("gateway '\(profile.gateway.id)' running on the \(hardware.kind): \(inputs.count) inputs, \(sensors.count) sensors, \(outputs.count + pwmOutputs.count) outputs, \(expanders.count + pwmControllers.count) expanders; broker \(mqtt.brokerDescription), topics under \(topics.prefix)/")
    }

    /// Follows NTP: resample the monotonic-to-UTC offset every minute.
    private func scheduleUTCResync() {
        utcResyncTimer.arm(loop.now() + .seconds(60), on: loop) { [unowned self] in
            utcResyncTimer.fired()
            utc.resync()
            scheduleUTCResync()
        }
    }

    /// What readings are published through: the client, or the outbox in front of it.
    var publisher: any MessagePublisher {
        if let outbox { return outbox }
        return mqtt
    }

    func listen(to client: MQTTClient) {
        client.onConnect = { [unowned self] in connected() }
        client.onMessage = { [unowned self] message in received(message) }
    }

    private func connected() {
        // About this connection only: straight to the client, never stored for a later run.
        mqtt.publish(topic: topics.status, payload: Array("online".utf8), qos: 1, retain: true)
        if !outputs.isEmpty || !pwmOutputs.isEmpty { mqtt.subscribe(topics.commandFilter, qos: 1) }
        announceHomeAssistant(reason: "on connecting")
    }

    // MARK: Publishing

    func publish(topic: String, payload: [UInt8], qos: Int32, retain: Bool) {
        publisher.publish(topic: topic, payload: payload, qos: qos, retain: retain)
    }

    func utcNanoseconds(_ timestamp: Timestamp) -> Int64 { utc.utcNanoseconds(timestamp) }

    /// A fault of the gateway on `<prefix>/error`: numbered while numbers are left, so a
    /// subscriber sees it in order, else without `seq` rather than not at all.
    func publishFault(_ reason: String) {
        let payload = encoder.fault(message: reason, utc: utcNanoseconds(loop.now()), seq: sequence.next())
        publish(topic: topics.error, payload: payload, qos: 1, retain: false)
    }

    /// A fault of the outbox's disk on `<prefix>/error`, straight to the client (whose
    /// memory buffer holds it while the broker is away): the outbox refuses writes, and
    /// without a durable number it carries no `seq`, so no number is ever repeated.
    func publishFaultAroundOutbox(_ reason: String) {
        let payload = encoder.fault(message: reason, utc: utcNanoseconds(loop.now()), seq: nil)
        mqtt.publish(topic: topics.error, payload: payload, qos: 1, retain: false)
    }

    // MARK: Stopping

    /// Stops every bus's worker and logs how late their polls started.
    private func stopBusWorkers() {
        var lateness = PollLateness()
        var polled = 0
        for worker in workers {
            worker.stop()
            guard worker.pollLateness.count > 0 else { continue }
            logger.debug("\(worker.pollLateness.summary(on: "bus \(worker.number)"))")
            lateness.merge(worker.pollLateness)
            polled += 1
        }
        if polled > 0 { logger.info("\(lateness.summary(on: polled == 1 ? "1 bus" : "\(polled) buses"))") }
    }

    /// Stops sensors and signals, sets outputs to their safe values, delivers what is
    /// pending, publishes `offline`, disconnects, then calls `completion`.
    func shutdown(completion: @escaping () -> Void) {
        guard !shuttingDown else { return }
        shuttingDown = true
        logger.info("stopping: flushing \(publisher.backlog) pending messages")
        hardware.stop()
        // The polls stop now; expanders and PWM controllers are served until their safe values are written.
        for worker in workers { worker.replaceSensors(with: .none(clock: SystemClock())) }
        // Nothing may follow `offline`: periods and windows still open are not published.
        for input in inputs { input.timer.arm(nil, on: loop) {} }
        for sensor in sensors { sensor.timer.arm(nil, on: loop) {} }
        stopDerived()
        utcResyncTimer.arm(nil, on: loop) {}
        stopStatistics()
        stopMetrics()
        stopOutputs()
        stopPWM()
        // After the outputs' safe values: each bus's worker writes them before it ends.
        stopBusWorkers()
        releaseLines()
        let offline = OutgoingMessage(topic: topics.status, payload: Array("offline".utf8), qos: 1, retain: true)
        publisher.shutdown(timeout: .seconds(5), final: [offline]) { [unowned self] in
            sequence.close()
            let summary = statisticsSnapshot(lag: statistics.lag.runSummary)
            logger.info("stopped; \(summary.deliverySummary); \(summary.detailSummary)\(outboxSummary)")
            completion()
        }
    }

    private func releaseLines() {
        for input in inputs { input.release(loop: loop) }
        for output in outputs { output.request.release() }
        releaseExpanderLines()
    }
}

/// Topic names under the profile's prefix (docs/ARCHITECTURE.md, "Topics and payloads").
struct TopicScheme {
    let prefix: String
    var status: String { prefix + "/status" }
    var error: String { prefix + "/error" }
    var stats: String { prefix + "/stats" }
    /// `<prefix>/+/set`: every output's command topic.
    var commandFilter: String { prefix + "/+/set" }
    func state(_ id: String) -> String { prefix + "/" + id }
    /// `<prefix>/<sensor>/status`: whether the sensor answers (no driver has a channel named `status`).
    func sensorStatus(_ sensor: String) -> String { prefix + "/" + sensor + "/status" }
    /// `<prefix>/<input>/<metric>`: an input's edge metric.
    func metric(_ input: String, _ metric: String) -> String { prefix + "/" + input + "/" + metric }
    func channel(_ sensor: String, _ channel: String) -> String { prefix + "/" + sensor + "/" + channel }
    func window(_ sensor: String, _ channel: String, _ window: String) -> String {
        prefix + "/" + sensor + "/" + channel + "/" + window
    }
    func command(_ output: String) -> String { prefix + "/" + output + "/set" }
}
