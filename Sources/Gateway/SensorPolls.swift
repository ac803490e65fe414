import Profiles
import SensorgateCore

/// The sensors of one bus and their schedule: each is polled on its interval's grid, set
/// up first, and set up afresh after a backoff when it stops answering. It has no thread:
/// its bus's ``I2CBusWorker`` runs ``pollNext(lateness:)`` when ``nextDue`` comes, and
/// only that thread touches it once it is handed over.
final class SensorPolls: @unchecked Sendable {
    private struct Job {
        var sensor: I2CBusWorker.Sensor
        /// The bus the sensor's driver is given: ``MuxSelection/buses(for:on:)``.
        var bus: any I2CBus
        /// When the job runs next: its grid slot, or a retry after a backoff.
        var due: Timestamp
        /// The point of the sensor's interval grid it was last scheduled on, or (before its
        /// first read on the grid) the first point of its phase.
        var slot: Timestamp
        var ready = false
        var failures = 0
        /// Setup attempts that failed since the part last answered: they set the backoff.
        var retries = 0
    }

    private var jobs: [Job]
    private let clock: any MonotonicClock
    private let deliver: @Sendable (_ sensorIndex: Int, _ outcome: I2CBusWorker.Outcome) -> Void

    /// `sensors` on `bus` (behind their mux channels), each due at once and then on its grid,
    /// the grids of sensors sharing an interval spread over it (``PollSchedule/phaseOffsets(for:)``);
    /// `deliver` gets each poll's outcome.
    convenience init(bus: any I2CBus, sensors: [I2CBusWorker.Sensor], clock: any MonotonicClock,
                     deliver: @escaping @Sendable (_ sensorIndex: Int, _ outcome: I2CBusWorker.Outcome) -> Void) {
        let now = clock.now()
        let buses = MuxSelection.buses(for: sensors.map(\.mux), on: bus)
        let offsets = PollSchedule.phaseOffsets(for: sensors.map(\.interval))
        let jobs = zip(zip(sensors, buses), offsets).map { pair, offset in
            Job(sensor: pair.0, bus: pair.1, due: now, slot: now + offset)
        }
        self.init(jobs: jobs, clock: clock, deliver: deliver)
    }

    /// No sensors: a bus with only expanders or PWM controllers, or one a reload emptied.
    static func none(clock: any MonotonicClock) -> SensorPolls {
        SensorPolls(jobs: [], clock: clock) { _, _ in }
    }

    private init(jobs: [Job], clock: any MonotonicClock,
                 deliver: @escaping @Sendable (_ sensorIndex: Int, _ outcome: I2CBusWorker.Outcome) -> Void) {
        self.jobs = jobs
        self.isEmpty = jobs.isEmpty
        self.clock = clock
        self.deliver = deliver
    }

    /// Fixed at construction, so the loop may ask while the worker polls.
    let isEmpty: Bool

    /// When the earliest poll is due; nil without sensors.
    var nextDue: Timestamp? { jobs.min { $0.due < $1.due }?.due }

    /// Runs the earliest due poll, recording how late it started if the part was set up.
    func pollNext(lateness: inout PollLateness) {
        guard let index = jobs.indices.min(by: { jobs[$0].due < jobs[$1].due }) else { return }
        if jobs[index].ready { lateness.record(clock.now() - jobs[index].due) }
        poll(&jobs[index])
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
            job.slot = PollSchedule.upcoming(job.slot, interval: sensor.interval, now: stamp)
            job.due = job.slot
        } catch {
            job.failures += 1
            deliver(sensor.index, .failed(reason: "\(stage) failed: \(error)"))
            let now = clock.now()
            if !job.ready || job.failures >= sensor.offlineAfter {
                job.ready = false
                job.retries += 1
                job.due = now + I2CBusWorker.retryDelay(after: job.retries)
            } else {
                // A single failed read (a glitch, a CRC error) is retried on the grid.
                job.slot = PollSchedule.upcoming(job.slot, interval: sensor.interval, now: now)
                job.due = job.slot
            }
        }
    }
}
