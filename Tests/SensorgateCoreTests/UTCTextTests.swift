import SensorgateCore
import Testing

@Suite("UTCText")
struct UTCTextTests {
    @Test("a time with microseconds, nanoseconds truncated", arguments: [
        (Int64(1_795_748_400_123_456_789), "2026-11-27T03:00:00.123456Z"),
        (Int64(0), "1970-01-01T00:00:00.000000Z"),
        (Int64(951_782_400_000_001_000), "2000-02-29T00:00:00.000001Z"),
    ])
    func formats(_ nanoseconds: Int64, _ expected: String) {
        #expect(UTCText.string(nanoseconds) == expected)
    }

    @Test("a time before 1970 borrows a second for its fraction")
    func beforeEpoch() {
        #expect(UTCText.string(-1_000) == "1969-12-31T23:59:59.999999Z")
        #expect(UTCText.string(-1_500_000_000) == "1969-12-31T23:59:58.500000Z")
    }

    @Test("appends to what is already in the buffer")
    func appends() {
        var bytes = Array("ts=".utf8)
        UTCText.append(0, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "ts=1970-01-01T00:00:00.000000Z")
    }
}
