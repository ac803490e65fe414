import Logging
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
        var interval: Interval
    }

    /// What a poll produced, for the event loop.
    enum Outcome: Sendable {
        case values([Double], Timestamp)
        case failed(I2CError, consecutive: Int)
        case recovered
    }

    private struct Job {
        var sensor: Sensor
        var due: Timestamp
        var ready = false
        var failures = 0
        var setUpFailures = 0
    }

    let bus: any I2CBus
    private var jobs: [Job]
    private let clock: any MonotonicClock
    private let logger: Logger
    private let deliver: @Sendable (_ sensorIndex: Int, _ outcome: Outcome) -> Void
    private let thread: WorkerThread

    init(bus: any I2CBus, sensors: [Sensor], clock: any MonotonicClock, logger: Logger,
         deliver: @escaping @Sendable (_ sensorIndex: Int, _ outcome: Outcome) -> Void) {
        self.bus = bus
        let now = clock.now()
        self.jobs = sensors.map { Job(sensor: $0, due: now) }
        self.clock = clock
        self.logger = logger
        self.deliver = deliver
        self.thread = WorkerThread(clock: clock)
    }

    func start() {
        guard !jobs.isEmpty else { return }
        thread.start { [self] in work() }
    }

    /// Stops after the transaction under way, and waits for the thread.
    func stop() { thread.stop() }

    private func work() {
        while true {
            guard let index = jobs.indices.min(by: { jobs[$0].due < jobs[$1].due }) else { return }
            if !thread.sleep(until: jobs[index].due) { return }
            poll(&jobs[index])
        }
    }

    private func poll(_ job: inout Job) {
        let sensor = job.sensor
        if !job.ready {
            do {
                try sensor.driver.setUp(bus: bus, address: sensor.address)
                job.ready = true
                if job.setUpFailures > 0 { logger.info("sensor '\(sensor.id)' is ready after \(job.setUpFailures) failed attempts") }
                job.setUpFailures = 0
            } catch {
                job.setUpFailures += 1
                // Retry setup with backoff: 1 s, 2 s, 4 s ... up to 60 s; log the first failures and then every tenth.
                let delay = Interval.seconds(min(60, 1 << min(job.setUpFailures - 1, 6)))
                if job.setUpFailures <= 3 || job.setUpFailures % 10 == 0 {
                    logger.error("sensor '\(sensor.id)' setup failed: \(error); retrying in \(delay)")
                }
                deliver(sensor.index, .failed(error, consecutive: job.failures + 1))
                job.due = clock.now() + delay
                return
            }
        }
        do {
            let values = try sensor.driver.read(bus: bus, address: sensor.address)
            let stamp = clock.now()
            if job.failures > 0 { deliver(sensor.index, .recovered) }
            job.failures = 0
            deliver(sensor.index, .values(values, stamp))
        } catch {
            job.failures += 1
            deliver(sensor.index, .failed(error, consecutive: job.failures))
            // After three failed reads in a row, set the part up again: it may have reset.
            if job.failures >= 3 { job.ready = false }
        }
        job.due = PollSchedule.next(after: job.due, interval: sensor.interval, now: clock.now())
    }
}
