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
        /// Of ``dropped``: messages libmosquitto refused to send (too large, malformed topic).
        public var refused: UInt64 = 0
        public var connects: UInt64 = 0
        public var connectFailures: UInt64 = 0
    }

    public let configuration: MQTTClientConfiguration
    public internal(set) var state: State = .idle
    public private(set) var statistics = Statistics()

    /// Called on every successful connection (first and reconnects), before buffered messages go out.
    public var onConnect: () -> Void = {}
    /// Called when a connection ends or an attempt fails.
    public var onDisconnect: (_ reason: String) -> Void = { _ in }
    /// Called for every message on a subscribed topic.
    public var onMessage: (IncomingMessage) -> Void = { _ in }

    // Internal rather than private where MQTTClient+Shutdown.swift needs them.
    let loop: EventLoop
    let logger: Logger
    let handle: OpaquePointer
    var registeredFD: Int32 = -1
    private var interest: EventLoop.Interest = []
    private var livenessTimer: EventLoop.TimerID?
    var connectTimer: EventLoop.TimerID?
    var reconnectTimer: EventLoop.TimerID?
    private var everConnected = false
    /// The broker libmosquitto was last given by `mosquitto_connect_async`: another try
    /// at it is a `mosquitto_reconnect_async`, a try at another broker a new connect.
    private var configuredEndpoint: MQTTClientConfiguration.Endpoint?
    var brokers: BrokerList
    /// The last error libmosquitto logged during this attempt (OpenSSL's reason for a
    /// failed handshake arrives only that way).
    var libraryError: String?
    private var reconnects: ReconnectSchedule
    private var silence: BrokerSilence
    var buffer = MessageRing()
    var unacknowledged = Set<Int32>()
    private var subscriptions: [(topic: String, qos: Int32)] = []
    var shutdownCompletion: (() -> Void)?
    var shutdownDeadline: Timestamp?

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
        try check(mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, Int32(MQTT_PROTOCOL_V311)), "protocol version")
        try check(mosquitto_max_inflight_messages_set(handle, UInt32(max(1, configuration.maxInflight))), "max inflight")
        if let will = configuration.will {
            let rc = will.payload.withUnsafeBytes { bytes in
                mosquitto_will_set(handle, will.topic, Int32(bytes.count), bytes.baseAddress, will.qos, will.retain)
            }
            try check(rc, "last will")
        }
        if let username = configuration.username {
            try check(mosquitto_username_pw_set(handle, username, configuration.password), "username")
        }
        if let tls = configuration.tls { try configureTLS(tls) }
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
        mosquitto_log_callback_set(handle) { _, userdata, level, text in
            guard let client = MQTTClient.from(userdata), let text else { return }
            client.libraryLogged(level: level, String(cString: text))
        }
        mosquitto_connect_callback_set(handle) { _, userdata, rc in
            MQTTClient.from(userdata)?.connected(rc: rc)
        }
        mosquitto_disconnect_callback_set(handle) { _, userdata, rc in
            MQTTClient.from(userdata)?.disconnected(rc: rc)
        }
        mosquitto_publish_callback_set(handle) { _, userdata, mid in
            MQTTClient.from(userdata)?.acknowledged(mid: mid)
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

    // MARK: Connecting

    /// Starts connecting; returns at once. Failures are retried forever with backoff.
    public func start() {
        guard state == .idle else { return }
        connect()
    }

    private func connect() {
        state = .connecting
        libraryError = nil
        warnIfInsecure()
        let target = brokers.current
        let rc: Int32
        if configuredEndpoint == target {
            rc = mosquitto_reconnect_async(handle)
        } else {
            rc = mosquitto_connect_async(handle, target.host, Int32(target.port),
                                         Int32(configuration.keepalive.nanoseconds / 1_000_000_000))
            // Only invalid arguments (a keepalive under 5 s, say) leave the broker unset.
            configuredEndpoint = rc == MOSQ_ERR_INVAL.rawValue ? nil : target
        }
        guard rc == MOSQ_ERR_SUCCESS.rawValue else {
            failedAttempt(failureReason(rc))
            return
        }
        watchSocket()
        connectTimer = loop.schedule(after: configuration.connectTimeout) { [unowned self] in
            connectTimer = nil
            guard state == .connecting else { return }
            forgetSocket()
            failedAttempt(silentAttemptReason())
        }
    }

    private func failedAttempt(_ reason: String) {
        statistics.connectFailures += 1
        cancelTimer(&connectTimer)
        // Each line names the attempt that failed (none for the first connection) and the next.
        let failed = reconnects.attempts
        let next = reconnects.next()
        let failure = failed == 0 ? "" : " reconnect attempt \(failed) failed;"
        let broker = brokerDescription
        let target = moveToNextBroker()
        logger.warning("broker \(broker) unreachable (\(reason));\(failure) reconnect attempt \(next.attempt)\(target) in \(next.delay.readableDescription)")
        onDisconnect(reason)
        scheduleReconnect(after: next.delay)
    }

    /// An established connection ended: by libmosquitto's word or by ``BrokerSilence``.
    private func connectionLost(_ reason: String) {
        let next = reconnects.next()
        let broker = brokerDescription
        let target = moveToNextBroker()
        logger.warning("lost connection to \(broker): \(reason); \(unacknowledged.count) unacknowledged messages will be re-sent; reconnect attempt \(next.attempt)\(target) in \(next.delay.readableDescription)")
        onDisconnect(reason)
        scheduleReconnect(after: next.delay)
    }

    /// Fails over to the next broker of the list; the text naming it for the log line
    /// (empty with one broker: the line has named it already).
    private func moveToNextBroker() -> String {
        guard brokers.count > 1 else { return "" }
        brokers.advance()
        return " to \(brokerDescription)"
    }

    private func scheduleReconnect(after delay: Interval) {
        guard state != .disconnecting, state != .stopped else { return }
        state = .waitingToReconnect
        reconnectTimer = loop.schedule(after: delay) { [unowned self] in
            reconnectTimer = nil
            connect()
        }
    }

    private func connected(rc: Int32) {
        guard rc == 0 else {
            // A refused CONNACK closes the socket; the disconnect callback follows and retries.
            libraryError = "the broker refused the connection: \(String(cString: mosquitto_connack_string(rc)))"
            logger.error("broker \(brokerDescription) refused the connection: \(String(cString: mosquitto_connack_string(rc)))")
            return
        }
        cancelTimer(&connectTimer)
        let wasReconnect = everConnected
        state = .connected
        everConnected = true
        reconnects.reset()
        silence.heard(at: loop.now())
        statistics.connects += 1
        let session = configuration.cleanSession ? "" : " (persistent session)"
        logger.info("\(wasReconnect ? "reconnected" : "connected") to \(brokerDescription) as '\(LogText.escaped(configuration.clientID))'\(session)")
        // Also with a persistent session: a broker that lost its state (restarted
        // without persistence, another node of a cluster) would otherwise forget them.
        for (topic, qos) in subscriptions { mosquitto_subscribe(handle, nil, topic, qos) }
        onConnect()
        drainBuffer()
        scheduleLivenessCheck()
    }

    private func disconnected(rc: Int32) {
        forgetSocket()
        cancelTimer(&livenessTimer)
        switch state {
        case .disconnecting, .stopped:
            return
        case .connected:
            connectionLost(failureReason(rc))
        case .connecting:
            failedAttempt(failureReason(rc))
        case .idle, .waitingToReconnect:
            break
        }
    }

    // MARK: The socket

    private func watchSocket() {
        let fd = mosquitto_socket(handle)
        guard fd >= 0 else { return }
        if fd != registeredFD {
            forgetSocket()
            interest = mosquitto_want_write(handle) ? [.readable, .writable] : [.readable]
            do {
                try loop.register(fd: fd, interest: interest) { [unowned self] readiness in
                    socketReady(readiness)
                }
                registeredFD = fd
            } catch {
                logger.error("cannot watch the MQTT socket: \(error)")
            }
        } else {
            updateInterest()
        }
    }

    func forgetSocket() {
        guard registeredFD >= 0 else { return }
        loop.unregister(fd: registeredFD)
        registeredFD = -1
        interest = []
    }

    private func updateInterest() {
        guard registeredFD >= 0 else { return }
        let wanted: EventLoop.Interest = mosquitto_want_write(handle) ? [.readable, .writable] : [.readable]
        if wanted != interest {
            interest = wanted
            loop.modify(fd: registeredFD, interest: wanted)
        }
    }

    private func socketReady(_ readiness: EventLoop.Readiness) {
        if readiness.readable { silence.heard(at: loop.now()) }
        // A disconnect callback, if libmosquitto ran one, has forgotten the socket already.
        var rc = MOSQ_ERR_SUCCESS.rawValue
        if readiness.readable || readiness.failed {
            rc = mosquitto_loop_read(handle, 1)
        }
        if readiness.writable, registeredFD >= 0, mosquitto_socket(handle) == registeredFD {
            let written = mosquitto_loop_write(handle, 1)
            if rc == MOSQ_ERR_SUCCESS.rawValue { rc = written }
        }
        if registeredFD >= 0, mosquitto_socket(handle) != registeredFD {
            // libmosquitto closed the socket without a callback: a failed TLS handshake
            // (it closes the socket and returns MOSQ_ERR_TLS) or a failed connect write.
            forgetSocket()
            let reason = rc == MOSQ_ERR_SUCCESS.rawValue ? "connection failed" : failureReason(rc)
            switch state {
            case .connecting: failedAttempt(reason)
            case .connected:
                cancelTimer(&livenessTimer)
                connectionLost(reason)
            default: break
            }
            return
        }
        updateInterest()
        checkShutdownProgress()
    }

    /// Runs libmosquitto's misc function (its PINGREQ) often enough for the answer to
    /// arrive before ``BrokerSilence/limit``, and gives the connection up at that limit.
    private func scheduleLivenessCheck() {
        cancelTimer(&livenessTimer)
        livenessTimer = loop.schedule(at: silence.nextCheck(after: loop.now())) { [unowned self] in
            livenessTimer = nil
            guard state == .connected || state == .disconnecting else { return }
            if state == .connected, let reason = silence.verdict(at: loop.now()) {
                abandonSilentConnection(reason)
                return
            }
            _ = mosquitto_loop_misc(handle)
            // The misc function may have closed the socket and run the disconnect callback.
            guard state == .connected || state == .disconnecting else { return }
            updateInterest()
            if state == .connected { scheduleLivenessCheck() }
        }
    }

    /// The broker is silent but its TCP connection stands: stop watching the socket and
    /// shut it down so nothing more is read from it; the reconnect closes it for good
    /// (`mosquitto_reconnect_async` closes the old socket before opening the new one).
    private func abandonSilentConnection(_ reason: String) {
        let fd = mosquitto_socket(handle)
        forgetSocket()
        if fd >= 0 { shutDownBothWays(fd) }
        connectionLost(reason)
    }

    func cancelTimer(_ timer: inout EventLoop.TimerID?) {
        if let id = timer { loop.cancel(id) }
        timer = nil
    }

    // MARK: Publishing

    /// Publishes now if connected, else buffers (bounded). Never blocks.
    public func publish(topic: String, payload: [UInt8], qos: Int32, retain: Bool) {
        statistics.published += 1
        guard state == .connected, buffer.isEmpty else {
            if buffer.append(OutgoingMessage(topic: topic, payload: payload, qos: qos, retain: retain)) {
                statistics.dropped += 1
                if statistics.dropped == 1 || statistics.dropped.isMultiple(of: 1000) {
                    logger.warning("broker unreachable and \(buffer.capacity) messages buffered: dropped the oldest (\(statistics.dropped) so far)")
                }
            }
            return
        }
        send(topic: topic, payload: payload, qos: qos, retain: retain)
    }

    func send(topic: String, payload: [UInt8], qos: Int32, retain: Bool) {
        var mid: Int32 = 0
        let rc = payload.withUnsafeBytes { bytes in
            mosquitto_publish(handle, &mid, topic, Int32(bytes.count), bytes.baseAddress, qos, retain)
        }
        if rc == MOSQ_ERR_SUCCESS.rawValue {
            if qos > 0 { unacknowledged.insert(mid) }
            updateInterest()
        } else if rc == MOSQ_ERR_NO_CONN.rawValue || rc == MOSQ_ERR_CONN_LOST.rawValue {
            // The connection went away under us; keep the message for the next connection.
            _ = buffer.prepend(OutgoingMessage(topic: topic, payload: payload, qos: qos, retain: retain))
        } else {
            statistics.dropped += 1
            statistics.refused += 1
            logger.error("cannot publish to '\(LogText.escaped(topic))': \(Self.describe(rc))")
        }
    }

    private func drainBuffer() {
        while state == .connected, let message = buffer.popFirst() {
            send(topic: message.topic, payload: message.payload, qos: message.qos, retain: message.retain)
        }
    }

    /// Runs inside libmosquitto's callback (its callback mutex held): never call back
    /// into its loop functions from here; `socketReady` checks shutdown progress after.
    private func acknowledged(mid: Int32) {
        if unacknowledged.remove(mid) != nil { statistics.acknowledged += 1 }
    }

    /// Subscribes now and after every reconnect. Subscribing to a topic again (every
    /// `onConnect` may) only updates its QoS: each filter is sent once per connection.
    public func subscribe(_ topic: String, qos: Int32) {
        if let index = subscriptions.firstIndex(where: { $0.topic == topic }) {
            let known = subscriptions[index]
            subscriptions[index].qos = qos
            // While connected, a known filter has been sent on this connection already
            // (by `connected(rc:)` or by the earlier call).
            if known.qos == qos { return }
        } else {
            subscriptions.append((topic, qos))
        }
        if state == .connected {
            mosquitto_subscribe(handle, nil, topic, qos)
            updateInterest()
        }
    }
}

/// `shutdown(2)` on a socket; at file scope because ``MQTTClient/shutdown(timeout:final:completion:)``
/// hides the C function inside the class. A failure leaves a socket the reconnect closes anyway.
private func shutDownBothWays(_ fd: Int32) {
    _ = shutdown(fd, Int32(SHUT_RDWR))
}
