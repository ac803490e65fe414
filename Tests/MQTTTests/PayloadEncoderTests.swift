import MQTT
import SensorgateCore
import Testing

@Suite("PayloadEncoder")
struct PayloadEncoderTests {
    // 2026-11-27T03:00:00.123456Z
    let utc: Int64 = 1_795_748_400_123_456_789

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test("a numeric state has value, unit, ts with microseconds, seq")
    func numeric() {
        var encoder = PayloadEncoder()
        let payload = encoder.state(.number(21.53), unit: "°C", utc: utc, seq: 4711)
        #expect(text(payload) == #"{"value":21.53,"unit":"°C","ts":"2026-11-27T03:00:00.123456Z","seq":4711}"#)
    }

    @Test("booleans, integers, negative numbers and non-finite values")
    func values() {
        var encoder = PayloadEncoder()
        #expect(text(encoder.state(.bool(true), unit: nil, utc: 0, seq: 1))
            == #"{"value":true,"ts":"1970-01-01T00:00:00.000000Z","seq":1}"#)
        #expect(text(encoder.state(.number(-3), unit: nil, utc: 0, seq: 2)).hasPrefix(#"{"value":-3,"#))
        #expect(text(encoder.state(.number(-0.5), unit: nil, utc: 0, seq: 2)).hasPrefix(#"{"value":-0.5,"#))
        #expect(text(encoder.state(.number(.nan), unit: nil, utc: 0, seq: 3)).hasPrefix(#"{"value":null,"#))
        #expect(text(encoder.state(.number(1e-7), unit: nil, utc: 0, seq: 3)).hasPrefix(#"{"value":1e-07,"#))
    }

    @Test("strings are escaped")
    func escaping() {
        var encoder = PayloadEncoder()
        let payload = encoder.error(message: "bad \"x\"\n\\", topic: "a/b", payload: "\u{01}", utc: 0, seq: 9)
        #expect(text(payload) == #"{"error":"bad \"x\"\n\\","topic":"a/b","payload":"\u0001","ts":"1970-01-01T00:00:00.000000Z","seq":9}"#)
    }

    @Test("a window carries its statistics, start and end; value is the first statistic; count is an integer")
    func window() {
        var encoder = PayloadEncoder()
        let summary = WindowSummary(name: "1m", start: Timestamp(nanoseconds: 60_000_000_000),
                                    end: Timestamp(nanoseconds: 120_000_000_000),
                                    statistics: [(.mean, 21.5), (.min, 20), (.max, 23.25), (.count, 12)])
        let payload = encoder.window(summary, unit: "°C", utcOffset: 1_795_748_340_000_000_000, seq: 7)
        #expect(text(payload) == #"{"value":21.5,"unit":"°C","mean":21.5,"min":20,"max":23.25,"count":12,"start":"2026-11-27T03:00:00.000000Z","end":"2026-11-27T03:01:00.000000Z","ts":"2026-11-27T03:01:00.000000Z","seq":7}"#)
    }

    @Test("a pulse count carries value, unit, count and its period")
    func count() {
        var encoder = PayloadEncoder()
        let payload = encoder.count(value: 0.5588, count: 2, unit: "mm", startUTC: 0, endUTC: 60_000_000_000, seq: 3)
        #expect(text(payload) == #"{"value":0.5588,"unit":"mm","count":2,"start":"1970-01-01T00:00:00.000000Z","end":"1970-01-01T00:01:00.000000Z","ts":"1970-01-01T00:01:00.000000Z","seq":3}"#)
    }

    @Test("timestamps before a second boundary and leap-year dates format correctly")
    func calendar() {
        var encoder = PayloadEncoder()
        // 2028-02-29T23:59:59.999999Z
        let leap: Int64 = 1_835_481_599_999_999_000
        #expect(text(encoder.state(.bool(false), unit: nil, utc: leap, seq: 1)).contains("2028-02-29T23:59:59.999999Z"))
    }
}
