import Pipeline
import SensorgateCore
import Testing

extension WindowSummary {
    /// The value of one statistic, nil if it was not asked for.
    subscript(_ statistic: Statistic) -> Double? { statistics.first { $0.0 == statistic }?.1 }
}

@Suite("TumblingWindow")
struct TumblingWindowTests {
    /// UTC is 1_700_000_017s when the monotonic clock reads 0: minutes on the UTC time
    /// line begin at monotonic 43s, 103s, ... (1_700_000_100 = 28_333_335 * 60).
    static let offset: Int64 = 1_700_000_017 * second

    @Test("windows are aligned to UTC multiples of every", arguments: [
        // utcOffset (s), reading time (s), window every (s), expected [start, end) (s)
        (1_700_000_017, 100, 60, 83, 143),
        (1_700_000_017, 83, 60, 83, 143),      // exactly on a boundary: that window
        (1_700_000_017, 142, 60, 83, 143),
        (1_700_000_017, 143, 60, 143, 203),
        (1_700_000_017, 5_000, 3600, 2_783, 6_383),  // UTC hour 1_700_002_800 = 472_223 * 3600
        (-7, 100, 60, 67, 127),                // a negative offset
        (-200, 100, 60, 80, 140),              // UTC before the epoch: floor, not truncation
        (0, 100, 10, 100, 110),
    ] as [(Int64, Int64, Int64, Int64, Int64)])
    func alignment(offsetSeconds: Int64, at: Int64, every: Int64, start: Int64, end: Int64) {
        var window = TumblingWindow(name: "w", every: .seconds(Int(every)), statistics: [.count],
                                    utcOffset: offsetSeconds * second)
        #expect(window.add(.at(at, 1)) == nil)
        #expect(window.deadline == .s(end))
        let summary = window.poll(now: .s(end))
        #expect(summary == WindowSummary(name: "w", start: .s(start),
                                         end: .s(end), statistics: [(.count, 1)]))
        // The boundaries are whole multiples of `every` in UTC.
        if let summary {
            let mapping = UTCMapping(offsetNanoseconds: offsetSeconds * second)
            #expect(mapping.utcNanoseconds(summary.start) % (every * second) == 0)
            #expect(mapping.utcNanoseconds(summary.end) % (every * second) == 0)
        }
    }

    @Test func aReadingAtTheEndClosesTheWindowAndOpensTheNext() {
        var window = TumblingWindow(name: "1m", every: .seconds(60), statistics: [.count, .sum], utcOffset: Self.offset)
        #expect(window.add(.at(83, 1)) == nil)
        #expect(window.add(.at(142, 2)) == nil)
        let closed = window.add(.at(143, 4))
        #expect(closed == WindowSummary(name: "1m", start: .s(83), end: .s(143), statistics: [(.count, 2), (.sum, 3)]))
        #expect(window.deadline == .s(203))
        #expect(window.poll(now: .s(203)) == WindowSummary(name: "1m", start: .s(143), end: .s(203),
                                                           statistics: [(.count, 1), (.sum, 4)]))
    }

    static let evenValues: [Double] = [7, 16, 4, 13]
    static let oddValues: [Double] = [3, 1, 2]

    @Test("every statistic against hand-computed values", arguments: [
        // statistic, over [7, 16, 4, 13], over [3, 1, 2]
        (Statistic.mean, 10.0, 2.0),
        (.min, 4, 1),
        (.max, 16, 3),
        (.count, 4, 3),
        (.sum, 40, 6),
        (.first, 7, 3),
        (.last, 13, 2),
        (.stddev, 4.743416490252569, 0.816496580927726),  // sqrt(90/4), sqrt(2/3): population
        (.median, 10, 2),                                 // even: mean of the two middle
    ])
    func statistic(_ statistic: Statistic, even: Double, odd: Double) {
        for (values, expected) in [(Self.evenValues, even), (Self.oddValues, odd)] {
            var window = TumblingWindow(name: "w", every: .seconds(60), statistics: [statistic], utcOffset: 0)
            for (index, value) in values.enumerated() { #expect(window.add(.at(Int64(index), value)) == nil) }
            let summary = window.poll(now: .s(60))
            #expect(summary?.statistics.count == 1)
            #expect(close(summary?[statistic] ?? .nan, expected), "\(statistic) of \(values)")
        }
    }

    @Test func statisticsComeInTheOrderAskedFor() {
        var window = TumblingWindow(name: "w", every: .seconds(10), statistics: [.max, .count, .min, .median],
                                    utcOffset: 0)
        _ = window.add(.at(1, 5))
        _ = window.add(.at(2, -1))
        let summary = window.poll(now: .s(10))
        #expect(summary?.statistics.map(\.0) == [.max, .count, .min, .median])
        #expect(summary?.statistics.map(\.1) == [5, 2, -1, 2])
    }

    @Test func emptyWindowsProduceNothingAndAFarReadingClosesTheOldOne() {
        var window = TumblingWindow(name: "10s", every: .seconds(10), statistics: [.count, .mean], utcOffset: 0)
        #expect(window.deadline == nil)
        #expect(window.poll(now: .s(1_000)) == nil)
        #expect(window.add(.at(1, 1)) == nil)
        #expect(window.add(.at(5, 2)) == nil)
        // 35s is three windows later: [0, 10) closes, [10, 20) and [20, 30) never existed.
        #expect(window.add(.at(35, 3)) == WindowSummary(name: "10s", start: .s(0), end: .s(10),
                                                        statistics: [(.count, 2), (.mean, 1.5)]))
        #expect(window.deadline == .s(40))
        #expect(window.poll(now: .s(39)) == nil)
        #expect(window.poll(now: .s(40)) == WindowSummary(name: "10s", start: .s(30), end: .s(40),
                                                          statistics: [(.count, 1), (.mean, 3)]))
        #expect(window.deadline == nil)
        #expect(window.poll(now: .s(50)) == nil)
    }

    @Test func nanIsIgnored() {
        var window = TumblingWindow(name: "w", every: .seconds(10), statistics: [.count, .first, .last, .min, .mean],
                                    utcOffset: 0)
        #expect(window.add(.at(1, .nan)) == nil)
        #expect(window.deadline == nil)  // a window of only NaN never opens
        _ = window.add(.at(2, 5))
        _ = window.add(.at(3, .nan))
        _ = window.add(.at(4, 7))
        // A NaN past the end still closes the window, and opens nothing.
        #expect(window.add(.at(12, .nan)) == WindowSummary(name: "w", start: .s(0), end: .s(10),
                                                           statistics: [(.count, 2), (.first, 5), (.last, 7),
                                                                        (.min, 5), (.mean, 6)]))
        #expect(window.deadline == nil)
    }

    @Test("stddev and mean stay exact with a large common offset", arguments: [1e9, 1e12])
    func numericallyStable(base: Double) {
        var window = TumblingWindow(name: "w", every: .seconds(60), statistics: [.stddev, .mean, .sum],
                                    utcOffset: 0)
        for (index, value) in Self.evenValues.enumerated() { _ = window.add(.at(Int64(index), base + value)) }
        let summary = window.poll(now: .s(60))
        // E[x^2] - E[x]^2 in doubles would lose every digit here.
        #expect(close(summary?[.stddev] ?? .nan, 4.743416490252569, tolerance: 1e-4))
        #expect(summary?[.mean] == base + 10)
        #expect(summary?[.sum] == 4 * base + 40)
    }

    @Test func sumIsCompensated() {
        var window = TumblingWindow(name: "w", every: .seconds(60), statistics: [.sum], utcOffset: 0)
        for (index, value) in [1e16, 1, 1, -1e16].enumerated() { _ = window.add(.at(Int64(index), value)) }
        #expect(window.poll(now: .s(60))?[.sum] == 2)  // a plain running sum gives 0
    }

    @Test func theFirstWindowAfterBootMayStartBeforeTheMonotonicOrigin() {
        // Monotonic 1s is UTC 18s: the UTC minute began at monotonic -17s.
        var window = TumblingWindow(name: "w", every: .seconds(60), statistics: [.count], utcOffset: 17 * second)
        _ = window.add(.at(1, 1))
        #expect(window.deadline == .s(43))
        guard let summary = window.poll(now: .s(43)) else {
            Issue.record("window did not close")
            return
        }
        #expect(summary.end == .s(43))
        #expect(summary.end - summary.start == .seconds(60))
        #expect(UTCMapping(offsetNanoseconds: 17 * second).utcNanoseconds(summary.start) == 0)
    }

    @Test func aNewUTCOffsetAppliesFromTheNextWindow() {
        var window = TumblingWindow(name: "w", every: .seconds(10), statistics: [.count], utcOffset: 0)
        _ = window.add(.at(1, 1))
        window.utcOffset = 3 * second  // NTP stepped the wall clock
        #expect(window.deadline == .s(10))
        _ = window.add(.at(9, 1))
        #expect(window.poll(now: .s(10))?.end == .s(10))
        _ = window.add(.at(11, 1))
        #expect(window.deadline == .s(17))  // UTC 14s -> window [10s, 20s) UTC = [7s, 17s) monotonic
    }

    @Test func anOutOfOrderReadingCountsInTheOpenWindow() {
        var window = TumblingWindow(name: "w", every: .seconds(10), statistics: [.count], utcOffset: 0)
        _ = window.add(.at(15, 1))
        #expect(window.add(.at(5, 1)) == nil)
        #expect(window.poll(now: .s(20)) == WindowSummary(name: "w", start: .s(10), end: .s(20),
                                                          statistics: [(.count, 2)]))
    }
}
