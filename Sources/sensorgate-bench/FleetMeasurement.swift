#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import MQTT

/// Measurement 7: a fleet of gateways on one broker that restarts.
///
/// 50 `sensorgate run --simulate` processes (the real binary), each with its own profile,
/// gateway id and state directory, publish 20 readings/s each at QoS 1 through the durable
/// outbox to one persistent mosquitto of their own (``BenchBroker`` with `persistent`), with a
/// persistent QoS 1 subscriber (``FleetSubscriber``) counting `seq` per gateway. Once every
/// gateway has delivered and a warm-up has passed, the subscriber disconnects (its session
/// stays), the broker is stopped with SIGTERM (it saves its sessions), stays down for 3 s and
/// is started again on the same port; the subscriber reconnects at once. Then every gateway
/// must log `reconnected to …`; after a further 5 s all are stopped with SIGTERM (each must
/// exit 0) and the subscriber drains.
///
/// Figures: messages delivered per second over the run (distinct `seq` of all gateways /
/// (last receipt − first receipt)); the spread (last − first) of the gateways' reconnections
/// after the restart, stamped when their `reconnected to` lines appear in their logs
/// (``FleetLogWatcher``), with, beside it, the same spread of each gateway's first reading at
/// the subscriber taken after the restart (its `ts`); and the `seq` missing at the subscriber, summed over the
/// gateways. Resident memory of the fleet (RSS and PSS) is sampled before the restart and at the end.
struct FleetMeasurement {
    let context: BenchContext

    static let size = 50
    /// Square-wave period of each gateway's input: two edges a period, 20 readings/s.
    static let periodMilliseconds = 100
    static let warmUp = 5.0
    static let outage = 3.0
    static let afterReconnect = 5.0
    /// The whole measurement's bound; every wait inside it is capped by what is left.
    static let budget = 90.0

    func run(_ results: BenchResults) throws(BenchError) {
        let started = BenchClock.monotonicNanoseconds()
        let deadline = started + Int64(Self.budget * 1e9)
        func left(_ wanted: Double) throws(BenchError) -> Double {
            let remaining = Double(deadline - BenchClock.monotonicNanoseconds()) / 1e9
            guard remaining > 0 else { throw BenchError("the fleet measurement ran out of its \(Int(Self.budget)) s") }
            return min(wanted, remaining)
        }

        let directory = context.workDirectory + "/fleet"
        try BenchFiles.makeDirectory(directory)
        let broker = try BenchBroker(directory: directory + "/broker", persistent: true)
        defer { broker.stop() }
        try broker.start()
        let url = "mqtt://127.0.0.1:\(broker.port)"
        let rate = 2_000 / Self.periodMilliseconds
        log("fleet: \(Self.size) gateways x \(rate) readings/s, QoS 1 through the outbox, on a persistent mosquitto at 127.0.0.1:\(broker.port); "
            + "restart after \(Int(Self.warmUp)) s of warm-up, \(Int(Self.outage)) s down")

        let ids = (1...Self.size).map { "bench-fleet-\(getpid())-\($0)" }
        var profiles: [String] = []
        for id in ids {
            try BenchFiles.makeDirectory(directory + "/" + id)
            profiles.append(try context.writeProfile(BenchProfiles.fleetMember(id: id, periodMilliseconds: Self.periodMilliseconds),
                                                     name: "fleet/" + id + "/profile"))
        }
        // Every profile has the same shape: one validation stands for all.
        try context.validate(profiles[0])

        let subscriber = try FleetSubscriber(clientID: "bench-fleet-sub-\(getpid())", gateways: ids)
        defer { subscriber.disconnect() }
        try subscriber.connect(port: broker.port)

        var fleet: [ChildProcess] = []
        defer { Self.stopAll(fleet, grace: 2) }
        for (position, id) in ids.enumerated() {
            fleet.append(try ChildProcess.spawn(
                context.sensorgate,
                ["run", "--simulate", "--profile", profiles[position], "--broker", url, "--state-dir", directory + "/" + id],
                name: "sensorgate run (\(id))", logPath: directory + "/" + id + "/gateway.log"))
        }
        try wait(for: "a first message from every gateway", timeout: try left(30), fleet: fleet, broker: broker) {
            subscriber.snapshot.allSatisfy { $0.firstReceipt != nil }
        }
        let allStarted = BenchClock.monotonicNanoseconds()
        log("fleet: all \(Self.size) delivering after \(Format.fixed(Double(allStarted - started) / 1e9, 1)) s")
        try pause(try left(Self.warmUp), fleet: fleet, broker: broker)
        let memoryBefore = try Self.residentMemory(fleet)

        let watcher = FleetLogWatcher(paths: fleet.map { $0.logPath ?? "" })
        try watcher.start()
        defer { watcher.stop() }
        subscriber.disconnect()
        broker.stop()
        let stopped = BenchClock.monotonicNanoseconds()
        try pause(try left(Self.outage), fleet: fleet, broker: nil)
        try broker.restart()
        let restarted = BenchClock.monotonicNanoseconds()
        subscriber.mark()
        try subscriber.connect(port: broker.port)
        log("fleet: broker down for \(Format.fixed(Double(restarted - stopped) / 1e9, 2)) s, back on port \(broker.port)")
        try wait(for: "every gateway's 'reconnected to' line", timeout: try left(45), fleet: fleet, broker: broker) {
            watcher.snapshot.allSatisfy { $0.reconnected != nil }
        }
        try pause(try left(Self.afterReconnect), fleet: fleet, broker: broker)
        let memoryAfter = try Self.residentMemory(fleet)

        for child in fleet { child.signal(SIGTERM) }
        var unclean: [String] = []
        for child in fleet {
            let end = child.wait(timeout: 15) ?? child.terminate(grace: 1)
            if end != .exited(0) {
                unclean.append("\(child.name): \(end); its log:\n\(BenchFiles.tail(child.logPath ?? "", lines: 6))")
            }
        }
        // Until the counts have not changed for 2 s (what the gateways flushed at their stop).
        var lastUnique = -1
        var lastChange = BenchClock.monotonicNanoseconds()
        _ = BenchClock.wait(timeout: try left(15), interval: 0.05) {
            let unique = subscriber.totals.unique
            let now = BenchClock.monotonicNanoseconds()
            if unique != lastUnique {
                lastUnique = unique
                lastChange = now
            }
            return now - lastChange > 2_000_000_000
        }
        watcher.stop()
        subscriber.disconnect()

        let tallies = subscriber.snapshot
        let totals = subscriber.totals
        let gateways = watcher.snapshot
        let reconnects = gateways.compactMap { $0.reconnected }.map { Double($0 - restarted) / 1e9 }.sorted()
        let firstMessages = tallies.compactMap { $0.firstAfterMark }.map { Double($0 - restarted) / 1e9 }.sorted()
        let delays = gateways.flatMap(\.delays).sorted()
        let missing = tallies.reduce(0) { $0 + $1.missing }
        let duplicates = tallies.reduce(0) { $0 + $1.duplicates }
        let seconds = Double((totals.last ?? 0) - (totals.first ?? 0)) / 1e9
        let delivered = seconds > 0 ? Double(totals.unique) / seconds : nil
        let defaults = MQTTClientConfiguration(host: "127.0.0.1", port: 1883, clientID: "defaults")

        results.set("fleet_gateways", Self.size)
        results.set("fleet_offered_per_s", Double(Self.size * rate))
        results.set("fleet_delivered_per_s", delivered)
        results.set("fleet_delivered", totals.unique)
        results.set("fleet_seconds", seconds)
        if let first = reconnects.first, let last = reconnects.last, reconnects.count == Self.size {
            results.set("fleet_reconnect_spread_s", last - first)
            results.set("fleet_reconnect_first_s", first)
            results.set("fleet_reconnect_last_s", last)
        }
        if let first = firstMessages.first, let last = firstMessages.last, firstMessages.count == Self.size {
            results.set("fleet_first_message_spread_s", last - first)
        }
        results.set("fleet_missing_seq", missing)
        results.set("fleet_duplicates", duplicates)
        results.set("fleet_outage_s", Double(restarted - stopped) / 1e9)
        results.set("fleet_backoff_min_s", Double(defaults.reconnectMinDelay.nanoseconds) / 1e9)
        results.set("fleet_backoff_max_s", Double(defaults.reconnectMaxDelay.nanoseconds) / 1e9)
        results.set("fleet_delays_drawn_min_s", delays.first)
        results.set("fleet_delays_drawn_max_s", delays.last)
        results.set("fleet_reconnect_attempts_max", gateways.map(\.attempts).max() ?? 0)
        results.set("fleet_rss_total_mb", Double(max(memoryBefore.total, memoryAfter.total)) / 1024)
        results.set("fleet_rss_max_mb", Double(max(memoryBefore.largest, memoryAfter.largest)) / 1024)
        let proportional = max(memoryBefore.proportional, memoryAfter.proportional)
        if proportional > 0 { results.set("fleet_pss_total_mb", Double(proportional) / 1024) }
        results.set("fleet_unclean_exits", unclean.count)
        results.set("fleet_bench_seconds", Double(BenchClock.monotonicNanoseconds() - started) / 1e9)

        log("fleet: \(totals.unique) messages in \(Format.fixed(seconds, 1)) s = \(Format.fixed(delivered ?? .nan, 0)) msgs/s "
            + "(offered \(Self.size * rate)/s), \(missing) seq missing, \(duplicates) duplicates")
        log("fleet: reconnected \(Format.fixed(reconnects.first ?? .nan, 3))...\(Format.fixed(reconnects.last ?? .nan, 3)) s after the restart "
            + "(spread \(Format.fixed((reconnects.last ?? .nan) - (reconnects.first ?? .nan), 3)) s, by the log lines; by the first message "
            + "at the subscriber \(Format.fixed((firstMessages.last ?? .nan) - (firstMessages.first ?? .nan), 3)) s); backoff ceiling "
            + "\(defaults.reconnectMinDelay.readableDescription) doubling to \(defaults.reconnectMaxDelay.readableDescription), full jitter; "
            + "delays drawn \(Format.fixed(delays.first ?? .nan, 3))...\(Format.fixed(delays.last ?? .nan, 3)) s, up to attempt \(gateways.map(\.attempts).max() ?? 0)")
        log("fleet: resident memory \(Format.fixed(Double(max(memoryBefore.total, memoryAfter.total)) / 1024, 0)) MB for \(Self.size) gateways "
            + "(largest \(Format.fixed(Double(max(memoryBefore.largest, memoryAfter.largest)) / 1024, 1)) MB); "
            + "proportional set size \(Format.fixed(Double(max(memoryBefore.proportional, memoryAfter.proportional)) / 1024, 0)) MB in all")

        if reconnects.count < Self.size {
            throw BenchError("\(Self.size - reconnects.count) gateways logged no 'reconnected to' line after the restart")
        }
        if let problem = unclean.first {
            throw BenchError("\(unclean.count) gateways did not exit 0 after SIGTERM; the first: \(problem)")
        }
        if missing > 0 {
            let worst = tallies.enumerated().filter { $0.element.missing > 0 }.prefix(3)
                .map { "\(ids[$0.offset]): \($0.element.missing) of 1...\($0.element.highest)" }
            throw BenchError("\(missing) seq missing at the subscriber (\(worst.joined(separator: "; ")))")
        }
    }

    /// Waits until `condition` holds, checking every 100 ms that every gateway and the broker still run.
    private func wait(for what: String, timeout: Double, fleet: [ChildProcess], broker: BenchBroker?,
                      until condition: () -> Bool) throws(BenchError) {
        let deadline = BenchClock.monotonicNanoseconds() + Int64(timeout * 1e9)
        while !condition() {
            if BenchClock.monotonicNanoseconds() >= deadline { throw BenchError("timed out after \(Format.fixed(timeout, 0)) s waiting for \(what)") }
            try Self.checkAlive(fleet, broker: broker)
            BenchClock.sleep(seconds: 0.1)
        }
    }

    private func pause(_ seconds: Double, fleet: [ChildProcess], broker: BenchBroker?) throws(BenchError) {
        let end = BenchClock.monotonicNanoseconds() + Int64(seconds * 1e9)
        while BenchClock.monotonicNanoseconds() < end {
            try Self.checkAlive(fleet, broker: broker)
            BenchClock.sleep(seconds: min(0.1, Double(end - BenchClock.monotonicNanoseconds()) / 1e9))
        }
    }

    private static func checkAlive(_ fleet: [ChildProcess], broker: BenchBroker?) throws(BenchError) {
        for child in fleet {
            if let end = child.poll() {
                throw BenchError("\(child.name) exited early (\(end)); its log:\n\(BenchFiles.tail(child.logPath ?? ""))")
            }
        }
        if let broker, !broker.isAlive {
            throw BenchError("the fleet's broker died; its log:\n\(BenchFiles.tail(broker.logPath, lines: 4))")
        }
    }

    /// VmRSS of every gateway, kB: the sum and the largest; and the sum of their proportional
    /// set sizes (`Pss:` of `/proc/PID/smaps_rollup`, 0 where the kernel lacks it), which
    /// counts the pages the 50 share (the binary, the Swift runtime) once, not 50 times.
    private static func residentMemory(_ fleet: [ChildProcess]) throws(BenchError) -> (total: Int, largest: Int, proportional: Int) {
        var total = 0, largest = 0, proportional = 0
        for child in fleet {
            let rss = try IdleMeasurement.statusKilobytes(child.pid, "VmRSS:")
            total += rss
            largest = max(largest, rss)
            proportional += proportionalKilobytes(child.pid) ?? 0
        }
        return (total, largest, proportional)
    }

    private static func proportionalKilobytes(_ pid: pid_t) -> Int? {
        guard let text = BenchFiles.read("/proc/\(pid)/smaps_rollup") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("Pss:") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if parts.count >= 2, let value = Int(parts[1]) { return value }
        }
        return nil
    }

    /// SIGTERM to every gateway still running, then SIGKILL to those left after `grace` seconds.
    private static func stopAll(_ fleet: [ChildProcess], grace: Double) {
        for child in fleet { child.signal(SIGTERM) }
        let deadline = BenchClock.monotonicNanoseconds() + Int64(grace * 1e9)
        for child in fleet {
            let remaining = max(0, Double(deadline - BenchClock.monotonicNanoseconds()) / 1e9)
            if child.wait(timeout: remaining) == nil { child.terminate(grace: 0) }
        }
    }
}
