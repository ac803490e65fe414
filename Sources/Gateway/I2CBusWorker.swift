import Profiles
import SensorgateCore

/// One thread per I2C bus: it runs the sensors' scheduled polls, so a blocking
/// transaction (a slow conversion, a stuck bus) never delays a GPIO edge on the event
/// loop or a sensor on another bus. Results are handed to the loop with a source
/// timestamp taken when the transaction finished.
final class I2CBusWorker: @unchecked Sendable {
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

    private struct Job {
        var sensor: Sensor
        /// The bus the sensor's driver is given: ``MuxSelection/buses(for:on:)``.
        var bus: any I2CBus
        /// When the job runs next: its grid slot, or a retry after a backoff.
        var due: Timestamp
        /// The last point of the sensor's interval grid it was scheduled on.
        var slot: Timestamp
        var ready = false
        var failures = 0
        /// Setup attempts that failed since the part last answered: they set the backoff.
        var retries = 0
    }

    let bus: any I2CBus
    private var jobs: [Job]
    private let clock: any MonotonicClock
    private let deliver: @Sendable (_ sensorIndex: Int, _ outcome: Outcome) -> Void
    private let thread: WorkerThread
    /// Written by the worker's thread only; read once it has stopped.
    private var lateness = PollLateness()

    init(bus: any I2CBus, sensors: [Sensor], clock: any MonotonicClock,
         deliver: @escaping @Sendable (_ sensorIndex: Int, _ outcome: Outcome) -> Void) {
        self.bus = bus
        let now = clock.now()
        let buses = MuxSelection.buses(for: sensors.map(\.mux), on: bus)
        self.jobs = zip(sensors, buses).map { Job(sensor: $0, bus: $1, due: now, slot: now) }
        self.clock = clock
        self.deliver = deliver
        self.thread = WorkerThread(clock: clock)
    }

    func start() {
        guard !jobs.isEmpty else { return }
        thread.start { [self] in work() }
    }

    /// Stops after the transaction under way, and waits for the thread.
    func stop() { thread.stop() }

    /// How late the polls started behind their deadlines; read after ``stop()``.
    var pollLateness: PollLateness { lateness }

    /// The wait before setup attempt `retry` + 1 of a part that is not answering:
    /// 1 s, 2 s, 4 s ... doubling up to ``longestRetryDelay``.
    static func retryDelay(after retry: Int) -> Interval {
        let seconds = Int64(1) << Int64(min(max(retry, 1) - 1, 6))
        return min(Interval.seconds(1) * seconds, longestRetryDelay)
    }

    private func work() {
        while true {
            guard let index = jobs.indices.min(by: { jobs[$0].due < jobs[$1].due }) else { return }
            if !thread.sleep(until: jobs[index].due) { return }
            if jobs[index].ready { lateness.record(clock.now() - jobs[index].due) }
            poll(&jobs[index])
        }
    }

    /// One poll: setup first if the part is not (or no longer) set up, then a read. A part
    /// that failed its setup, or failed `offlineAfter` polls in a row (it may have reset
    /// or lost power), is set up afresh after a backoff; a good read returns the job to
    /// its grid, so a part that answers again is read at once and then on its interval.
    private func poll(_ job: inout Job) {
        let sensor = job.sensor
        let bus = job.bus
        var stage = "setup"
        do {
            if !job.ready {
                try sensor.driver.setUp(bus: bus, address: sensor.address)
                job.ready = true
            }
            stage = "read"
            let values = try sensor.driver.read(bus: bus, address: sensor.address)
            let stamp = clock.now()
            job.failures = 0
            job.retries = 0
            deliver(sensor.index, .values(values, stamp))
            job.slot = PollSchedule.next(after: job.slot, interval: sensor.interval, now: stamp)
            job.due = job.slot
        } catch {
            job.failures += 1
            deliver(sensor.index, .failed(reason: "\(stage) failed: \(error)"))
            let now = clock.now()
            if !job.ready || job.failures >= sensor.offlineAfter {
                job.ready = false
                job.retries += 1
                job.due = now + Self.retryDelay(after: job.retries)
            } else {
                // A single failed read (a glitch, a CRC error) is retried on the grid.
                job.slot = PollSchedule.next(after: job.slot, interval: sensor.interval, now: now)
                job.due = job.slot
            }
        }
    }
}
