/// Measurement 4: exec to first publish.
///
/// The subscriber listens on the gateway's whole topic tree (a fresh gateway id per run,
/// so no retained message from an earlier run can answer); the clock starts just before
/// `posix_spawn` and stops at the subscriber's receipt of the first message, whatever it
/// is (the `online` status or a first state). Median of 5 runs (quick: 3) on the idle
/// profile (10 BME280s + 8 inputs), then the same with 100 BME280s if that profile
/// validates within 5 s.
struct StartupMeasurement {
    let context: BenchContext

    var runs: Int { context.quick ? 3 : 5 }

    func run(_ results: BenchResults) throws(BenchError) {
        let times = try measure(sensors: 10)
        results.set("startup_ms", Percentile.median(times))
        results.set("startup_runs_ms", numbers: times)
        log("startup: median \(Format.fixed(Percentile.median(times) ?? .nan, 1)) ms over \(times.map { Format.fixed($0, 1) }.joined(separator: ", ")) ms")
    }

    func runHundred(_ results: BenchResults) throws(BenchError) {
        let times = try measure(sensors: 100)
        results.set("startup_100_sensors_ms", Percentile.median(times))
        results.set("startup_100_sensors_runs_ms", numbers: times)
        log("startup with 100 sensors: median \(Format.fixed(Percentile.median(times) ?? .nan, 1)) ms")
    }

    private func measure(sensors: Int) throws(BenchError) -> [Double] {
        // One validation up front (the gateway validates again itself at each start).
        let check = context.uniqueName("bench-start-check")
        let checkPath = try context.writeProfile(BenchProfiles.fleet(id: check, sensors: sensors), name: check)
        let validation = try context.validate(checkPath)
        if sensors > 10, validation > 5 {
            throw BenchError("the \(sensors)-sensor profile took \(Format.fixed(validation, 1)) s to validate; skipped")
        }
        var times: [Double] = []
        for run in 1...runs {
            let id = context.uniqueName("bench-start")
            let profile = try context.writeProfile(BenchProfiles.fleet(id: id, sensors: sensors), name: id)
            try context.broker.ensureRunning()
            let subscriber = try BenchSubscriber(clientID: context.uniqueName("bench-sub"), topic: "sensorgate/\(id)/#", qos: 1)
            defer { subscriber.stop() }
            try subscriber.start(port: context.broker.port)

            let start = BenchClock.monotonicNanoseconds()
            let child = try context.startGateway(profile, logName: id, timed: true)
            var stopped = false
            defer { if !stopped { child.terminate(grace: 5) } }
            try context.wait(for: "the first message (run \(run), \(sensors) sensors)", timeout: 10, gateway: child, interval: 0.001) {
                subscriber.snapshot.firstReceipt != nil
            }
            guard let first = subscriber.snapshot.firstReceipt else { throw BenchError("no first receipt recorded") }
            times.append(Double(first - start) / 1e6)
            stopped = true
            try context.stopGateway(child)
        }
        return times
    }
}
