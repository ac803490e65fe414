#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CMosquitto
import Logging
import Runtime
import SensorgateCore

/// Connecting, and reconnecting with backoff to the next broker of the list, one log
/// line per attempt; the CONNACK and disconnect callbacks land here.
extension MQTTClient {
    /// Starts connecting; returns at once. Failures are retried forever with backoff.
    public func start() {
        guard state == .idle else { return }
        connect()
    }

    func connect() {
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
        connectTimer = loop.schedule(after: configuration.connectTimeout) { [weak self] in
            guard let self else { return }
            connectTimer = nil
            guard state == .connecting else { return }
            forgetSocket()
            failedAttempt(silentAttemptReason())
        }
    }

    func failedAttempt(_ reason: String) {
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
    func connectionLost(_ reason: String) {
        let next = reconnects.next()
        let broker = brokerDescription
        let target = moveToNextBroker()
        logger.warning("lost connection to \(broker): \(reason); \(unacknowledged.count) unacknowledged messages will be re-sent; reconnect attempt \(next.attempt)\(target) in \(next.delay.readableDescription)")
        onDisconnect(reason)
        scheduleReconnect(after: next.delay)
    }

    /// Fails over to the next broker of the list; the text naming it for the log line
    /// (empty with one broker: the line has named it already).
    func moveToNextBroker() -> String {
        guard brokers.count > 1 else { return "" }
        brokers.advance()
        return " to \(brokerDescription)"
    }

    func scheduleReconnect(after delay: Interval) {
        guard state != .disconnecting, state != .stopped else { return }
        logger.debug("reconnect decision: attempt \(reconnects.attempts) to \(brokerDescription) after \(delay.readableDescription), drawn uniformly from 0...\(reconnects.ceiling(forAttempt: reconnects.attempts).readableDescription) (full jitter)")
        state = .waitingToReconnect
        reconnectTimer = loop.schedule(after: delay) { [weak self] in
            self?.reconnectTimer = nil
            self?.connect()
        }
    }

    func connected(rc: Int32) {
        guard rc == 0 else {
            // A refused CONNACK closes the socket; the disconnect callback follows and retries.
            let refusal = connectRefusal(rc)
            libraryError = "the broker refused the connection: \(refusal)"
            logger.error("broker \(brokerDescription) refused the connection: \(refusal)")
            return
        }
        cancelTimer(&connectTimer)
        let wasReconnect = everConnected
        state = .connected
        everConnected = true
        reconnects.reset()
        silence.heard(at: loop.now())
        statistics.connects += 1
        var session = configuration.cleanSession ? "" : " (persistent session)"
        if isVersion5 {
            session = configuration.cleanSession ? " over MQTT 5"
                : " over MQTT 5 (persistent session, kept \(configuration.sessionExpiry.readableDescription) after a disconnection)"
        }
        logger.info("\(wasReconnect ? "reconnected" : "connected") to \(brokerDescription) as '\(LogText.escaped(configuration.clientID))'\(session)")
        // Also with a persistent session: a broker that lost its state (restarted
        // without persistence, another node of a cluster) would otherwise forget them.
        for (topic, qos) in subscriptions { mosquitto_subscribe(handle, nil, topic, qos) }
        onConnect()
        drainBuffer()
        onReadyToSend()
        scheduleLivenessCheck()
    }

    func disconnected(rc: Int32) {
        forgetSocket()
        cancelTimer(&livenessTimer)
        switch state {
        case .disconnecting, .stopped:
            return
        case .connected:
            connectionLost(brokerDisconnect(rc) ?? failureReason(rc))
        case .connecting:
            failedAttempt(failureReason(rc))
        case .idle, .waitingToReconnect:
            break
        }
    }
}
