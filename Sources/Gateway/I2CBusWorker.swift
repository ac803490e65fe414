import Profiles
import SensorDrivers
import SensorgateCore

/// The one thread of an I2C bus: every transaction the gateway makes on the bus runs on
/// it, one after another, off the event loop, so a blocking transaction (a slow
/// conversion, a stuck bus) never delays a GPIO edge on the loop or a sensor on another
/// bus. Expanders and PWM controllers (``AttendedBusPart``) come first: they are served
/// before each sensor poll and while a driver waits for its part's conversion (the
/// thread's ``DriverWaitHandler``), so an expander's INT waits at most for the
/// transaction under way, never for a measurement. Sensors are polled on their grids
/// (``SensorPolls``); results go to the loop with a source timestamp taken when the
/// transaction finished.
final class I2CBusWorker: DriverWaitHandler, @unchecked Sendable {
    struct Sensor {
        var index: Int
        var id: String
        var driver: any SensorDriver
        var address: UInt8
        /// The multiplexer channel the part is behind, or nil when it is directly on the bus.
        var mux: I2CMuxChannel? = nil
        var interval: Interval
        /// Failed polls in a row after which the part is taken for gone (`offline_after`).
        var offlineAfter: Int = SensorSpec.defaultOfflineAfter
    }

    /// What a poll produced, for the event loop.
    enum Outcome: Sendable {
        case values([Double], Timestamp)
        /// The poll's setup or read failed; `reason` says which, and why.
        case failed(reason: String)
    }

    /// The longest wait between two attempts to set a part up again.
    static let longestRetryDelay = Interval.seconds(60)

    /// The adapter number of the bus.
    let number: Int
    private let clock: any MonotonicClock
    private let thread: WorkerThread
    private var started = false
    /// Set before ``start()``; then the worker's thread's.
    private var attended: [any AttendedBusPart] = []
    private var attendedDue: [Timestamp?] = []
    private var serving = false
    /// The sensors' polls: handed over under `lock` (``replaceSensors(with:)``), polled by the thread.
    private let lock = Mutex()
    private var handedOver: SensorPolls
    /// Written by the worker's thread only; read once it has stopped.
    private var lateness = PollLateness()

    init(number: Int, clock: any MonotonicClock) {
        self.number = number
        self.clock = clock
        self.thread = WorkerThread(clock: clock)
        self.handedOver = .none(clock: clock)
    }

    /// A worker for `sensors` on `bus`, with no attended parts yet.
    convenience init(bus: any I2CBus, sensors: [Sensor], clock: any MonotonicClock,
                     deliver: @escaping @Sendable (_ sensorIndex: Int, _ outcome: Outcome) -> Void) {
        self.init(number: bus.number, clock: clock)
        handedOver = SensorPolls(bus: bus, sensors: sensors, clock: clock, deliver: deliver)
    }

    /// Serves `part` from the start on (before ``start()``).
    func attend(_ part: any AttendedBusPart) {
        precondition(!started, "parts are attended from the start")
        part.requestTurn = { [thread] in thread.wake() }
        attended.append(part)
        attendedDue.append(nil)
    }

    /// True while it has sensors to poll.
    var hasSensors: Bool { lock.withLock { !handedOver.isEmpty } }

    /// True when the worker has nothing to do: no sensors and no attended parts.
    var isIdle: Bool { attended.isEmpty && lock.withLock { handedOver.isEmpty } }

    func start() {
        guard !started else { return }
        started = true
        thread.start { [self] in work() }
    }

    /// From the next turn on, polls `polls` instead of the sensors so far (a reload). A
    /// poll under way finishes first, on this same thread, so two drivers never talk to
    /// one part at once.
    func replaceSensors(with polls: SensorPolls) {
        lock.withLock { handedOver = polls }
        thread.wake()
    }

    /// Stops after the transaction under way and the attended parts' last writes, and waits for the thread.
    func stop() {
        if !started {
            for part in attended { part.finish() }
        }
        thread.stop()
    }

    /// How late the polls started behind their deadlines; read after ``stop()``.
    var pollLateness: PollLateness { lateness }

    /// The wait before setup attempt `retry` + 1 of a part that is not answering:
    /// 1 s, 2 s, 4 s ... doubling up to ``longestRetryDelay``.
    static func retryDelay(after retry: Int) -> Interval {
        let seconds = Int64(1) << Int64(min(max(retry, 1) - 1, 6))
        return min(Interval.seconds(1) * seconds, longestRetryDelay)
    }

    private func work() {
        DriverWait.install(self)
        defer {
            DriverWait.install(nil)
            for part in attended { part.finish() }
        }
        while true {
            serveAttended()
            let polls = lock.withLock { handedOver }
            let sensorDue = polls.nextDue
            let wake = [sensorDue, nextAttendedDue].compactMap { $0 }.min() ?? clock.now() + .seconds(3600)
            if !thread.sleep(until: wake) { return }
            serveAttended()
            // A wake-up from a part, or a hand-over, is not a poll's deadline.
            let current = lock.withLock { handedOver }
            if current === polls, let due = sensorDue, clock.now() >= due {
                polls.pollNext(lateness: &lateness)
            }
        }
    }

    private var nextAttendedDue: Timestamp? { attendedDue.compactMap { $0 }.min() }

    /// Each attended part's pending work; a part re-entered from a driver's wait inside
    /// it (a PCA9685's oscillator start-up) is not served again.
    private func serveAttended() {
        guard !serving, !attended.isEmpty else { return }
        serving = true
        defer { serving = false }
        for index in attended.indices { attendedDue[index] = attended[index].serve(now: clock.now()) }
    }

    /// A driver on this thread waits for its part: the attended parts are served meanwhile.
    func wait(_ interval: Interval) {
        let deadline = clock.now() + interval
        guard !attended.isEmpty, !serving else {
            blockThread(interval)
            return
        }
        while true {
            serveAttended()
            let now = clock.now()
            guard now < deadline else { return }
            let until = min(deadline, nextAttendedDue ?? deadline)
            if !thread.sleep(until: until) {
                // Stopping: the transaction under way still needs its part's full wait.
                blockThread(deadline - clock.now())
                return
            }
        }
    }
}
