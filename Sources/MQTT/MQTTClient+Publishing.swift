#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CMosquitto
import Logging
import Runtime
import SensorgateCore

/// Publishing: straight to libmosquitto while connected, else into the bounded buffer;
/// the tracked send the outbox uses; acknowledgements and subscriptions.
extension MQTTClient {
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
        let rc = publishToLibrary(&mid, topic: topic, payload: payload, qos: qos, retain: retain)
        switch Self.outcome(of: rc, qos: qos) {
        case .taken:
            if qos > 0 { unacknowledged.insert(mid) }
            updateInterest()
        case .connectionGone:
            // The connection went away under a QoS 0 message; keep it for the next connection.
            _ = buffer.prepend(OutgoingMessage(topic: topic, payload: payload, qos: qos, retain: retain))
        case .refused:
            statistics.dropped += 1
            statistics.refused += 1
            logger.error("cannot publish to '\(LogText.escaped(topic))': \(Self.describe(rc))")
        }
    }

    /// What `mosquitto_publish` did with a message, from its return code.
    enum PublishOutcome: Equatable {
        /// libmosquitto holds it: sent, or (QoS 1/2) queued and re-sent after the reconnect.
        case taken
        /// Lost with the connection (QoS 0 only): the caller keeps it for the next one.
        case connectionGone
        /// Refused before it was queued (too large, an invalid topic): it never will be taken.
        case refused
    }

    /// A QoS 1/2 message is queued inside libmosquitto before it tries the socket, so an
    /// error of the socket (no connection, connection lost, a failed write such as EPIPE
    /// while a broker dies, TLS) leaves the message there: it goes out after the reconnect
    /// and its acknowledgement comes under its mid. Only the checks before the queue refuse it.
    static func outcome(of rc: Int32, qos: Int32) -> PublishOutcome {
        if rc == MOSQ_ERR_SUCCESS.rawValue { return .taken }
        let socketErrors = [MOSQ_ERR_NO_CONN, MOSQ_ERR_CONN_LOST, MOSQ_ERR_ERRNO, MOSQ_ERR_TLS].map(\.rawValue)
        guard socketErrors.contains(rc) else { return .refused }
        return qos > 0 ? .taken : .connectionGone
    }

    /// True while a message handed to ``sendTracked(_:)`` goes to the broker now.
    public var canSend: Bool { state == .connected || state == .disconnecting }

    /// What ``sendTracked(_:)`` did with a message.
    public enum SendOutcome: Equatable, Sendable {
        /// With libmosquitto, under this mid, until the broker acknowledges it.
        case sent(mid: Int32)
        /// No connection: the caller keeps the message for the next one.
        case notConnected
        /// libmosquitto refused the message itself (too large, an invalid topic): it never will take it.
        case refused(String)
    }

    /// Hands a QoS 1/2 message to libmosquitto now, without buffering. Acknowledgements
    /// arrive through ``onAcknowledged``; libmosquitto re-sends the message after a reconnect.
    public func sendTracked(_ message: OutgoingMessage) -> SendOutcome {
        guard canSend else { return .notConnected }
        var mid: Int32 = 0
        let rc = publishToLibrary(&mid, topic: message.topic, payload: message.payload, qos: message.qos, retain: message.retain)
        switch Self.outcome(of: rc, qos: message.qos) {
        case .taken: break
        case .connectionGone: return .notConnected
        case .refused: return .refused(Self.describe(rc))
        }
        statistics.published += 1
        unacknowledged.insert(mid)
        updateInterest()
        return .sent(mid: mid)
    }

    func drainBuffer() {
        while state == .connected, let message = buffer.popFirst() {
            send(topic: message.topic, payload: message.payload, qos: message.qos, retain: message.retain)
        }
    }

    /// Runs inside libmosquitto's callback (its callback mutex held): never call back
    /// into its loop functions from here; `socketReady` checks shutdown progress after.
    func acknowledged(mid: Int32, reasonCode: Int32) {
        guard unacknowledged.remove(mid) != nil else { return }
        let code = ReasonCode(reasonCode)
        if isVersion5, code.isFailure {
            refusedByBroker(mid: mid, code)
            return
        }
        statistics.acknowledged += 1
        onAcknowledged(mid)
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
