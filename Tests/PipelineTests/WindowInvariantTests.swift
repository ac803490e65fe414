import Pipeline
import SensorgateCore
import Testing

/// Invariants of every window kind over seeded timelines (xorshift: a failure repeats).
@Suite("Window invariants")
struct WindowInvariantTests {
    /// Readings at random gaps of 1ms...`maxGap` ms, values in -50...50, NaN when `nanEvery` hits.
    static func timeline(_ random: inout XorShift, count: Int, maxGap: Int, nanEvery: Int? = nil) -> [(Double, Double)] {
        var t = 0.0
        return (0..<count).map { i in
            t += Double(1 + random.next(below: maxGap)) / 1000
            if let nanEvery, i % nanEvery == nanEvery - 1 { return (t, .nan) }
            return (t, Double(random.next(below: 10_001)) / 100 - 50)
        }
    }

    static let statistics: [Statistic] = [.count, .mean, .min, .max, .median, .percentile(50), .percentile(10),
                                          .percentile(90), .percentile(99.9)]

    static func windows(_ random: inout XorShift) -> [(name: String, window: any ReadingWindow, span: Bool)] {
        let every = 1 + random.next(below: 20)
        let hops = 1 + random.next(below: 6)
        let readings = 1 + random.next(below: 30)
        return [
            ("tumbling", TumblingWindow(name: "t", every: .seconds(every), statistics: statistics, utcOffset: 0), true),
            ("unaligned", TumblingWindow(name: "u", every: .seconds(every), statistics: statistics, utcOffset: 0,
                                         alignedToWallClock: false), true),
            ("hopping", HoppingWindow(name: "h", length: .seconds(every * hops), hop: .seconds(every),
                                      statistics: statistics, utcOffset: 0), true),
            ("sliding", SlidingTimeWindow(name: "s", length: .seconds(every), statistics: statistics), false),
            ("count", CountWindow(name: "c", readings: readings, statistics: statistics), false),
            ("count hopping", CountWindow(name: "ch", readings: readings, hop: 1 + random.next(below: readings),
                                          statistics: statistics), false),
        ]
    }

    @Test func meanBetweenMinAndMaxCountMatchesTheSpanAndPercentilesAreMonotoneWithP50TheMedian() {
        var random = XorShift(state: 0x5EED_0010)
        for _ in 0..<60 {
            let input = Self.timeline(&random, count: 200, maxGap: 2_000, nanEvery: 17)
            for (name, window, checksSpan) in Self.windows(&random) {
                let out = WindowMarble.run(window, input, until: input.last!.0 + 1_000)
                #expect(!out.isEmpty, "\(name)")
                for emission in out {
                    let s = emission.statistics
                    let (count, mean, minimum, maximum) = (s["count"] ?? 0, s["mean"] ?? .nan, s["min"] ?? .nan, s["max"] ?? .nan)
                    #expect(count > 0, "\(name): an empty window was published")
                    #expect(minimum <= mean + 1e-9 && mean <= maximum + 1e-9, "\(name) \(emission)")
                    let ps = ["min", "p10", "p50", "p90", "p99.9", "max"].map { s[$0] ?? .nan }
                    for (a, b) in zip(ps, ps.dropFirst()) { #expect(a <= b, "\(name) \(emission)") }
                    #expect(s["p50"] == s["median"], "\(name) \(emission)")
                    if checksSpan {
                        let inSpan = input.filter { !$0.1.isNaN && $0.0 >= emission.start && $0.0 < emission.end }.count
                        #expect(Double(inSpan) == count, "\(name) \(emission)")
                    }
                }
            }
        }
    }

    @Test func slidingAndCountWindowsHoldWhatTheyPromise() {
        var random = XorShift(state: 0xC0FFEE)
        for _ in 0..<40 {
            let input = Self.timeline(&random, count: 150, maxGap: 3_000)
            let length = 1 + random.next(below: 20)
            let sliding = WindowMarble.run(SlidingTimeWindow(name: "s", length: .seconds(length), statistics: [.count]), input)
            #expect(sliding.count == input.count)
            for (emission, reading) in zip(sliding, input) {
                // In nanoseconds, as the window sees them: (t - length, t].
                let t = Int64(Marble.timestamp(reading.0).nanoseconds)
                let held = input.filter {
                    let u = Int64(Marble.timestamp($0.0).nanoseconds)
                    return u > t - Int64(length) * second && u <= t
                }.count
                #expect(emission.statistics["count"] == Double(held))
            }
            let readings = 1 + random.next(below: 20)
            let hop = 1 + random.next(below: readings)
            let counted = WindowMarble.run(CountWindow(name: "c", readings: readings, hop: hop, statistics: [.count, .first]),
                                           input)
            #expect(counted.count == (input.count >= readings ? (input.count - readings) / hop + 1 : 0))
            for (index, emission) in counted.enumerated() {
                #expect(emission.statistics["count"] == Double(readings))
                #expect(emission.statistics["first"] == input[index * hop].1)
            }
        }
    }
}
