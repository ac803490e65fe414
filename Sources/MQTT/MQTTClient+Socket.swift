#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CMosquitto
import Logging
import Runtime
import SensorgateCore

/// The MQTT socket on the event loop: read and write interest, libmosquitto's
/// housekeeping on a timer, and a broker that went silent given up.
extension MQTTClient {
    func watchSocket() {
        let fd = mosquitto_socket(handle)
        guard fd >= 0 else { return }
        if fd != registeredFD {
            forgetSocket()
            interest = mosquitto_want_write(handle) ? [.readable, .writable] : [.readable]
            do {
                try loop.register(fd: fd, interest: interest) { [weak self] readiness in
                    self?.socketReady(readiness)
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

    func updateInterest() {
        guard registeredFD >= 0 else { return }
        let wanted: EventLoop.Interest = mosquitto_want_write(handle) ? [.readable, .writable] : [.readable]
        if wanted != interest {
            interest = wanted
            loop.modify(fd: registeredFD, interest: wanted)
        }
    }

    func socketReady(_ readiness: EventLoop.Readiness) {
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
    func scheduleLivenessCheck() {
        cancelTimer(&livenessTimer)
        livenessTimer = loop.schedule(at: silence.nextCheck(after: loop.now())) { [weak self] in
            guard let self else { return }
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
    func abandonSilentConnection(_ reason: String) {
        let fd = mosquitto_socket(handle)
        forgetSocket()
        if fd >= 0 { shutDownBothWays(fd) }
        connectionLost(reason)
    }

    func cancelTimer(_ timer: inout EventLoop.TimerID?) {
        if let id = timer { loop.cancel(id) }
        timer = nil
    }
}

/// `shutdown(2)` on a socket; at file scope because ``MQTTClient/shutdown(timeout:final:completion:)``
/// hides the C function inside the class. A failure leaves a socket the reconnect closes anyway.
private func shutDownBothWays(_ fd: Int32) {
    _ = shutdown(fd, Int32(SHUT_RDWR))
}
