import SensorgateCore

/// How the client connects. Built by the gateway from the profile's `mqtt:` section.
public struct MQTTClientConfiguration: Sendable, Equatable {
    public struct TLS: Sendable, Equatable {
        /// CA bundle; with neither this nor `caPath`, the system's certificates (`/etc/ssl/certs`).
        public var caFile: String?
        public var certFile: String?
        public var keyFile: String?
        /// A directory of CA certificates under their hashed names (`openssl rehash`).
        public var caPath: String?
        /// Neither the broker's certificate chain nor its host name is checked: for a
        /// test bench only, and logged as a warning at every connection.
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

    /// A broker to fail over to: the same scheme, TLS settings and credentials as the first.
    public struct Endpoint: Sendable, Equatable {
        public var host: String
        public var port: Int
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    /// A message the broker publishes for us if we vanish.
    public struct Will: Sendable, Equatable {
        public var topic: String
        public var payload: [UInt8]
        public var qos: Int32
        public var retain: Bool
        public init(topic: String, payload: [UInt8], qos: Int32, retain: Bool) {
            self.topic = topic
            self.payload = payload
            self.qos = qos
            self.retain = retain
        }
    }

    /// The MQTT version spoken to the broker.
    public enum ProtocolVersion: Sendable, Equatable {
        case v311, v5
    }

    /// A name and value sent with every PUBLISH under MQTT 5.
    public struct UserProperty: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public var host: String
    public var port: Int
    public var tls: TLS?
    public var clientID: String
    public var keepalive: Interval
    public var username: String?
    public var password: String?
    public var will: Will?
    /// QoS > 0 messages in flight to the broker at once (libmosquitto's window).
    public var maxInflight: Int
    /// Messages held in memory while the broker is unreachable; past this the oldest are dropped and counted.
    public var maxBuffered: Int
    /// First reconnect delay; doubles per failed attempt up to `reconnectMaxDelay`.
    public var reconnectMinDelay: Interval
    public var reconnectMaxDelay: Interval
    /// A connection attempt with no CONNACK after this long is abandoned and retried.
    public var connectTimeout: Interval
    /// The most bytes of a received payload passed on (``IncomingMessage``); the rest of
    /// a longer one is never copied.
    public var maxIncomingPayload: Int
    /// Brokers tried after `host:port` fails, in order (``BrokerList``); empty: none.
    public var failover: [Endpoint] = []
    /// False asks the broker to keep the session (subscriptions and queued QoS 1/2
    /// messages) while the gateway is away; it needs a `clientID` that stays the same.
    public var cleanSession = true
    /// MQTT 3.1.1 (the default) or 5; the fields below apply to MQTT 5 only.
    public var protocolVersion = ProtocolVersion.v311
    /// How long the broker keeps a persistent session (``cleanSession`` false) after the
    /// connection ends; a clean session ends with the connection (0). MQTT 5 only: a
    /// 3.1.1 broker keeps persistent sessions as long as it is configured to.
    public var sessionExpiry = Interval.seconds(3_600)
    /// The message expiry interval of every PUBLISH that is not retained, counted by the
    /// broker from when it receives the message; nil: messages do not expire.
    public var messageExpiry: Interval?
    /// Sent with every PUBLISH (the gateway sends its id as `gateway`).
    public var userProperties: [UserProperty] = []

    public init(host: String, port: Int, tls: TLS? = nil, clientID: String, keepalive: Interval = .seconds(30),
                username: String? = nil, password: String? = nil, will: Will? = nil, maxInflight: Int = 100,
                maxBuffered: Int = 10_000, reconnectMinDelay: Interval = .milliseconds(500),
                reconnectMaxDelay: Interval = .seconds(30), connectTimeout: Interval = .seconds(10),
                maxIncomingPayload: Int = 65_536) {
        self.host = host
        self.port = port
        self.tls = tls
        self.clientID = clientID
        self.keepalive = keepalive
        self.username = username
        self.password = password
        self.will = will
        self.maxInflight = maxInflight
        self.maxBuffered = maxBuffered
        self.reconnectMinDelay = reconnectMinDelay
        self.reconnectMaxDelay = reconnectMaxDelay
        self.connectTimeout = connectTimeout
        self.maxIncomingPayload = maxIncomingPayload
    }
}

extension MQTTClientConfiguration {
    /// An interval as the 4-byte whole seconds of MQTT 5's expiry properties, rounded up
    /// (so an interval never shrinks to 0, which means "at once" or "never"), at most
    /// 0xFFFFFFFE (0xFFFFFFFF means "never" for a session).
    static func wholeSeconds(_ interval: Interval) -> UInt32 {
        let nanoseconds = max(interval.nanoseconds, 1)
        let seconds = nanoseconds / 1_000_000_000 + (nanoseconds % 1_000_000_000 == 0 ? 0 : 1)
        return UInt32(min(seconds, Int64(UInt32.max - 1)))
    }
}
