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
    /// `retain`, default false (the status topic is always retained).
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

    public init(broker: BrokerURL, clientID: String, topicPrefix: String, qos: QoS = .atLeastOnce, retain: Bool = false,
                keepalive: Interval = .seconds(30), username: String? = nil, passwordFile: String? = nil,
                tls: TLSSettings? = nil, maxBuffered: Int = 10_000, outbox: OutboxSettings? = nil,
                homeAssistant: HomeAssistantSettings? = nil) {
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
    }
}

public struct TLSSettings: Sendable, Equatable {
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
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

public struct HomeAssistantSettings: Sendable, Equatable {
    public var discovery: Bool
    public var prefix: String
    public init(discovery: Bool = false, prefix: String = "homeassistant") {
        self.discovery = discovery
        self.prefix = prefix
    }
}
