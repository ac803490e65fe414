#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinux
import Logging

/// The signals `sensorgate run` answers, and how.
///
/// Every signal that a person, a shell or systemd sends to end a process and that
/// terminates by default ends the gateway gracefully (outputs safe, `offline`, exit 0):
/// SIGTERM, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2. SIGHUP (`systemctl reload`) reloads the
/// profile: a closed terminal therefore reloads too, which with an unchanged profile
/// changes nothing, and never ends the gateway with outputs in an unsafe state. SIGPIPE is ignored so a
/// write to a closed socket or stderr fails with EPIPE instead of killing the process.
///
/// The handlers are installed by a constructor in `CLinux` before `main` (see there for
/// why), which writes each signal's number to a pipe: a signal that arrives in the first
/// milliseconds after exec waits in the pipe and becomes a graceful stop as soon as the
/// gateway can make one.
enum GatewaySignals {
    /// Starts the thread that reads the signals; `terminate` runs once, on that thread,
    /// for the first graceful signal. Later ones are logged only. `reload` runs on that
    /// thread for each SIGHUP before the stop begins; after it, SIGHUP is logged only.
    static func handle(logger: Logger, reload: @escaping @Sendable () -> Void,
                       terminate: @escaping @Sendable (String) -> Void) {
        let fd = sensorgate_signal_fd()
        guard fd >= 0 else {
            logger.warning("signals: the handlers could not be installed; SIGTERM and SIGINT kill the gateway without a graceful stop")
            return
        }
        LoopThread.start(name: "sensorgate-signals") {
            var stopping = false
            var byte: UInt8 = 0
            while true {
                let count = read(fd, &byte, 1)
                if count < 0 && errno == EINTR { continue }
                guard count == 1 else {
                    logger.error("signals: cannot read the signal pipe (errno \(errno)); signals are no longer handled")
                    return
                }
                let number = Int32(byte)
                let name = self.name(number)
                if number == SIGHUP {
                    if stopping {
                        logger.notice("received \(name): not reloading, the gateway is stopping")
                    } else {
                        logger.info("received \(name): reloading the profile")
                        reload()
                    }
                } else if stopping {
                    logger.notice("received \(name): already stopping")
                } else {
                    stopping = true
                    terminate(name)
                }
            }
        }
    }

    static func name(_ number: Int32) -> String {
        switch number {
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        case SIGQUIT: "SIGQUIT"
        case SIGUSR1: "SIGUSR1"
        case SIGUSR2: "SIGUSR2"
        case SIGHUP: "SIGHUP"
        default: "signal \(number)"
        }
    }
}
