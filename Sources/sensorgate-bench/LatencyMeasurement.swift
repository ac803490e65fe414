/// Measurement 1: source event -> subscriber latency at 1k events/s, QoS 0.
///
/// Sensorgate: the real `sensorgate run --simulate` on a profile whose one input sees a
/// 2 ms square wave (1,000 edges/s, no debounce). The payload's `ts` is the simulated
/// chip's edge timestamp, so a sample covers edge -> event loop -> debounce -> encoder ->
/// MQTT -> broker -> subscriber. Baseline: a raw libmosquitto publisher in the bench
/// sending the same-shaped payload stamped with the current UTC time, 1,000 a second.
/// Both: the subscriber's `CLOCK_REALTIME` at receipt minus `ts`; after 1 s of warm-up,
/// the next N messages.
struct LatencyMeasurement {
    struct Outcome {
        var latencies: [Double]
        /// Messages missing from the recorded `seq` range.
        var lost: Int
        var malformed: Int
    }

    let context: BenchContext

    var samples: Int { context.quick ? 5_000 : 30_000 }
    /// Long enough for N samples at 1k/s with a wide margin.
    var collectTimeout: Double { Double(samples) / 1_000 * 2 + 10 }

    func gateway(_ results: BenchResults) throws(BenchError) {
        let id = context.uniqueName("bench-latency")
        let profile = try context.writeProfile(BenchProfiles.latency(id: id), name: id)
        try context.validate(profile)
        log("latency: sensorgate run --simulate, 1k edges/s, \(samples) samples")

        try context.broker.ensureRunning()
        let subscriber = try BenchSubscriber(clientID: context.uniqueName("bench-sub"), topic: "sensorgate/\(id)/edge", qos: 0)
        defer { subscriber.stop() }
        try subscriber.start(port: context.broker.port)

        let child = try context.startGateway(profile, logName: id)
        var stopped = false
        defer { if !stopped { child.terminate(grace: 5) } }
        let outcome = try collect(subscriber, gateway: child)
        stopped = true
        try context.stopGateway(child)
        report(outcome, prefix: "", into: results)
    }

    func baseline(_ results: BenchResults) throws(BenchError) {
        log("latency: raw libmosquitto publisher, 1k msgs/s, \(samples) samples")
        try context.broker.ensureRunning()
        let topic = "bench/\(context.uniqueName("raw-latency"))"
        let subscriber = try BenchSubscriber(clientID: context.uniqueName("bench-sub"), topic: topic, qos: 0)
        defer { subscriber.stop() }
        try subscriber.start(port: context.broker.port)

        let publisher = try RawPublisher(clientID: context.uniqueName("bench-raw"), maxInflight: 100)
        defer { publisher.stop() }
        try publisher.start(port: context.broker.port)
        let stop = SharedFlag()
        let limit = samples + 10_000
        let seconds = collectTimeout + 5
        let thread = try BenchThread.start {
            _ = publisher.publishPaced(topic: topic, ratePerSecond: 1_000, stop: stop, maxMessages: limit, maxSeconds: seconds)
        }
        defer {
            stop.set()
            thread.join()
        }
        let outcome = try collect(subscriber, gateway: nil)
        report(outcome, prefix: "baseline_", into: results)
    }

    /// Waits for the first message, warms up for 1 s, then records `samples` latencies.
    private func collect(_ subscriber: BenchSubscriber, gateway: ChildProcess?) throws(BenchError) -> Outcome {
        try context.wait(for: "the first message", timeout: 10, gateway: gateway) { subscriber.snapshot.received > 0 }
        BenchClock.sleep(seconds: 1)
        try context.checkAlive(gateway)
        subscriber.beginRecording(capacity: samples)
        try context.wait(for: "\(samples) latency samples (got \(subscriber.snapshot.recorded))", timeout: collectTimeout,
                         gateway: gateway, interval: 0.01) {
            subscriber.snapshot.recorded >= samples
        }
        subscriber.endRecording()
        let snapshot = subscriber.snapshot
        var lost = 0
        if let range = snapshot.recordedSeqRange {
            lost = max(0, Int(range.high - range.low + 1) - snapshot.recorded)
        }
        return Outcome(latencies: subscriber.recordedLatencies, lost: lost, malformed: snapshot.malformed)
    }

    private func report(_ outcome: Outcome, prefix: String, into results: BenchResults) {
        let sorted = outcome.latencies.sorted()
        results.set(prefix + "latency_p50_us", Percentile.sortedOf(sorted, 50))
        results.set(prefix + "latency_p99_us", Percentile.sortedOf(sorted, 99))
        results.set(prefix + "latency_max_us", sorted.last)
        results.set(prefix + "latency_samples", sorted.count)
        results.set(prefix + "latency_lost", outcome.lost)
        if outcome.malformed > 0 { results.set(prefix + "latency_malformed", outcome.malformed) }
        let p50 = Percentile.sortedOf(sorted, 50) ?? .nan
        let p99 = Percentile.sortedOf(sorted, 99) ?? .nan
        log("latency\(prefix.isEmpty ? "" : " (baseline)"): p50 \(Format.fixed(p50, 0)) µs, p99 \(Format.fixed(p99, 0)) µs, max \(Format.fixed(sorted.last ?? .nan, 0)) µs, \(outcome.lost) lost")
    }
}
