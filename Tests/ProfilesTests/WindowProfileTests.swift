import Profiles
import SensorgateCore
import Testing

/// `windows:` of a channel: the four types, `align`, percentiles and rate, their
/// defaults, and the bounds on what a window keeps.
@Suite("Window profile keys")
struct WindowProfileTests {
    /// A BME280's temperature, or with `fast` an INA219's bus voltage (it can be read every 10ms).
    static func text(_ windows: [String], interval: String = "1s", fast: Bool = false) -> String {
        """
        gateway:
          id: gw
        sensors:
          - id: climate
            driver: \(fast ? "ina219" : "bme280")
            i2c: { bus: 1 }
            interval: \(interval)
            channels:
              \(fast ? "bus_voltage" : "temperature"):
                windows:

        """ + windows.map { "          - " + $0 + "\n" }.joined()
    }

    static func windows(_ windows: [String], interval: String = "1s") throws -> [WindowSpec] {
        let profile = try ProfileLoader.load(text: text(windows, interval: interval), path: "w.yaml")
        return profile.sensors[0].channels.first { $0.name == "temperature" }?.windows ?? []
    }

    static func messages(_ windows: [String], interval: String = "1s", fast: Bool = false) -> [String] {
        do {
            _ = try ProfileLoader.load(text: text(windows, interval: interval, fast: fast), path: "w.yaml")
            return []
        } catch {
            switch error {
            case .invalid(let diagnostics): return diagnostics.map(\.description)
            case .unreadable(_, let reason): return [reason]
            }
        }
    }

    @Test func everyTypeDecodesWithItsDefaultName() throws {
        let decoded = try Self.windows([
            "{ every: 1m, stats: [mean] }",
            "{ type: tumbling, every: 1h, align: false, stats: [p95] }",
            "{ type: hopping, length: 5m, hop: 1m, stats: [mean, max] }",
            "{ type: sliding, length: 10m, stats: [rate] }",
            "{ type: count, readings: 60, stats: [median] }",
            "{ type: count, readings: 60, hop: 10, stats: [{ percentile: 99.9 }] }",
        ], interval: "2s")
        #expect(decoded == [
            WindowSpec(name: "1m", every: .seconds(60), stats: [.mean]),
            WindowSpec(name: "1h", kind: .tumbling(every: .seconds(3_600)), stats: [.percentile(95)],
                       alignedToWallClock: false, publishingPeriod: .seconds(3_600)),
            WindowSpec(name: "5m_every_1m", kind: .hopping(length: .seconds(300), hop: .seconds(60)), stats: [.mean, .max],
                       publishingPeriod: .seconds(60)),
            WindowSpec(name: "last_10m", kind: .sliding(length: .seconds(600)), stats: [.rate], publishingPeriod: .seconds(2)),
            WindowSpec(name: "60_readings", kind: .count(readings: 60, hop: 60), stats: [.median],
                       publishingPeriod: .seconds(120)),
            WindowSpec(name: "60_readings_every_10", kind: .count(readings: 60, hop: 10), stats: [.percentile(99.9)],
                       publishingPeriod: .seconds(20)),
        ])
    }

    @Test func percentileSpellingsAreOneStatistic() throws {
        let decoded = try Self.windows(["{ every: 1m, stats: [p99.9, p0, p100, { percentile: 50 }] }"])
        #expect(decoded[0].stats.map(\.rawValue) == ["p99.9", "p0", "p100", "p50"])
        let duplicate = Self.messages(["{ every: 1m, stats: [p95, { percentile: 95 }] }"])
        #expect(duplicate == ["w.yaml:11:39: error: sensors[0].channels.temperature.windows[0].stats[1]: duplicate statistic 'p95'"],
                "\(duplicate)")
    }

    @Test func badStatisticsAreLocated() {
        let out = Self.messages(["{ every: 1m, stats: [p101, { percentile: -1 }, { pct: 5 }, medain] }"])
        #expect(out == [
            "w.yaml:11:34: error: sensors[0].channels.temperature.windows[0].stats[0]: expected a percentile from p0 to p100, got 'p101'",
            "w.yaml:11:54: error: sensors[0].channels.temperature.windows[0].stats[1].percentile: expected a number from 0 to 100, got '-1'",
            "w.yaml:11:60: error: sensors[0].channels.temperature.windows[0].stats[2]: missing required key 'percentile'",
            "w.yaml:11:62: error: sensors[0].channels.temperature.windows[0].stats[2]: unknown key 'pct', expected one of percentile",
            "w.yaml:11:72: error: sensors[0].channels.temperature.windows[0].stats[3]: expected one of mean, min, max, count, sum, first, last, stddev, median, rate, or a percentile such as p95, p99.9 or { percentile: 95 }, got 'medain' (did you mean 'median'?)",
        ], "\(out)")
    }

    @Test func keysOfAnotherTypeAndMissingSizesAreLocated() {
        let out = Self.messages([
            "{ every: 1m, hop: 10s, stats: [mean] }",
            "{ type: sliding, length: 1m, align: false, stats: [mean] }",
            "{ type: hopping, length: 5m, stats: [mean] }",
            "{ type: count, stats: [mean] }",
            "{ type: rolling, every: 1m, stats: [mean] }",
            "{ type: tumbling, evry: 1m, stats: [mean] }",
        ])
        #expect(out == [
            "w.yaml:11:26: error: sensors[0].channels.temperature.windows[0].hop: 'hop' applies to hopping and count windows, not to a tumbling one (a tumbling window takes every, align; see type:)",
            "w.yaml:12:42: error: sensors[0].channels.temperature.windows[1].align: 'align' applies to tumbling and hopping windows, not to a sliding one (a sliding window takes length; see type:)",
            "w.yaml:13:13: error: sensors[0].channels.temperature.windows[2]: missing required key 'hop'",
            "w.yaml:14:13: error: sensors[0].channels.temperature.windows[3]: missing required key 'readings'",
            "w.yaml:15:21: error: sensors[0].channels.temperature.windows[4].type: expected one of tumbling, hopping, sliding, count, got 'rolling'",
            "w.yaml:16:13: error: sensors[0].channels.temperature.windows[5]: missing required key 'every'",
            "w.yaml:16:31: error: sensors[0].channels.temperature.windows[5]: unknown key 'evry' (did you mean 'every'?)",
        ], "\(out)")
    }

    @Test func hopsMustDivideTheLengthAndStayBounded() {
        let out = Self.messages([
            "{ type: hopping, length: 5m, hop: 2m, stats: [mean] }",
            "{ type: hopping, length: 1m, hop: 2m, stats: [mean] }",
            "{ type: hopping, length: 24h, hop: 1s, stats: [mean] }",
            "{ type: count, readings: 10, hop: 11, stats: [mean] }",
            "{ type: count, readings: 10001, stats: [mean] }",
        ])
        #expect(out == [
            "w.yaml:11:38: error: sensors[0].channels.temperature.windows[0].length: a length of 5m is not a whole number of hops of 2m",
            "w.yaml:12:47: error: sensors[0].channels.temperature.windows[1].hop: expected a duration from 1s to 1m, got '2m'",
            "w.yaml:13:48: error: sensors[0].channels.temperature.windows[2].hop: a 24h window every 1s is 86400 hops long, more than the 1440 a hopping window may be; lengthen hop",
            "w.yaml:14:47: error: sensors[0].channels.temperature.windows[3].hop: expected an integer from 1 to 10, got '11'",
            "w.yaml:15:38: error: sensors[0].channels.temperature.windows[4].readings: expected an integer from 1 to 10000, got '10001'",
        ], "\(out)")
    }

    @Test func aWindowThatWouldKeepTooManyReadingsIsRefused() {
        // A 24h sliding window of a sensor read at 100 Hz would hold 8.64 million readings.
        let sliding = Self.messages(["{ type: sliding, length: 24h, stats: [mean] }"], interval: "10ms", fast: true)
        #expect(sliding.count == 1 && sliding[0].hasPrefix("w.yaml:11:50: error: sensors[0].channels.bus_voltage.windows[0].stats: a sliding window keeps its readings: a 24h window of a sensor read every 10ms holds up to 8640000, more than the 10000 a window may keep"),
                "\(sliding[0])")
        let median = Self.messages(["{ every: 1h, stats: [median] }"], interval: "10ms", fast: true)
        #expect(median.count == 1 && median[0].contains("median and percentiles keep the window's values: a 1h window of a sensor read every 10ms holds up to 360000, more than the 100000"),
                "\(median)")
        // Moments only: any length, any rate.
        #expect(Self.messages(["{ every: 24h, stats: [mean, p0] }"], interval: "1s") == [])
        #expect(Self.messages(["{ every: 24h, stats: [mean, max] }"], interval: "10ms", fast: true) == [])
        #expect(Self.messages(["{ type: sliding, length: 10000s, stats: [mean] }"], interval: "1s") == [])
    }
}
