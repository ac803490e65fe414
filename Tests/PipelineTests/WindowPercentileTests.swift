import Pipeline
import SensorgateCore
import Testing

@Suite("Window percentiles and rate")
struct WindowPercentileTests {
    static func summary(_ statistics: [Statistic], _ readings: [(Int64, Double)]) -> WindowSummary? {
        var window = TumblingWindow(name: "w", every: .seconds(1_000), statistics: statistics, utcOffset: 0)
        for (t, v) in readings { _ = window.add(.at(t, v)) }
        return window.poll(now: .s(1_000))
    }

    @Test("percentile names read back", arguments: [
        ("p95", 95.0), ("p99.9", 99.9), ("p0", 0), ("p100", 100), ("p50", 50), ("p2.5", 2.5),
    ] as [(String, Double)])
    func names(_ name: String, _ p: Double) {
        #expect(PercentileStatistic.percentile(named: name) == p)
        #expect(Statistic.percentile(p).rawValue == name)
        #expect(WindowStatisticCatalog.entry(for: Statistic(rawValue: name))?.needsValues == true)
    }

    @Test("names that are not percentiles", arguments: ["p", "p101", "p-1", "p1e2", "pinf", "pnan", "p.5", "p5.", "p1.2.3", "q5", "P5"])
    func notPercentiles(_ name: String) {
        #expect(PercentileStatistic.percentile(named: name) == nil)
        #expect(WindowStatisticCatalog.entry(for: Statistic(rawValue: name)) == nil)
    }

    @Test func linearInterpolationBetweenClosestRanks() {
        // Sorted 10, 20, 30, 40: h = 3p/100.
        let readings: [(Int64, Double)] = [(1, 40), (2, 10), (3, 30), (4, 20)]
        let s = Self.summary([.percentile(0), .percentile(25), .percentile(50), .percentile(90), .percentile(100), .median],
                             readings)
        #expect(s?[.percentile(0)] == 10)
        #expect(close(s?[.percentile(25)] ?? 0, 17.5))
        #expect(s?[.percentile(50)] == 25)
        #expect(close(s?[.percentile(90)] ?? 0, 37))
        #expect(s?[.percentile(100)] == 40)
        #expect(s?[.median] == 25)
        #expect(Self.summary([.percentile(99)], [(1, 7)])?[.percentile(99)] == 7)
    }

    @Test func rateIsPerSecondFromTheFirstAndLastReading() {
        #expect(Self.summary([.rate], [(10, 5), (20, 100), (30, 25)])?[.rate] == 1)
        #expect(Self.summary([.rate], [(10, 5)])?[.rate]?.isNaN == true)
        // Out of order: the last is not later than the first, no time has passed.
        #expect(Self.summary([.rate], [(30, 5), (10, 6)])?[.rate]?.isNaN == true)
        // Milliseconds apart.
        var window = TumblingWindow(name: "w", every: .seconds(10), statistics: [.rate], utcOffset: 0)
        _ = window.add(Reading(value: 1, timestamp: .ms(100)))
        _ = window.add(Reading(value: 2, timestamp: .ms(350)))
        #expect(window.poll(now: .s(10))?[.rate] == 4)
    }
}
