import Profiles
import SensorDrivers
import SensorgateCore

/// A PCA9685 in `expanders:`: set up while the gateway starts, then its channels written
/// by its bus's worker (``AttendedBusPart``) whenever a command changed one, so the event
/// loop never waits on the bus. After a failed write the part is set up again (it may have lost
/// power and forgotten its prescaler) and every channel rewritten, retried every second.
final class PWMController: AttendedBusPart, @unchecked Sendable {
    let spec: ExpanderSpec
    let part: PCA9685
    let bus: any I2CBus
    /// A failed or recovered write: a message for the log and `<prefix>/error`.
    var onTrouble: (@Sendable (_ message: String, _ recovered: Bool) -> Void)?
    var requestTurn: (@Sendable () -> Void)?

    static let retryDelay = Interval.seconds(1)

    private let clock: any MonotonicClock
    private let lock = Mutex()
    /// Every channel's count as last asked for, and those not yet written.
    private var counts: [Int: Int] = [:]
    private var pending: Set<Int> = []
    private var needsSetUp = false
    private var failing = false
    /// The worker's: when a failed write is tried again.
    private var retryAt: Timestamp?

    init(spec: ExpanderSpec, bus: any I2CBus, clock: any MonotonicClock = SystemClock()) {
        self.spec = spec
        self.part = PCA9685(frequency: spec.frequency)
        self.bus = bus
        self.clock = clock
    }

    /// The period at the frequency the part really runs at (its prescaler rounds).
    var period: Interval { part.period }

    /// Sets the part up and writes the channels' first counts (blocking: the gateway is starting).
    func open(initial: [Int: Int]) throws(I2CError) {
        try part.setUp(bus: bus, address: spec.address)
        for (channel, count) in initial.sorted(by: { $0.key < $1.key }) {
            try part.write(bus: bus, address: spec.address, channel: channel, count: count)
        }
        lock.withLock { counts = initial }
    }

    /// Loop thread: channel `channel` should be `count` of 4096 steps high.
    func set(channel: Int, count: Int) {
        lock.withLock {
            counts[channel] = count
            pending.insert(channel)
        }
        requestTurn?()
    }

    func serve(now: Timestamp) -> Timestamp? {
        if let retryAt, now < retryAt { return retryAt }
        retryAt = nil
        let (channels, all, setUpFirst) = lock.withLock { () -> ([Int], [Int: Int], Bool) in
            defer { pending.removeAll() }
            return (pending.sorted(), counts, needsSetUp)
        }
        guard setUpFirst || !channels.isEmpty else { return nil }
        do {
            if setUpFirst {
                try part.setUp(bus: bus, address: spec.address)
                for (channel, count) in all.sorted(by: { $0.key < $1.key }) {
                    try part.write(bus: bus, address: spec.address, channel: channel, count: count)
                }
            } else {
                for channel in channels {
                    try part.write(bus: bus, address: spec.address, channel: channel, count: all[channel] ?? 0)
                }
            }
            let recovered = lock.withLock { () -> Bool in
                defer {
                    failing = false
                    needsSetUp = false
                }
                return failing
            }
            if recovered { onTrouble?("expander '\(spec.id)' answers again", true) }
        } catch {
            let first = lock.withLock { () -> Bool in
                defer {
                    failing = true
                    needsSetUp = true
                }
                return !failing
            }
            if first { onTrouble?("expander '\(spec.id)': \(error); retrying every \(Self.retryDelay)", false) }
            retryAt = clock.now() + Self.retryDelay
        }
        return retryAt
    }

    /// Every change still pending (the safe values at shutdown), even during a retry's wait.
    func finish() {
        retryAt = nil
        _ = serve(now: clock.now())
    }
}
