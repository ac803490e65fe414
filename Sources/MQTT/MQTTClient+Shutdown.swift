#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CMosquitto
import Logging
import Runtime
import SensorgateCore

/// Stopping: what is pending is delivered (within a time limit), then a clean disconnect.
extension MQTTClient {
    /// Delivers what is buffered and unacknowledged (waiting at most `timeout`), sends
    /// `final` messages (e.g. the retained `offline`), disconnects cleanly and calls
    /// `completion`. Without a connection, the backlog is reported as undelivered.
    public func shutdown(timeout: Interval, final: [OutgoingMessage], completion: @escaping () -> Void) {
        cancelTimer(&reconnectTimer)
        cancelTimer(&connectTimer)
        guard state == .connected else {
            if backlog > 0 {
                logger.warning("stopping without a broker: \(backlog) messages were not delivered")
            }
            state = .stopped
            forgetSocket()
            completion()
            return
        }
        for message in final { publish(topic: message.topic, payload: message.payload, qos: message.qos, retain: message.retain) }
        state = .disconnecting
        shutdownCompletion = completion
        shutdownDeadline = loop.now() + timeout
        pollShutdown()
    }

    private func pollShutdown() {
        checkShutdownProgress()
        guard shutdownCompletion != nil else { return }
        loop.schedule(after: .milliseconds(20)) { [weak self] in self?.pollShutdown() }
    }

    func checkShutdownProgress() {
        guard state == .disconnecting, let completion = shutdownCompletion else { return }
        drainBufferWhileDisconnecting()
        let pendingWrite = mosquitto_want_write(handle)
        let timedOut = shutdownDeadline.map { loop.now() >= $0 } ?? false
        guard (buffer.isEmpty && unacknowledged.isEmpty && !pendingWrite) || timedOut || registeredFD < 0 else { return }
        if timedOut, backlog > 0 {
            logger.warning("shutdown timed out with \(backlog) messages unacknowledged")
        }
        shutdownCompletion = nil
        mosquitto_disconnect(handle)
        _ = mosquitto_loop_write(handle, 1)
        forgetSocket()
        state = .stopped
        completion()
    }

    private func drainBufferWhileDisconnecting() {
        while let message = buffer.popFirst() {
            send(topic: message.topic, payload: message.payload, qos: message.qos, retain: message.retain)
        }
    }
}
