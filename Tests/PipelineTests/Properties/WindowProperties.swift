import Pipeline
import PropertyBased
import SensorgateCore
import Testing

/// Invariants of every window kind over generated timelines (swift-property-based).
@Suite("Window properties")
struct WindowProperties {
    static let statistics: [Statistic] = [.count, .mean, .min, .max, .median, .percentile(50), .percentile(10),
                                          .percentile(90), .percentile(99.9)]

    /// Every window kind for one draw of its sizes.
    static func windows(every: Int, hops: Int, readings: Int, countHop: Int) -> [(name: String, window: any ReadingWindow, span: Bool)] {
        return [
            ("tumbling", TumblingWindow(name: "t", every: .seconds(every), statistics: statistics, utcOffset: 0), true),
            ("unaligned", TumblingWindow(name: "u", every: .seconds(every), statistics: statistics, utcOffset: 0,
                                         alignedToWallClock: false), true),
            ("hopping", HoppingWindow(name: "h", length: .seconds(every * hops), hop: .seconds(every),
                                      statistics: statistics, utcOffset: 0), true),
            ("sliding", SlidingTimeWindow(name: "s", length: .seconds(every), statistics: statistics), false),
            ("count", CountWindow(name: "c", readings: readings, statistics: statistics), false),
            ("count hopping", CountWindow(name: "ch", readings: readings, hop: 1 + countHop % readings,
                                          statistics: statistics), false),
        ]
    }

    /// A timeline with every `nanEvery`-th reading NaN (left out of every statistic).
    static func withNaN(_ input: [(Double, Double)], every nanEvery: Int) -> [(Double, Double)] {
        input.enumerated().map { index, reading in index % nanEvery == nanEvery - 1 ? (reading.0, .nan) : reading }
    }

    @Test("mean between min and max, count equals the readings in the span, percentiles monotone in p, p50 the median")
    func summaries() async {
        let sizes = zip(Gen.int(in: 1...20), Gen.int(in: 1...6), Gen.int(in: 1...30), Gen.int(in: 0...29))
        await propertyCheck(count: 60, input: Timelines.readings(count: 1...200, maxGap: 2_000), sizes) { readings, size in
            let input = Self.withNaN(readings, every: 17)
            for (name, window, checksSpan) in Self.windows(every: size.0, hops: size.1, readings: size.2, countHop: size.3) {
                let out = WindowMarble.run(window, input, until: input.last!.0 + 1_000)
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

    @Test("a sliding window holds exactly its span; a count window emits full summaries every hop")
    func slidingAndCount() async {
        let sizes = zip(Gen.int(in: 1...20), Gen.int(in: 1...20), Gen.int(in: 0...19))
        await propertyCheck(count: 40, input: Timelines.readings(count: 1...150, maxGap: 3_000), sizes) { input, size in
            let (length, readings) = (size.0, size.1)
            let hop = 1 + size.2 % readings
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
