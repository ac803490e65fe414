#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Measurement 6: the gateway at scale, and how late its polls start.
///
/// 1. CPU and memory with 1,000 channels at 1 Hz: 1,000 single-channel declarative
///    sensors on 9 simulated buses (``BenchProfiles/scale(id:sensors:)``) under
///    `run --simulate`, publishing at QoS 0 to the bench's broker with a subscriber on the
///    whole tree. After 5 s of running (setups done, the grid settled), utime + stime of
///    `/proc/PID/stat` over a window (quick 10 s, full 20 s) gives CPU % of one core
///    (schedstat beside it, as for idle); VmRSS is sampled each second (the figure is the
///    last sample) and VmHWM read at the end.
/// 2. Poll lateness with 100 such sensors (11 or 12 a bus): each bus worker records, for
///    every poll of a part already set up, its start minus its deadline in a fixed
///    histogram, and the gateway logs the histograms of all buses merged when it stops
///    (`poll lateness on 9 buses: ... p99 X ms ...`). The figure is that p99 after a window of quick 10 s, full 20 s (the bench cannot see the polls: `ts` of a
///    reading is when its transaction finished, not when the poll started). Beside it, in
///    the same window, a bare bench thread sleeps to as many absolute deadlines and
///    records how late it wakes: the machine's own wake-up latency, the baseline.
struct ScaleMeasurement {
    let context: BenchContext

    var window: Double { context.quick ? 10 : 20 }
    static let channels = 1_000
    static let latenessSensors = 100

    func run(_ results: BenchResults) throws(BenchError) {
        let id = context.uniqueName("bench-scale")
        let profile = try context.writeProfile(BenchProfiles.scale(id: id, sensors: Self.channels), name: id)
        try context.validate(profile)
        log("scale: \(Self.channels) channels at 1 Hz on \(BenchProfiles.scaleBuses) buses, \(Int(window)) s window")

        try context.broker.ensureRunning()
        let subscriber = try BenchSubscriber(clientID: context.uniqueName("bench-sub"), topic: "sensorgate/\(id)/#", qos: 0)
        defer { subscriber.stop() }
        try subscriber.start(port: context.broker.port)

        let started = BenchClock.monotonicNanoseconds()
        let child = try context.startGateway(profile, logName: id)
        var stopped = false
        defer { if !stopped { child.terminate(grace: 5) } }
        try context.wait(for: "the gateway's first message", timeout: 20, gateway: child) { subscriber.snapshot.received > 0 }
        BenchClock.sleep(untilMonotonic: started + 5_000_000_000)
        try context.checkAlive(child)

        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard ticksPerSecond > 0 else { throw BenchError("sysconf(_SC_CLK_TCK) failed") }
        let startTicks = try IdleMeasurement.cpuTicks(child.pid)
        let startRun = IdleMeasurement.threadRunNanoseconds(child.pid)
        let startTime = BenchClock.monotonicNanoseconds()
        let startMessages = subscriber.snapshot.received
        var rss = try IdleMeasurement.statusKilobytes(child.pid, "VmRSS:")
        let end = startTime + Int64(window * 1e9)
        var next = startTime
        while next < end {
            next = min(end, next + 1_000_000_000)
            BenchClock.sleep(untilMonotonic: next)
            try context.checkAlive(child)
            rss = try IdleMeasurement.statusKilobytes(child.pid, "VmRSS:")
        }
        let endTicks = try IdleMeasurement.cpuTicks(child.pid)
        let endRun = IdleMeasurement.threadRunNanoseconds(child.pid)
        let elapsed = Double(BenchClock.monotonicNanoseconds() - startTime) / 1e9
        let messages = subscriber.snapshot.received - startMessages
        let highWater = try IdleMeasurement.statusKilobytes(child.pid, "VmHWM:")
        stopped = true
        try context.stopGateway(child)
        let atScale = Self.lateness(in: child.logPath ?? "")

        let cpu = Double(endTicks - startTicks) / (ticksPerSecond * elapsed) * 100
        results.set("channels_1000_cpu_percent", cpu)
        results.set("channels_1000_rss_mb", Double(rss) / 1024)
        results.set("channels_1000_rss_peak_mb", Double(highWater) / 1024)
        var precise: Double?
        if let before = startRun, let after = endRun {
            precise = Double(IdleMeasurement.runDelta(before, after)) / (elapsed * 1e9) * 100
            results.set("channels_1000_cpu_percent_schedstat", precise)
        }
        results.set("channels_1000_messages_per_s", Double(messages) / elapsed)
        results.set("channels_1000_window_s", elapsed)
        results.set("channels_1000_poll_lateness_p99_ms", atScale?.p99)
        log("scale: CPU \(Format.fixed(cpu, 2)) % (schedstat \(Format.fixed(precise ?? .nan, 3)) %), RSS \(Format.fixed(Double(rss) / 1024, 1)) MB (peak \(Format.fixed(Double(highWater) / 1024, 1)) MB), \(Format.fixed(Double(messages) / elapsed, 0)) msgs/s; poll lateness p99 \(Format.fixed(atScale?.p99 ?? .nan, 3)) ms (all buses)")
    }

    func runLateness(_ results: BenchResults) throws(BenchError) {
        let id = context.uniqueName("bench-lateness")
        let profile = try context.writeProfile(BenchProfiles.scale(id: id, sensors: Self.latenessSensors), name: id)
        try context.validate(profile)
        log("poll lateness: \(Self.latenessSensors) sensors at 1 Hz on \(BenchProfiles.scaleBuses) buses, \(Int(window)) s, "
            + "with a raw timer thread beside it")
        let child = try context.startGateway(profile, logName: id)
        var stopped = false
        defer { if !stopped { child.terminate(grace: 5) } }
        // The baseline: a bare thread sleeping to the same number of deadlines (one every
        // 1/100 s) over the same window, so the machine's own wake-up latency is measured
        // in the same run as the gateway's.
        let baseline = TimerLateness(count: Int(window) * Self.latenessSensors, periodNanoseconds: 1_000_000_000 / Int64(Self.latenessSensors))
        let thread = try BenchThread.start { baseline.run() }
        let end = BenchClock.monotonicNanoseconds() + Int64((window + 2) * 1e9)
        while BenchClock.monotonicNanoseconds() < end {
            BenchClock.sleep(seconds: 0.5)
            try context.checkAlive(child)
        }
        thread.join()
        stopped = true
        try context.stopGateway(child)
        guard let lateness = Self.lateness(in: child.logPath ?? "") else {
            throw BenchError("no 'poll lateness on N buses' line in the gateway's log \(child.logPath ?? "")")
        }
        results.set("poll_lateness_p99_ms", lateness.p99)
        results.set("poll_lateness_max_ms", lateness.maximum)
        results.set("poll_lateness_polls", lateness.polls)
        let raw = baseline.sortedMilliseconds
        results.set("baseline_poll_lateness_p99_ms", Percentile.sortedOf(raw, 99))
        results.set("baseline_poll_lateness_max_ms", raw.last)
        log("poll lateness: p99 \(Format.fixed(lateness.p99, 3)) ms (all buses), max \(Format.fixed(lateness.maximum, 3)) ms, \(lateness.polls) polls; "
            + "raw timer thread p99 \(Format.fixed(Percentile.sortedOf(raw, 99) ?? .nan, 3)) ms, max \(Format.fixed(raw.last ?? .nan, 3)) ms")
    }

    /// p99, maximum and count over all buses, from the gateway's last
    /// `poll lateness on 9 buses: P polls, p50 A ms, p99 B ms, max C ms` line.
    static func lateness(in logPath: String) -> (p99: Double, maximum: Double, polls: Int)? {
        guard let text = BenchFiles.read(logPath, limit: 16 << 20) else { return nil }
        var result: (p99: Double, maximum: Double, polls: Int)?
        for line in text.split(separator: "\n") {
            guard let start = line.range(of: "poll lateness on ") else { continue }
            guard let colon = line[start.upperBound...].firstIndex(of: ":") else { continue }
            let words = line[line.index(after: colon)...].split(separator: " ")
            // P polls, p50 A ms, p99 B ms, max C ms
            guard words.count >= 11, let polls = Int(words[0]), let p99 = Double(words[6]), let maximum = Double(words[9])
            else { continue }
            result = (p99, maximum, polls)
        }
        return result
    }
}

/// A thread that sleeps to `count` absolute deadlines `periodNanoseconds` apart
/// (`clock_nanosleep`, `CLOCK_MONOTONIC`, `TIMER_ABSTIME`) and records how late it woke.
final class TimerLateness: @unchecked Sendable {
    private let count: Int
    private let period: Int64
    private var late: [Double] = []

    init(count: Int, periodNanoseconds: Int64) {
        self.count = count
        self.period = periodNanoseconds
        late.reserveCapacity(count)
    }

    func run() {
        let start = BenchClock.monotonicNanoseconds() + period
        for index in 0..<count {
            let deadline = start + Int64(index) * period
            BenchClock.sleep(untilMonotonic: deadline)
            late.append(Double(BenchClock.monotonicNanoseconds() - deadline) / 1e6)
        }
    }

    /// How late each wake-up was, ms, ascending; read after the thread was joined.
    var sortedMilliseconds: [Double] { late.sorted() }
}

