import Pipeline
import SensorgateCore

/// Measurement 5: the in-process pipeline on one thread.
///
/// Each step feeds one edge to a ``Debouncer`` (200 µs; the level changes every third
/// edge, so some changes pass and the rest are cancelled or repeated) and one reading to a
/// ``ChannelChain`` with `median: 5`, `delta: 0.01`, `sliding_average: { size: 10, every: 2 }`
/// and one tumbling `1m` window with mean, min, max and count. Source timestamps advance
/// 100 µs a step, so the window closes every 600,000 steps. Values are pseudo-random
/// around 20 (a fixed LCG). As many steps as fit in 1 s (quick) or 5 s (full); the figure
/// is steps per second.
struct PipelineMeasurement {
    let context: BenchContext

    var duration: Double { context.quick ? 1 : 5 }

    func run(_ results: BenchResults) {
        log("pipeline: debounce + median 5 + delta 0.01 + sliding_average 10/2 + 1m window, \(Int(duration)) s")
        // A short warm-up so page faults and first-call costs stay out of the figure.
        _ = Self.measure(seconds: 0.1)
        let outcome = Self.measure(seconds: duration)
        let rate = Double(outcome.steps) / outcome.seconds
        results.set("pipeline_per_s", rate)
        results.set("pipeline_readings", outcome.steps)
        results.set("pipeline_states", outcome.states)
        results.set("pipeline_level_changes", outcome.levelChanges)
        results.set("pipeline_windows", outcome.windows)
        log("pipeline: \(Format.fixed(rate / 1e6, 2))M readings/s (\(outcome.steps) in \(Format.fixed(outcome.seconds, 2)) s; \(outcome.states) states, \(outcome.levelChanges) level changes, \(outcome.windows) windows; checksum \(Format.fixed(outcome.checksum, 3)))")
    }

    struct Outcome {
        var steps = 0
        var seconds = 0.0
        var states = 0
        var levelChanges = 0
        var windows = 0
        var checksum = 0.0
    }

    /// The measured chain (median 5, delta 0.01, sliding average 10/2, a tumbling `1m` window),
    /// for the warm-up.
    static func makeChain() -> ChannelChain {
        ChannelChain(
            filters: [
                MedianFilter(size: 5),
                DeltaFilter(threshold: 0.01),
                SlidingAverageFilter(size: 10, every: 2),
            ],
            windows: [TumblingWindow(name: "1m", every: .seconds(60), statistics: [.mean, .min, .max, .count], utcOffset: 0)])
    }

    /// Closes one window of a chain of its own: the Swift runtime instantiates the type
    /// metadata a window's summary needs on the first close in a process (a few heap blocks,
    /// once), which a long-running gateway pays once and the cost per reading must not count.
    /// Returns the windows closed (1), so the work is not optimised away.
    static func closeOneWindow() -> Int {
        var chain = makeChain()
        var windows = 0
        for seconds in [1, 2, 3, 64] {
            chain.process(Reading(value: 20 + Double(seconds), timestamp: Timestamp(nanoseconds: UInt64(seconds) * 1_000_000_000)),
                          state: { _ in }, window: { _ in windows += 1 })
        }
        return windows
    }

    /// Runs the pipeline for `seconds`, or (nil) until `limit` readings have gone through it.
    static func measure(seconds: Double?, limit: Int = .max) -> Outcome {
        var debouncer = Debouncer(period: .microseconds(200))
        // Built here rather than by makeChain(): the optimiser's view of the chain is part
        // of the figure, and it stays the same as before the warm-up helper existed.
        var chain = ChannelChain(
            filters: [
                MedianFilter(size: 5),
                DeltaFilter(threshold: 0.01),
                SlidingAverageFilter(size: 10, every: 2),
            ],
            windows: [TumblingWindow(name: "1m", every: .seconds(60), statistics: [.mean, .min, .max, .count], utcOffset: 0)])
        var outcome = Outcome()
        var time = Timestamp(nanoseconds: 1_000_000_000)
        debouncer.reset(level: false, at: time)
        let step = Interval.microseconds(100)
        var random: UInt64 = 0x9E37_79B9_7F4A_7C15
        var states = 0
        var windows = 0
        var levelChanges = 0
        var checksum = 0.0

        let start = BenchClock.monotonicNanoseconds()
        let end = seconds.map { start + Int64($0 * 1e9) } ?? .max
        var steps = 0
        var now = start
        while now < end, steps < limit {
            for _ in 0..<min(4_096, limit - steps) {
                time = time + step
                let level = (steps / 3) & 1 == 1
                if let change = debouncer.edge(to: level, at: time) {
                    levelChanges += 1
                    checksum += change.level ? 1 : 0
                }
                if let deadline = debouncer.deadline, deadline <= time, let change = debouncer.poll(now: time) {
                    levelChanges += 1
                    checksum += change.level ? 1 : 0
                }
                random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let value = 20 + Double(random >> 40) / Double(1 << 24)
                chain.process(Reading(value: value, timestamp: time), state: { reading in
                    states += 1
                    checksum += reading.value
                }, window: { summary in
                    windows += 1
                    checksum += summary.statistics.first?.1 ?? 0
                })
                steps += 1
            }
            now = BenchClock.monotonicNanoseconds()
        }
        outcome.steps = steps
        outcome.seconds = Double(now - start) / 1e9
        outcome.states = states
        outcome.windows = windows
        outcome.levelChanges = levelChanges
        outcome.checksum = checksum
        return outcome
    }
}
