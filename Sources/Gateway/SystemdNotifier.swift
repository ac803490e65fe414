#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSystemd
import Logging
import SensorgateCore

/// The gateway's messages to systemd under `Type=notify` (sd_notify(3)): `READY=1`,
/// `STATUS=…`, `WATCHDOG=1`, `RELOADING=1`, `STOPPING=1`.
///
/// Outside a service manager (no `$NOTIFY_SOCKET`) nothing is sent, so the same binary
/// runs from a shell, a container or a test. A message systemd does not receive is not a
/// reason to stop the gateway (systemd itself then acts on its own timeouts): the first
/// failure is logged, later ones only counted.
final class SystemdNotifier {
    /// Whether a service manager listens.
    let isActive: Bool
    /// `WatchdogSec=` of the unit, when systemd expects `WATCHDOG=1` from this process.
    let watchdogInterval: Interval?
    private let logger: Logger
    private(set) var failures = 0

    init(logger: Logger) {
        self.logger = logger
        isActive = getenv("NOTIFY_SOCKET") != nil
        var microseconds: UInt64 = 0
        // 0: keep $WATCHDOG_USEC and $WATCHDOG_PID for the process's later checks.
        if sd_watchdog_enabled(0, &microseconds) > 0, microseconds > 0 {
            watchdogInterval = Interval(nanoseconds: Int64(clamping: microseconds) &* 1_000)
        } else {
            watchdogInterval = nil
        }
    }

    /// The start is done: the profile is valid, the hardware open, the first connection tried.
    func ready(status: String) { send("READY=1\nSTATUS=" + Self.statusLine(status)) }
    func status(_ text: String) { send("STATUS=" + Self.statusLine(text)) }
    func watchdog() { send("WATCHDOG=1") }
    /// A reload begins: `MONOTONIC_USEC` is the CLOCK_MONOTONIC time of the message, which
    /// systemd 253 and later want with `RELOADING=1` (`Type=notify-reload`) and older ones ignore.
    func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let microseconds = UInt64(now.tv_sec) &* 1_000_000 &+ UInt64(now.tv_nsec / 1_000)
        send("RELOADING=1\nMONOTONIC_USEC=\(microseconds)")
    }
    /// A reload is done, applied or refused (`status` says which): running again.
    func reloaded(status: String) { send("READY=1\nSTATUS=" + Self.statusLine(status)) }
    func stopping(status: String) { send("STOPPING=1\nSTATUS=" + Self.statusLine(status)) }

    private func send(_ fields: String) {
        guard isActive else { return }
        let result = sd_notify(0, fields)
        guard result < 0 else { return }
        failures += 1
        if failures == 1 {
            logger.warning("cannot notify systemd (\(String(cString: strerror(-result)))); the service manager may consider the gateway stuck")
        }
    }

    /// One line: systemd's `STATUS=` ends at a newline.
    static func statusLine(_ text: String) -> String {
        String(text.map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }
}
