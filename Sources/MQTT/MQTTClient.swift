#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CMosquitto
import Logging
import Runtime
import SensorgateCore

/// A libmosquitto client driven by the gateway's ``EventLoop``: no thread of its own.
///
/// The MQTT socket is watched by the loop (`mosquitto_loop_read`/`_write` when it is
/// ready, `mosquitto_loop_misc` on a keepalive timer), `TCP_NODELAY` is set, and a
/// lost or refused connection is retried with exponential backoff and full jitter
/// (``ReconnectSchedule``), on the next broker of the list if there are several
/// (``BrokerList``), one log line per failure naming the broker, the reason, the attempt
/// that failed and the one that follows. A
/// broker that sends nothing for 1.5 x keepalive is given up (``BrokerSilence``). While
/// the broker is unreachable, published messages wait in a bounded in-memory buffer
/// (``MQTTClientConfiguration/maxBuffered``): past it, the oldest are dropped and counted. QoS 1/2 messages already handed to libmosquitto are re-sent by
/// it after a reconnect.
///
/// Loop-confined: create, use and shut it down on the loop thread only.
public final class MQTTClient {
    public enum State: Equatable, Sendable {
        case idle, connecting, connected, waitingToReconnect, disconnecting, stopped
    }

    public struct Statistics: Sendable, Equatable {
        public var published: UInt64 = 0
        public var acknowledged: UInt64 = 0
        /// Every message given up: the oldest of a full buffer, and ``refused``.
        public var dropped: UInt64 = 0
        /// Of ``dropped``: messages libmosquitto refused to send (too large, malformed topic)
        /// and, under MQTT 5, QoS 1/2 messages the broker refused by reason code (PUBACK,
        /// PUBREC from 0x80: not authorized, quota exceeded...), never re-sent.
        public var refused: UInt64 = 0
        public var connects: UInt64 = 0
        public var connectFailures: UInt64 = 0

        public init() {}
    }

    public let configuration: MQTTClientConfiguration
    public internal(set) var state: State = .idle
    public internal(set) var statistics = Statistics()

    /// Called on every successful connection (first and reconnects), before buffered messages go out.
    public var onConnect: () -> Void = {}
    /// Called when a connection ends or an attempt fails.
    public var onDisconnect: (_ reason: String) -> Void = { _ in }
    /// Called for every message on a subscribed topic.
    public var onMessage: (IncomingMessage) -> Void = { _ in }
    /// Called with the mid of every QoS 1/2 message the broker acknowledged (PUBACK,
    /// PUBCOMP). Runs inside libmosquitto's callback: it must not call back into the client.
    public var onAcknowledged: (_ mid: Int32) -> Void = { _ in }
    /// Called with the mid and the reason of a QoS 1/2 message the broker refused by an
    /// MQTT 5 reason code (PUBACK, PUBREC); returns true if the message was the caller's
    /// (sent by ``sendTracked(_:)``) and it accounts for it. Runs inside libmosquitto's callback.
    public var onRefused: (_ mid: Int32, _ reason: String) -> Bool = { _, _ in false }
    /// Called after every successful connection once buffered messages went out: a durable
    /// queue in front of the client sends what waits for the broker.
    public var onReadyToSend: () -> Void = {}

    // Internal rather than private: the extensions in MQTTClient+*.swift share them.
    let loop: EventLoop
    let logger: Logger
    let handle: OpaquePointer
    var registeredFD: Int32 = -1
    var interest: EventLoop.Interest = []
    var livenessTimer: EventLoop.TimerID?
    var connectTimer: EventLoop.TimerID?
    var reconnectTimer: EventLoop.TimerID?
    var everConnected = false
    /// The broker libmosquitto was last given by `mosquitto_connect_async`: another try
    /// at it is a `mosquitto_reconnect_async`, a try at another broker a new connect.
    var configuredEndpoint: MQTTClientConfiguration.Endpoint?
    var brokers: BrokerList
    /// The last error libmosquitto logged during this attempt (OpenSSL's reason for a
    /// failed handshake arrives only that way).
    var libraryError: String?
    var reconnects: ReconnectSchedule
    var silence: BrokerSilence
    var buffer = MessageRing()
    var unacknowledged = Set<Int32>()
    var subscriptions: [(topic: String, qos: Int32)] = []
    var shutdownCompletion: (() -> Void)?
    var shutdownDeadline: Timestamp?
    /// MQTT 5 only: the constant properties of every PUBLISH.
    var publishProperties: PublishProperties?
    /// Messages the broker refused by reason code, for the rate of log lines.
    var brokerRefusals: UInt64 = 0

    public init(configuration: MQTTClientConfiguration, loop: EventLoop, logger: Logger) throws(MQTTError) {
        MosquittoLibrary.initialise()
        guard let handle = mosquitto_new(configuration.clientID, configuration.cleanSession, nil) else {
            throw MQTTError("cannot create a libmosquitto client: \(String(cString: strerror(errno)))")
        }
        self.handle = handle
        self.configuration = configuration
        self.loop = loop
        self.logger = logger
        brokers = BrokerList(first: .init(host: configuration.host, port: configuration.port),
                             failover: configuration.failover)
        reconnects = ReconnectSchedule(minimum: configuration.reconnectMinDelay, maximum: configuration.reconnectMaxDelay)
        silence = BrokerSilence(keepalive: configuration.keepalive, lastHeard: loop.now())
        buffer.capacity = max(1, configuration.maxBuffered)
        try check(mosquitto_int_option(handle, MOSQ_OPT_TCP_NODELAY, 1), "TCP_NODELAY")
        if configuration.protocolVersion == .v5 {
            try configureVersion5()
            publishProperties = try PublishProperties(userProperties: configuration.userProperties,
                                                      messageExpiry: configuration.messageExpiry)
        } else {
            try check(mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, Int32(MQTT_PROTOCOL_V311)), "protocol version")
        }
        try check(mosquitto_max_inflight_messages_set(handle, UInt32(max(1, configuration.maxInflight))), "max inflight")
        if let will = configuration.will { try setWill(will) }
        if let username = configuration.username {
            try check(mosquitto_username_pw_set(handle, username, configuration.password), "username")
        }
        if let tls = configuration.tls { try configureTLS(tls) }
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
        mosquitto_log_callback_set(handle) { _, userdata, level, text in
            guard let client = MQTTClient.from(userdata), let text else { return }
            client.libraryLogged(level: level, String(cString: text))
        }
        // The _v5 callbacks serve both versions; under 3.1.1 their reason codes are 0.
        mosquitto_connect_v5_callback_set(handle) { _, userdata, rc, _, _ in
            MQTTClient.from(userdata)?.connected(rc: rc)
        }
        mosquitto_disconnect_v5_callback_set(handle) { _, userdata, rc, _ in
            MQTTClient.from(userdata)?.disconnected(rc: rc)
        }
        mosquitto_publish_v5_callback_set(handle) { _, userdata, mid, reason, _ in
            MQTTClient.from(userdata)?.acknowledged(mid: mid, reasonCode: reason)
        }
        mosquitto_message_callback_set(handle) { _, userdata, message in
            guard let client = MQTTClient.from(userdata), let message else { return }
            let size = Int(message.pointee.payloadlen)
            let count = min(size, max(0, client.configuration.maxIncomingPayload))
            var payload = [UInt8](repeating: 0, count: count)
            if count > 0, let source = message.pointee.payload {
                payload.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: source, count: count)) }
            }
            client.onMessage(IncomingMessage(topic: String(cString: message.pointee.topic), payload: payload,
                                             size: size, retained: message.pointee.retain))
        }
    }

    deinit {
        mosquitto_destroy(handle)
    }

    private static func from(_ userdata: UnsafeMutableRawPointer?) -> MQTTClient? {
        userdata.map { Unmanaged<MQTTClient>.fromOpaque($0).takeUnretainedValue() }
    }

    func check(_ rc: Int32, _ what: String) throws(MQTTError) {
        guard rc == MOSQ_ERR_SUCCESS.rawValue else { throw MQTTError("\(what): \(Self.describe(rc))") }
    }

    static func describe(_ rc: Int32) -> String {
        if rc == MOSQ_ERR_ERRNO.rawValue { return String(cString: strerror(errno)) }
        // libmosquitto 2.0.11's mosquitto_strerror has no text for its own keepalive code.
        if rc == MOSQ_ERR_KEEPALIVE.rawValue { return "the broker did not answer a keepalive ping" }
        return String(cString: mosquitto_strerror(rc))
    }

    /// The broker as every connection log line names it; the host escaped, as it may come
    /// from a caller that did not check it the way ``BrokerURL`` does.
    public var brokerDescription: String { describe(brokers.current) }

    func describe(_ endpoint: MQTTClientConfiguration.Endpoint) -> String {
        let host = endpoint.host.contains(":") ? "[\(endpoint.host)]" : endpoint.host
        return "\(configuration.tls == nil ? "mqtt" : "mqtts")://\(LogText.escaped(host)):\(endpoint.port)"
    }

    /// Messages waiting for the broker (buffered plus unacknowledged QoS > 0).
    public var backlog: Int { buffer.count + unacknowledged.count }
}
