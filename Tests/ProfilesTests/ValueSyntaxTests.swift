import Profiles
import SensorgateCore
import Testing

@Suite("Duration syntax")
struct DurationSyntaxTests {
    @Test("reads every unit and fractions", arguments: [
        ("20ms", Interval.milliseconds(20)),
        ("5s", Interval.seconds(5)),
        ("1m", Interval.seconds(60)),
        ("1h", Interval.seconds(3600)),
        ("1d", Interval.seconds(86_400)),
        ("1500us", Interval.microseconds(1500)),
        ("3µs", Interval.microseconds(3)),
        ("250ns", Interval.nanoseconds(250)),
        ("1.5s", Interval.milliseconds(1500)),
        ("0.25ms", Interval.microseconds(250)),
        (".5s", Interval.milliseconds(500)),
        ("2.000s", Interval.seconds(2)),
        ("0s", Interval.zero),
        ("45 s", Interval.seconds(45)),
        (" 7ms ", Interval.milliseconds(7)),
        ("0.000000001s", Interval.nanoseconds(1)),
    ])
    func parses(_ text: String, _ expected: Interval) throws {
        #expect(try DurationSyntax.parse(text) == expected)
    }

    @Test("rejects with a reason", arguments: [
        ("20", "missing unit"),
        ("-5ms", "negative"),
        ("5x", "unknown unit 'x'"),
        ("5sec", "unknown unit 'sec'"),
        ("20MS", "did you mean 'ms'?"),
        ("1.5ns", "not a whole number of nanoseconds"),
        ("0.0000000001s", "not a whole number of nanoseconds"),
        ("1.2.3s", "is not a number"),
        ("ms", "starts with a number"),
        ("", "empty"),
        ("99999999999999999999s", "too long"),
        ("200000d", "too long"),
    ])
    func rejects(_ text: String, _ reason: String) {
        #expect {
            _ = try DurationSyntax.parse(text)
        } throws: { error in
            (error as? ValueSyntaxError)?.reason.contains(reason) == true
        }
    }

    @Test("an interval's description reads back to itself", arguments: [
        Interval.nanoseconds(1), .microseconds(1500), .milliseconds(20), .seconds(5), .seconds(90),
        .seconds(3600), .seconds(86_400 * 3), .nanoseconds(1_000_000_001),
    ])
    func roundTrip(_ interval: Interval) throws {
        #expect(try DurationSyntax.parse(interval.description) == interval)
    }
}

@Suite("I2C address syntax")
struct I2CAddressSyntaxTests {
    @Test("hex and decimal", arguments: [
        ("0x76", UInt8(0x76)), ("0X77", 0x77), ("118", 0x76), ("0x03", 0x03), ("3", 0x03), ("0x77", 0x77), ("0x8", 8),
    ])
    func parses(_ text: String, _ expected: UInt8) throws {
        #expect(try I2CAddressSyntax.parse(text) == expected)
    }

    @Test("reserved, too wide or not a number", arguments: [
        ("0x78", "reserved"), ("0x02", "reserved"), ("0", "reserved"), ("120", "reserved"),
        ("0x80", "more than 7 bits"), ("0x100", "more than 7 bits"), ("1000", "more than 7 bits"),
        ("0x", "not a number"), ("0xZZ", "not a number"), ("-1", "not a number"), ("seventy", "not a number"),
        ("7.5", "not a number"),
    ])
    func rejects(_ text: String, _ reason: String) {
        #expect {
            _ = try I2CAddressSyntax.parse(text)
        } throws: { error in
            (error as? ValueSyntaxError)?.reason.contains(reason) == true
        }
    }

    @Test("formats as two hex digits")
    func format() {
        #expect(I2CAddressSyntax.format(0x76) == "0x76")
        #expect(I2CAddressSyntax.format(0x08) == "0x08")
    }
}

@Suite("Rate syntax")
struct RateSyntaxTests {
    @Test("per second, minute and hour", arguments: [
        ("0.5/s", 0.5), ("30/m", 0.5), ("2/h", 2.0 / 3600), ("1/s", 1.0), ("10 / s", 10.0), ("0/s", 0.0),
    ])
    func parses(_ text: String, _ expected: Double) throws {
        let value = try RateSyntax.parse(text)
        #expect(abs(value - expected) < 1e-12)
    }

    @Test("rejects with a reason", arguments: [
        ("2", "missing '/s'"), ("5/min", "unknown unit 'min'"), ("1/S", "did you mean 's'?"),
        ("-1/s", "negative"), ("x/s", "is not a number"), ("", "empty"),
    ])
    func rejects(_ text: String, _ reason: String) {
        #expect {
            _ = try RateSyntax.parse(text)
        } throws: { error in
            (error as? ValueSyntaxError)?.reason.contains(reason) == true
        }
    }
}

@Suite("Did you mean")
struct DidYouMeanTests {
    @Test("edit distance", arguments: [
        ("", "", 0), ("abc", "", 3), ("", "ab", 2), ("brokr", "broker", 1), ("kitten", "sitting", 3),
        ("maen", "mean", 1), ("medain", "median", 1), ("Pull-Up", "pull-up", 0), ("qos", "qso", 1), ("abc", "xyz", 3),
    ])
    func distance(_ a: String, _ b: String, _ expected: Int) {
        #expect(DidYouMean.distance(a, b) == expected)
        #expect(DidYouMean.distance(b, a) == expected)
    }

    @Test("suggests the intended word", arguments: [
        ("brokr", ["broker", "client_id", "qos"], "broker"),
        ("pullup", ["as-is", "disabled", "pull-up", "pull-down"], "pull-up"),
        ("PULL_DOWN", ["as-is", "disabled", "pull-up", "pull-down"], "pull-down"),
        ("keep_alive", ["keepalive", "qos"], "keepalive"),
        ("temprature", ["temperature", "humidity", "pressure"], "temperature"),
        ("raspberry-pi4", ["raspberry-pi-3", "raspberry-pi-4", "raspberry-pi-5"], "raspberry-pi-4"),
        ("bme208", ["bme280"], "bme280"),
    ])
    func suggests(_ word: String, _ candidates: [String], _ expected: String) {
        #expect(DidYouMean.suggestion(for: word, among: candidates) == expected)
    }

    @Test("stays quiet when nothing is close", arguments: [
        ("avg", ["mean", "min", "max"]),
        ("colour", ["broker", "qos", "retain"]),
        ("x", ["s", "m", "h"]),
        ("broker", ["broker"]),
        ("anything", []),
    ])
    func noSuggestion(_ word: String, _ candidates: [String]) {
        #expect(DidYouMean.suggestion(for: word, among: candidates) == nil)
    }
}
