import MQTT
import Runtime
import SensorgateCore

/// What systemd sees of a running gateway: `READY=1` after the start, a `STATUS=` line
/// every few seconds (the broker connection, messages published per minute, messages
/// waiting), `WATCHDOG=1` from the event loop, `RELOADING=1` then `READY=1` with what the
/// reload did around a reload, and `STOPPING=1` when the stop begins.
///
/// The watchdog is fed by a timer on the event loop itself, not by a thread of its own:
/// a loop that is stuck (a blocked handler, a livelock) stops feeding it, and systemd
/// restarts the gateway after `WatchdogSec=`.
///
/// Loop-confined; `@unchecked Sendable` only so that the loop thread's start closure and
/// ``EventLoop/execute(_:)`` can carry it to the loop, where every method runs.
final class ServiceSupervision: @unchecked Sendable {
    /// How often `STATUS=` is refreshed.
    static let statusInterval = Interval.seconds(10)

    private let notifier: SystemdNotifier
    private let loop: EventLoop
    private let runtime: GatewayRuntime
    private var statusTimer = DeadlineTimer()
    private var watchdogTimer = DeadlineTimer()
    private var publishedAtLastStatus: UInt64 = 0
    private var lastStatus: Timestamp
    private var stopBegun = false
    /// What the last reload did, shown with every later status.
    private var lastReload: String?

    init(notifier: SystemdNotifier, loop: EventLoop, runtime: GatewayRuntime) {
        self.notifier = notifier
        self.loop = loop
        self.runtime = runtime
        lastStatus = loop.now()
    }

    /// Call once ``GatewayRuntime/start()`` returned.
    func started() {
        guard notifier.isActive else { return }
        publishedAtLastStatus = runtime.clientStatistics.published
        lastStatus = loop.now()
        notifier.ready(status: describe(perMinute: nil))
        scheduleStatus()
        if let interval = notifier.watchdogInterval {
            // Twice per interval, as sd_watchdog_enabled(3) advises, so one late turn of
            // the loop is not a missed deadline.
            feedWatchdog(every: Interval(nanoseconds: max(interval.nanoseconds / 2, 1_000_000)))
        }
    }

    /// Call when a reload begins.
    func reloading() {
        guard notifier.isActive, !stopBegun else { return }
        notifier.reloading()
    }

    /// Call when a reload ended: `outcome` (`reloaded: ...` or why it was refused) stays the
    /// status until the next refresh, which adds it to the connection's line.
    func reloaded(_ outcome: String) {
        lastReload = outcome
        guard notifier.isActive, !stopBegun else { return }
        notifier.reloaded(status: outcome)
    }

    /// Call when the stop begins; the watchdog is still fed while the gateway flushes.
    func stopping() {
        guard notifier.isActive, !stopBegun else { return }
        stopBegun = true
        statusTimer.arm(nil, on: loop) {}
        notifier.stopping(status: "stopping: delivering \(runtime.publisher.backlog) pending messages")
    }

    private func scheduleStatus() {
        statusTimer.arm(loop.now() + Self.statusInterval, on: loop) { [unowned self] in
            statusTimer.fired()
            let now = loop.now()
            let published = runtime.clientStatistics.published
            let elapsed = (now - lastStatus).seconds
            let perMinute = elapsed > 0 ? Double(published &- publishedAtLastStatus) * 60 / elapsed : nil
            publishedAtLastStatus = published
            lastStatus = now
            notifier.status(describe(perMinute: perMinute))
            scheduleStatus()
        }
    }

    private func feedWatchdog(every period: Interval) {
        notifier.watchdog()
        watchdogTimer.arm(loop.now() + period, on: loop) { [unowned self] in
            watchdogTimer.fired()
            feedWatchdog(every: period)
        }
    }

    /// `connected to mqtt://broker:1883; 600 messages/min; 0 waiting`.
    private func describe(perMinute: Double?) -> String {
        let mqtt = runtime.mqtt
        let connection: String
        switch mqtt.state {
        case .connected: connection = "connected to \(mqtt.brokerDescription)"
        case .idle, .connecting: connection = "connecting to \(mqtt.brokerDescription)"
        case .waitingToReconnect: connection = "broker \(mqtt.brokerDescription) unreachable, retrying"
        case .disconnecting, .stopped: connection = "disconnected from \(mqtt.brokerDescription)"
        }
        let rate = perMinute.map { "\(Int($0.rounded())) messages/min" } ?? "\(runtime.clientStatistics.published) messages published"
        let reload = lastReload.map { "; \($0)" } ?? ""
        return "\(connection); \(rate); \(runtime.publisher.backlog) waiting\(reload)"
    }
}
