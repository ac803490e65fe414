#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Measurement 3: resident memory and CPU of `sensorgate run --simulate` with 10 BME280s
/// at 1 Hz and 8 GPIO inputs that see no edges.
///
/// After 3 s of running, `/proc/PID/stat` utime+stime is read at the start and the end
/// of a window (quick 10 s, full 60 s): CPU% = ticks / (CLK_TCK × window) × 100. VmRSS
/// from `/proc/PID/status` is sampled every second of the window; the figure is the last
/// sample, the peak is reported beside it. One tick is 10 ms (CLK_TCK 100), i.e. 0.1 % of
/// a 10 s window, so the per-thread `schedstat` run time (ns) is reported beside it.
struct IdleMeasurement {
    let context: BenchContext

    var window: Double { context.quick ? 10 : 60 }

    func run(_ results: BenchResults) throws(BenchError) {
        let id = context.uniqueName("bench-idle")
        let profile = try context.writeProfile(BenchProfiles.fleet(id: id, sensors: 10), name: id)
        try context.validate(profile)
        log("idle: 10 BME280 at 1 Hz + 8 quiet inputs, \(Int(window)) s window")

        try context.broker.ensureRunning()
        let subscriber = try BenchSubscriber(clientID: context.uniqueName("bench-sub"), topic: "sensorgate/\(id)/#", qos: 0)
        defer { subscriber.stop() }
        try subscriber.start(port: context.broker.port)

        let started = BenchClock.monotonicNanoseconds()
        let child = try context.startGateway(profile, logName: id)
        var stopped = false
        defer { if !stopped { child.terminate(grace: 5) } }
        try context.wait(for: "the gateway's first message", timeout: 10, gateway: child) { subscriber.snapshot.received > 0 }
        BenchClock.sleep(untilMonotonic: started + 3_000_000_000)
        try context.checkAlive(child)

        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard ticksPerSecond > 0 else { throw BenchError("sysconf(_SC_CLK_TCK) failed") }
        let startTicks = try Self.cpuTicks(child.pid)
        let startRun = Self.threadRunNanoseconds(child.pid)
        let startTime = BenchClock.monotonicNanoseconds()
        let startMessages = subscriber.snapshot.received
        var rss = try Self.statusKilobytes(child.pid, "VmRSS:")
        var peakSampled = rss
        let end = startTime + Int64(window * 1e9)
        var next = startTime
        while next < end {
            next = min(end, next + 1_000_000_000)
            BenchClock.sleep(untilMonotonic: next)
            try context.checkAlive(child)
            rss = try Self.statusKilobytes(child.pid, "VmRSS:")
            peakSampled = max(peakSampled, rss)
        }
        let endTicks = try Self.cpuTicks(child.pid)
        let endRun = Self.threadRunNanoseconds(child.pid)
        let elapsed = Double(BenchClock.monotonicNanoseconds() - startTime) / 1e9
        let messages = subscriber.snapshot.received - startMessages
        let highWater = try? Self.statusKilobytes(child.pid, "VmHWM:")
        stopped = true
        try context.stopGateway(child)

        let cpu = Double(endTicks - startTicks) / (ticksPerSecond * elapsed) * 100
        results.set("idle_rss_mb", Double(rss) / 1024)
        results.set("idle_rss_peak_mb", Double(highWater ?? peakSampled) / 1024)
        results.set("idle_cpu_percent", cpu)
        results.set("idle_cpu_ticks", Int(endTicks - startTicks))
        var precise: Double?
        if let before = startRun, let after = endRun {
            precise = Double(Self.runDelta(before, after)) / (elapsed * 1e9) * 100
            results.set("idle_cpu_percent_schedstat", precise)
        }
        results.set("idle_window_s", elapsed)
        results.set("idle_messages_per_s", Double(messages) / elapsed)
        log("idle: RSS \(Format.fixed(Double(rss) / 1024, 1)) MB (peak \(Format.fixed(Double(highWater ?? peakSampled) / 1024, 1)) MB), CPU \(Format.fixed(cpu, 3)) % (\(endTicks - startTicks) ticks in \(Format.fixed(elapsed, 1)) s; schedstat \(Format.fixed(precise ?? .nan, 4)) %), \(Format.fixed(Double(messages) / elapsed, 1)) msgs/s")
    }

    /// utime + stime of `pid` in clock ticks (fields 14 and 15 of `/proc/PID/stat`).
    static func cpuTicks(_ pid: pid_t) throws(BenchError) -> Int64 {
        guard let text = BenchFiles.read("/proc/\(pid)/stat"),
              let close = text.lastIndex(of: ")") else {
            throw BenchError("cannot read /proc/\(pid)/stat")
        }
        // After "pid (comm) " the fields start at field 3 (state).
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Int64(fields[11]), let system = Int64(fields[12]) else {
            throw BenchError("unexpected /proc/\(pid)/stat: \(text.prefix(200))")
        }
        return user + system
    }

    /// Nanoseconds each thread of `pid` has run (first field of `/proc/PID/task/TID/schedstat`),
    /// by thread id; nil if the kernel does not provide schedstat.
    static func threadRunNanoseconds(_ pid: pid_t) -> [Int: Int64]? {
        guard let directory = opendir("/proc/\(pid)/task") else { return nil }
        defer { closedir(directory) }
        var times: [Int: Int64] = [:]
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            guard let tid = Int(name),
                  let text = BenchFiles.read("/proc/\(pid)/task/\(tid)/schedstat"),
                  let first = text.split(separator: " ").first,
                  let ns = Int64(first) else { continue }
            times[tid] = ns
        }
        return times.isEmpty ? nil : times
    }

    /// CPU time run between two samples; a thread that appeared in between counts whole.
    static func runDelta(_ before: [Int: Int64], _ after: [Int: Int64]) -> Int64 {
        var total: Int64 = 0
        for (tid, ns) in after { total += ns - (before[tid] ?? 0) }
        return total
    }

    /// A `kB` line of `/proc/PID/status`, e.g. `VmRSS:`.
    static func statusKilobytes(_ pid: pid_t, _ key: String) throws(BenchError) -> Int {
        guard let text = BenchFiles.read("/proc/\(pid)/status") else {
            throw BenchError("cannot read /proc/\(pid)/status")
        }
        for line in text.split(separator: "\n") where line.hasPrefix(key) {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if parts.count >= 2, let value = Int(parts[1]) { return value }
        }
        throw BenchError("no \(key) in /proc/\(pid)/status")
    }
}
