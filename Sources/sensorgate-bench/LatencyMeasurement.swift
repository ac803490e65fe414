/// Measurement 1: source event -> subscriber latency at 1k events/s, QoS 0.
///
/// Sensorgate: the real `sensorgate run --simulate` on a profile whose one input sees a
/// 2 ms square wave (1,000 edges/s, no debounce). The payload's `ts` is the simulated
/// chip's edge timestamp, so a sample covers edge -> event loop -> debounce -> encoder ->
/// MQTT -> broker -> subscriber. Baseline: a raw libmosquitto publisher in the bench
/// sending the same-shaped payload stamped with the current UTC time, 1,000 a second.
/// Both: the subscriber's `CLOCK_REALTIME` at receipt minus `ts`; after 1 s of warm-up,
/// the next N messages.
///
/// The two sides run in alternating rounds (gateway first in odd rounds, raw first in even
/// ones, never both at once), each round N samples per side. A busy moment of a shared
/// machine then lands in one round and moves one ratio: the figure for the p50 ratio is the
/// median of the per-round ratios of the p50s. The p50, p99 and max figures themselves are
/// over all rounds' samples pooled.
struct LatencyMeasurement {
    struct Outcome {
        var latencies: [Double]
        /// Messages missing from the recorded `seq` range.
        var lost: Int
        var malformed: Int
    }

    enum Side { case gateway, baseline }

    let context: BenchContext

    var rounds: Int { 5 }
    var samplesPerRound: Int { context.quick ? 1_000 : 6_000 }
    /// Long enough for N samples at 1k/s with a wide margin.
    var collectTimeout: Double { Double(samplesPerRound) / 1_000 * 2 + 10 }

    func run(_ results: BenchResults) throws(BenchError) {
        let id = context.uniqueName("bench-latency")
        let profile = try context.writeProfile(BenchProfiles.latency(id: id), name: id)
        try context.validate(profile)
        log("latency: \(rounds) alternating rounds of \(samplesPerRound) samples per side at 1k msgs/s: sensorgate run --simulate (1k edges/s) and a raw libmosquitto publisher")
        var pooled: [Side: Outcome] = [.gateway: Outcome(latencies: [], lost: 0, malformed: 0),
                                       .baseline: Outcome(latencies: [], lost: 0, malformed: 0)]
        var ratios: [Double] = []
        for round in 0..<rounds {
            var p50: [Side: Double] = [:]
            for side in round % 2 == 0 ? [Side.gateway, .baseline] : [.baseline, .gateway] {
                let outcome = side == .gateway ? try gatewayRound(id: id, profile: profile, round: round)
                                               : try baselineRound()
                p50[side] = Percentile.of(outcome.latencies, 50)
                pooled[side]?.latencies += outcome.latencies
                pooled[side]?.lost += outcome.lost
                pooled[side]?.malformed += outcome.malformed
            }
            if let gateway = p50[.gateway], let raw = p50[.baseline], raw > 0 {
                ratios.append(gateway / raw)
                log("latency round \(round + 1)/\(rounds): p50 \(Format.fixed(gateway, 0)) µs sensorgate, \(Format.fixed(raw, 0)) µs raw, ratio \(Format.fixed(gateway / raw, 2))")
            }
        }
        report(pooled[.gateway]!, prefix: "", into: results)
        report(pooled[.baseline]!, prefix: "baseline_", into: results)
        results.set("latency_rounds", rounds)
        results.set("latency_p50_round_ratios", numbers: ratios)
        results.set("latency_p50_ratio", Percentile.median(ratios))
        results.set("latency_p50_pooled_ratio", results.ratio("latency_p50_us", "baseline_latency_p50_us"))
        log("latency: p50 ratio \(Format.fixed(Percentile.median(ratios) ?? .nan, 2)) (median of the rounds' \(ratios.map { Format.fixed($0, 2) }.joined(separator: ", ")))")
    }

    /// One gateway round: a fresh `sensorgate run` on the profile, N samples, SIGTERM (exit 0).
    private func gatewayRound(id: String, profile: String, round: Int) throws(BenchError) -> Outcome {
        try context.broker.ensureRunning()
        let subscriber = try BenchSubscriber(clientID: context.uniqueName("bench-sub"), topic: "sensorgate/\(id)/edge", qos: 0)
        defer { subscriber.stop() }
        try subscriber.start(port: context.broker.port)

        let child = try context.startGateway(profile, logName: "\(id)-round\(round + 1)")
        var stopped = false
        defer { if !stopped { child.terminate(grace: 5) } }
        let outcome = try collect(subscriber, gateway: child)
        stopped = true
        try context.stopGateway(child)
        return outcome
    }

    /// One baseline round: a fresh raw publisher at 1,000 msgs/s on a fresh topic, N samples.
    private func baselineRound() throws(BenchError) -> Outcome {
        try context.broker.ensureRunning()
        let topic = "bench/\(context.uniqueName("raw-latency"))"
        let subscriber = try BenchSubscriber(clientID: context.uniqueName("bench-sub"), topic: topic, qos: 0)
        defer { subscriber.stop() }
        try subscriber.start(port: context.broker.port)

        let publisher = try RawPublisher(clientID: context.uniqueName("bench-raw"), maxInflight: 100)
        defer { publisher.stop() }
        try publisher.start(port: context.broker.port)
        let stop = SharedFlag()
        let limit = samplesPerRound + 10_000
        let seconds = collectTimeout + 5
        let thread = try BenchThread.start {
            _ = publisher.publishPaced(topic: topic, ratePerSecond: 1_000, stop: stop, maxMessages: limit, maxSeconds: seconds)
        }
        defer {
            stop.set()
            thread.join()
        }
        return try collect(subscriber, gateway: nil)
    }

    /// Waits for the first message, warms up for 1 s, then records `samplesPerRound` latencies.
    private func collect(_ subscriber: BenchSubscriber, gateway: ChildProcess?) throws(BenchError) -> Outcome {
        try context.wait(for: "the first message", timeout: 10, gateway: gateway) { subscriber.snapshot.received > 0 }
        BenchClock.sleep(seconds: 1)
        try context.checkAlive(gateway)
        subscriber.beginRecording(capacity: samplesPerRound)
        try context.wait(for: "\(samplesPerRound) latency samples (got \(subscriber.snapshot.recorded))", timeout: collectTimeout,
                         gateway: gateway, interval: 0.01) {
            subscriber.snapshot.recorded >= samplesPerRound
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
