import Pipeline
import SensorgateCore
import Testing

@Suite("HoppingWindow")
struct HoppingWindowTests {
    static func window(length: Int, hop: Int, _ statistics: [Statistic] = [.count, .sum], aligned: Bool = true,
                       utcOffset: Int64 = 0) -> HoppingWindow {
        HoppingWindow(name: "h", length: .seconds(length), hop: .seconds(hop), statistics: statistics,
                      utcOffset: utcOffset, alignedToWallClock: aligned)
    }

    @Test func aThirtySecondWindowEveryTenSecondsOverlaps() {
        // Readings at 1..5 (value 1), 12 (2), 25 (4); windows end every 10s, each the last 30s.
        let out = WindowMarble.run(Self.window(length: 30, hop: 10),
                                   [(1, 1), (5, 1), (12, 2), (25, 4)], until: 100)
        #expect(out == [
            emitted(10, -20, 10, ["count": 2, "sum": 2]),
            emitted(20, -10, 20, ["count": 3, "sum": 4]),
            emitted(30, 0, 30, ["count": 4, "sum": 8]),
            emitted(40, 10, 40, ["count": 2, "sum": 6]),
            emitted(50, 20, 50, ["count": 1, "sum": 4]),
        ], "\(out)")
    }

    @Test func aReadingFarAheadClosesTheWindowsThatHoldReadingsThenOpensAgain() {
        let out = WindowMarble.run(Self.window(length: 20, hop: 10), [(3, 1), (500, 7)], until: 520)
        // The reading at 500 first closes the two windows holding the one at 3 (on the way,
        // at its own time: no poll ran between), then its own windows close at 510 and 520.
        #expect(out == [
            emitted(10, -10, 10, ["count": 1, "sum": 1]),
            emitted(20, 0, 20, ["count": 1, "sum": 1]),
            emitted(510, 490, 510, ["count": 1, "sum": 7]),
            emitted(520, 500, 520, ["count": 1, "sum": 7]),
        ], "\(out)")
        var direct = Self.window(length: 20, hop: 10)
        var closed: [WindowSummary] = []
        direct.add(.at(3, 1)) { closed.append($0) }
        direct.add(.at(500, 7)) { closed.append($0) }
        #expect(closed.map(\.end) == [.s(10), .s(20)])
        #expect(direct.deadline == .s(510))
    }

    @Test func windowsEndOnMultiplesOfTheHopInUTC() {
        // UTC = monotonic + 17s: minutes begin at monotonic 43, 103, ...
        let out = WindowMarble.run(Self.window(length: 300, hop: 60, [.count], utcOffset: 17 * second),
                                   [(50, 1)], until: 1_000)
        #expect(out.map(\.end) == [103, 163, 223, 283, 343], "\(out)")
        #expect(out.allSatisfy { $0.end - $0.start == 300 && $0.statistics["count"] == 1 })
        for emission in out { #expect((Int64(emission.end) + 17) % 60 == 0) }
    }

    @Test func unalignedWindowsFollowTheFirstReading() {
        let out = WindowMarble.run(Self.window(length: 20, hop: 10, [.count], aligned: false, utcOffset: 17 * second),
                                   [(3, 1), (14, 1), (41, 1)], until: 80)
        // The grid stays on 3 + 10k after the gap: the reading at 41 is in the pane [33, 43).
        #expect(out.map(\.end) == [13, 23, 33, 43, 53], "\(out)")
        #expect(out.map { $0.statistics["count"] ?? -1 } == [1, 2, 1, 1, 1])
    }

    @Test func aLateReadingCountsInTheOpenPane() {
        let out = WindowMarble.run(Self.window(length: 20, hop: 10, [.count, .first, .last]),
                                   [(12, 1), (5, 2), (15, 3)], until: 40)
        #expect(out == [
            emitted(20, 0, 20, ["count": 3, "first": 1, "last": 3]),
            emitted(30, 10, 30, ["count": 3, "first": 1, "last": 3]),
        ], "\(out)")
    }

    @Test func nanReadingsAreIgnoredAndAnEmptyWindowPublishesNothing() {
        #expect(WindowMarble.run(Self.window(length: 20, hop: 10), [(1, .nan), (2, .nan)], until: 100).isEmpty)
        let out = WindowMarble.run(Self.window(length: 20, hop: 10), [(1, 2), (2, .nan)], until: 100)
        #expect(out.map { $0.statistics["count"] ?? -1 } == [1, 1])
    }

    @Test func panesCombineToTheSameStatisticsAsOnePass() {
        let statistics: [Statistic] = [.mean, .stddev, .min, .max, .median, .percentile(90), .rate, .first, .last]
        var random = XorShift(state: 0xA11CE)
        var input: [(Double, Double)] = []
        var t = 0.0
        for _ in 0..<300 {
            t += Double(1 + random.next(below: 900)) / 1000
            input.append((t, 1_000_000 + Double(random.next(below: 10_000)) / 100))
        }
        let out = WindowMarble.run(Self.window(length: 60, hop: 10, statistics), input, until: t + 100)
        #expect(!out.isEmpty)
        for emission in out {
            var reference = TumblingWindow(name: "r", every: .seconds(3_600), statistics: statistics, utcOffset: 0)
            for (time, value) in input where time >= emission.start && time < emission.end {
                _ = reference.add(Reading(value: value, timestamp: Marble.timestamp(time)))
            }
            let expected = reference.poll(now: .s(3_600))
            for (statistic, value) in expected?.statistics ?? [] {
                #expect(close(emission.statistics[statistic.rawValue] ?? .nan, value, tolerance: 1e-6),
                        "\(statistic.rawValue) at \(emission.end)")
            }
        }
    }
}
