import SensorgateCore

/// Measurement 2: messages delivered per second, QoS 0 and QoS 1.
///
/// Sensorgate: the gateway's publish path in-process (``GatewayPathPublisher``: the real
/// event loop, MQTT client with max inflight 100 and payload encoder; QoS 1 through the
/// durable outbox, a fresh file per run in the work directory), 256 messages per loop turn. Baseline: a raw libmosquitto publisher (max inflight 100, its own network
/// thread) publishing as fast as it can, the same payload size. Rate = distinct messages
/// received / (last receipt − first publish); messages never received are counted as lost.
/// The two sides alternate which goes first from round to round; 3 rounds (also in
/// `--quick`), each side's figure is the median of its rounds, the ratio the median of the
/// rounds' ratios.
struct ThroughputMeasurement {
    enum Side: String {
        case gateway, baseline
    }

    struct Outcome {
        var rate: Double
        var received: Int
        var lost: Int
        var duplicates: Int
        var seconds: Double
    }

    let context: BenchContext

    func count(qos: Int32) -> Int {
        switch (qos, context.quick) {
        case (0, true): 50_000
        case (0, false): 500_000
        case (_, true): 30_000
        case (_, false): 100_000
        }
    }

    var rounds: Int { 3 }
    static let batch = 256
    /// Messages the raw publisher lets libmosquitto hold before it backs off.
    static let rawBacklogLimit = 1_000

    /// Both sides at `qos`, `rounds` times; records medians under `qos<N>_per_s` and
    /// `baseline_qos<N>_per_s`.
    func run(qos: Int32, _ results: BenchResults) {
        let n = count(qos: qos)
        var rates: [Side: [Double]] = [:]
        var lost: [Side: Int] = [:]
        var duplicates: [Side: Int] = [:]
        var sent: [Side: Int] = [:]
        var ratios: [Double] = []
        for round in 0..<rounds {
            var rate: [Side: Double] = [:]
            // QoS 0 starts with the gateway, QoS 1 with the baseline; each round swaps.
            let gatewayFirst = (round + Int(qos)) % 2 == 0
            for side in gatewayFirst ? [Side.gateway, .baseline] : [.baseline, .gateway] {
                let label = "\(side == .gateway ? "gateway path" : "raw libmosquitto") QoS \(qos), \(n) messages, round \(round + 1)/\(rounds)"
                do {
                    let outcome = try deliver(side: side, qos: qos, count: n)
                    rates[side, default: []].append(outcome.rate)
                    rate[side] = outcome.rate
                    lost[side, default: 0] += outcome.lost
                    duplicates[side, default: 0] += outcome.duplicates
                    sent[side, default: 0] += n
                    log("throughput: \(label): \(Format.fixed(outcome.rate, 0)) msgs/s, \(outcome.received) received, \(outcome.lost) lost, \(outcome.duplicates) duplicates in \(Format.fixed(outcome.seconds, 2)) s")
                } catch {
                    log("throughput: \(label) failed: \(error)")
                    results.fail("throughput \(label)", error)
                }
            }
            if let gateway = rate[.gateway], let raw = rate[.baseline], raw > 0 { ratios.append(gateway / raw) }
        }
        // One busy moment of a shared machine moves one round: the ratio is the median of the rounds'.
        results.set("qos\(qos)_round_ratios", numbers: ratios)
        results.set("qos\(qos)_ratio", Percentile.median(ratios))
        for side in [Side.gateway, .baseline] {
            let prefix = side == .gateway ? "" : "baseline_"
            results.set("\(prefix)qos\(qos)_per_s", Percentile.median(rates[side] ?? []))
            if let total = sent[side] {
                results.set("\(prefix)qos\(qos)_sent", total)
                results.set("\(prefix)qos\(qos)_lost", lost[side] ?? 0)
                if qos > 0 { results.set("\(prefix)qos\(qos)_duplicates", duplicates[side] ?? 0) }
            }
        }
    }

    /// One delivery run of `count` messages from `side` to a fresh subscriber on a fresh topic.
    private func deliver(side: Side, qos: Int32, count: Int) throws(BenchError) -> Outcome {
        try context.broker.ensureRunning()
        let port = context.broker.port
        let topic = "bench/\(context.uniqueName("throughput"))"
        let subscriber = try BenchSubscriber(clientID: context.uniqueName("bench-sub"), topic: topic, qos: qos, expected: count)
        defer { subscriber.stop() }
        try subscriber.start(port: port)

        let value: @Sendable (Int) -> Double = { 20 + Double($0 % 64) / 8 }
        let timeout = 30 + Double(count) / 2_000
        var firstPublish: Int64
        switch side {
        case .gateway:
            let publisher = try GatewayPathPublisher()
            defer { publisher.shutdown() }
            let outboxPath = qos > 0 ? context.workDirectory + "/" + context.uniqueName("throughput") + ".outbox" : nil
            try publisher.start(port: port, clientID: context.uniqueName("bench-gw"), logger: context.logger, outboxPath: outboxPath)
            publisher.publish(topic: topic, count: count, qos: qos, batch: Self.batch, value: value)
            try waitForDelivery(subscriber, count: count, timeout: timeout) { publisher.isFinished }
            let run = publisher.result
            firstPublish = run.firstPublish
            if run.dropped > 0 { log("throughput: the gateway's client dropped \(run.dropped) messages") }
        case .baseline:
            let publisher = try RawPublisher(clientID: context.uniqueName("bench-raw"), maxInflight: 100)
            defer { publisher.stop() }
            try publisher.start(port: port)
            let box = RunBox()
            let thread = try BenchThread.start {
                let run = publisher.publishFlatOut(topic: topic, count: count, qos: qos, backlogLimit: Self.rawBacklogLimit,
                                                   maxSeconds: timeout, value: value)
                box.set(run)
            }
            defer { thread.join() }
            try waitForDelivery(subscriber, count: count, timeout: timeout + 5) { box.get() != nil }
            thread.join()
            guard let run = box.get() else { throw BenchError("the raw publisher did not report") }
            if let problem = run.problem { log("throughput: raw publisher: \(problem)") }
            firstPublish = run.firstPublish
        }
        let snapshot = subscriber.snapshot
        guard let last = snapshot.lastReceipt, snapshot.unique > 0 else {
            throw BenchError("no message arrived")
        }
        let seconds = Double(last - firstPublish) / 1e9
        return Outcome(rate: Double(snapshot.unique) / seconds, received: snapshot.unique, lost: count - snapshot.unique,
                       duplicates: snapshot.duplicates, seconds: seconds)
    }

    /// Until every message has arrived, or the publisher is done and nothing arrived for 3 s.
    private func waitForDelivery(_ subscriber: BenchSubscriber, count: Int, timeout: Double,
                                 publisherDone: () -> Bool) throws(BenchError) {
        var lastCount = -1
        var lastChange = BenchClock.monotonicNanoseconds()
        try context.wait(for: "delivery of \(count) messages (got \(subscriber.snapshot.unique))", timeout: timeout, interval: 0.01) {
            let snapshot = subscriber.snapshot
            if snapshot.unique >= count { return true }
            let now = BenchClock.monotonicNanoseconds()
            if snapshot.received != lastCount {
                lastCount = snapshot.received
                lastChange = now
            }
            return publisherDone() && now - lastChange > 3_000_000_000
        }
    }
}

/// Hands the raw publisher's result from its thread to the main thread.
final class RunBox: @unchecked Sendable {
    private let lock = Mutex()
    private var run: RawPublisher.Run?
    func set(_ run: RawPublisher.Run) { lock.withLock { self.run = run } }
    func get() -> RawPublisher.Run? { lock.withLock { run } }
}
