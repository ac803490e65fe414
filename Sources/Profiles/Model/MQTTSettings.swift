import SensorgateCore

/// MQTT quality of service.
public enum QoS: Int, Sendable, Equatable {
    case atMostOnce = 0, atLeastOnce = 1, exactlyOnce = 2
}

/// `mqtt:`
public struct MQTTSettings: Sendable, Equatable {
    /// `broker`, default `mqtt://127.0.0.1:1883`.
    public var broker: BrokerURL
    /// `client_id`, default the gateway id.
    public var clientID: String
    /// `topic_prefix`, default `sensorgate/<gateway.id>`. Never ends with `/`.
    public var topicPrefix: String
    /// `qos`, default 1.
    public var qos: QoS
    /// `retain`, default false, or true when Home Assistant discovery is on (so Home
    /// Assistant has every state after its own restart); the status topic is always retained.
    public var retain: Bool
    /// `keepalive`, default 30s (5s...65535s).
    public var keepalive: Interval
    public var username: String?
    public var passwordFile: String?
    public var tls: TLSSettings?
    /// `max_buffered`: messages kept in memory while the broker is unreachable, default 10000.
    /// Past it the oldest are dropped and counted.
    public var maxBuffered: Int
    /// `outbox:` (durable delivery; used from the outbox issue on).
    public var outbox: OutboxSettings?
    /// `home_assistant:`
    public var homeAssistant: HomeAssistantSettings?
    /// `brokers:` (or the one `broker`), tried in this order: the first is ``broker``.
    public var brokers: [BrokerURL]
    /// `password_env`: the environment variable holding the password.
    public var passwordEnvironment: String?
    /// `persistent_session`, default false: connect with clean session off, so the broker
    /// keeps the session (subscriptions, queued QoS 1/2 messages) across disconnections.
    public var persistentSession: Bool
    /// Every file the section names (CA, certificate, key, password file), where it is
    /// named: `sensorgate validate` checks that each can be read.
    public var referencedFiles: [ReferencedFile]
    /// `stats:` the retained statistics on `<prefix>/stats`, by default every 60 s.
    public var stats: StatisticsSettings
    /// `protocol`, default `3.1.1`, and the MQTT 5 settings.
    public var protocolSettings: MQTTProtocolSettings

    public init(broker: BrokerURL, clientID: String, topicPrefix: String, qos: QoS = .atLeastOnce, retain: Bool = false,
                keepalive: Interval = .seconds(30), username: String? = nil, passwordFile: String? = nil,
                tls: TLSSettings? = nil, maxBuffered: Int = 10_000, outbox: OutboxSettings? = nil,
                homeAssistant: HomeAssistantSettings? = nil, brokers: [BrokerURL]? = nil,
                passwordEnvironment: String? = nil, persistentSession: Bool = false,
                referencedFiles: [ReferencedFile] = [], stats: StatisticsSettings = StatisticsSettings(),
                protocolSettings: MQTTProtocolSettings = MQTTProtocolSettings()) {
        self.stats = stats
        self.protocolSettings = protocolSettings
        self.broker = broker
        self.clientID = clientID
        self.topicPrefix = topicPrefix
        self.qos = qos
        self.retain = retain
        self.keepalive = keepalive
        self.username = username
        self.passwordFile = passwordFile
        self.tls = tls
        self.maxBuffered = maxBuffered
        self.outbox = outbox
        self.homeAssistant = homeAssistant
        self.brokers = brokers ?? [broker]
        self.passwordEnvironment = passwordEnvironment
        self.persistentSession = persistentSession
        self.referencedFiles = referencedFiles
    }
}

public struct TLSSettings: Sendable, Equatable {
    /// `ca_file`: the CA certificates (PEM) the broker's certificate must chain to.
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    /// `ca_path`: a directory of CA certificates (hashed names, `c_rehash`); with neither
    /// this nor `ca_file`, the system's `/etc/ssl/certs`.
    public var caPath: String?
    /// `insecure`, default false: no check of the broker's certificate or host name.
    public var insecure: Bool
    public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, caPath: String? = nil,
                insecure: Bool = false) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.caPath = caPath
        self.insecure = insecure
    }
}

/// `mqtt.outbox:` durable delivery of QoS 1 and 2 messages.
public struct OutboxSettings: Sendable, Equatable {
    /// `path`: the database file; default `<state directory>/<gateway.id>.outbox`.
    public var path: String?
    /// `max_messages`, default 1,000,000.
    public var maxMessages: Int
    /// `max_bytes` (topic and payload bytes), default 256 MiB.
    public var maxBytes: Int
    /// `inflight`: messages sent and not yet acknowledged at once, default 100.
    public var inflight: Int
    /// `sync`: how often writes are forced to the disk (`0s`: every commit), default 1s.
    public var sync: Interval
    /// `batch`: the longest a message waits for the commit that stores it, default 10ms.
    public var batch: Interval

    public static let defaultMaxMessages = 1_000_000
    public static let defaultMaxBytes = 256 << 20
    public static let defaultInflight = 100
    public static let defaultSync = Interval.seconds(1)
    public static let defaultBatch = Interval.milliseconds(10)

    public init(path: String? = nil, maxMessages: Int = defaultMaxMessages, maxBytes: Int = defaultMaxBytes,
                inflight: Int = defaultInflight, sync: Interval = defaultSync, batch: Interval = defaultBatch) {
        self.path = path
        self.maxMessages = maxMessages
        self.maxBytes = maxBytes
        self.inflight = inflight
        self.sync = sync
        self.batch = batch
    }
}

/// `stats: { interval: 60s, log: true }`
public struct StatisticsSettings: Sendable, Equatable {
    /// `interval`, default 60s (1s...24h); nil (`0` or `off`) publishes no statistics and
    /// logs no periodic summary (the shutdown line still gives the run's totals).
    public var interval: Interval?
    /// `log`, default true: one summary line at info level per interval.
    public var log: Bool

    public init(interval: Interval? = .seconds(60), log: Bool = true) {
        self.interval = interval
        self.log = log
    }
}

/// `home_assistant: { discovery: true, prefix: homeassistant, mode: device }`
public struct HomeAssistantSettings: Sendable, Equatable {
    /// How the gateway's entities are announced.
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        /// One retained `<prefix>/device/<gateway id>/config` holding every component
        /// (Home Assistant 2024.11 and later).
        case device
        /// One retained `<prefix>/<component>/<gateway id>/<object id>/config` per entity,
        /// for Home Assistant releases before 2024.11.
        case entity
    }

    /// `discovery`, default false.
    public var discovery: Bool
    /// `prefix`: Home Assistant's discovery prefix, default `homeassistant`.
    public var prefix: String
    /// `mode`, default `device`.
    public var mode: Mode

    public init(discovery: Bool = false, prefix: String = "homeassistant", mode: Mode = .device) {
        self.discovery = discovery
        self.prefix = prefix
        self.mode = mode
    }
}
