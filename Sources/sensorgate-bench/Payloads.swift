#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reads the two fields the bench needs from a gateway payload, without allocating:
/// `ts` (`"2026-11-27T03:00:00.123456Z"`, UTC with microseconds) and `seq`.
struct PayloadFields {
    var timestampMicroseconds: Int64?
    var seq: UInt64?

    /// The minute the last `ts` fell in, so most parses skip the calendar arithmetic.
    private var cachedMinute: (bytes: (UInt64, UInt64), seconds: Int64)?

    init() {}

    mutating func parse(_ payload: UnsafeRawBufferPointer) {
        timestampMicroseconds = nil
        seq = nil
        let bytes = payload.bindMemory(to: UInt8.self)
        if let start = Self.find(Self.tsKey, in: bytes) { timestampMicroseconds = parseTimestamp(bytes, at: start) }
        if let start = Self.find(Self.seqKey, in: bytes) {
            var index = start
            var value: UInt64 = 0
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57, digits < 20 {
                value = value &* 10 &+ UInt64(bytes[index] - 48)
                index += 1
                digits += 1
            }
            if digits > 0 { seq = value }
        }
    }

    private static let tsKey: [UInt8] = Array("\"ts\":\"".utf8)
    private static let seqKey: [UInt8] = Array("\"seq\":".utf8)

    /// The index just past `key` in `bytes`, if it occurs.
    private static func find(_ key: [UInt8], in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let count = key.count
        guard bytes.count >= count else { return nil }
        var index = 0
        while index + count <= bytes.count {
            var matched = true
            for offset in 0..<count where bytes[index + offset] != key[offset] {
                matched = false
                break
            }
            if matched { return index + count }
            index += 1
        }
        return nil
    }

    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ` at `start` as microseconds since the epoch.
    private mutating func parseTimestamp(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Int64? {
        guard start + 27 <= bytes.count, bytes[start + 26] == UInt8(ascii: "Z"), bytes[start + 19] == UInt8(ascii: ".") else {
            return nil
        }
        func number(_ offset: Int, _ width: Int) -> Int? {
            var value = 0
            for index in start + offset..<start + offset + width {
                let digit = bytes[index]
                guard digit >= 48, digit <= 57 else { return nil }
                value = value * 10 + Int(digit - 48)
            }
            return value
        }
        // The first 16 bytes, "YYYY-MM-DDTHH:MM", as two words: the cache key.
        var key: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &key) { raw in
            for index in 0..<16 { raw[index] = bytes[start + index] }
        }
        let minuteSeconds: Int64
        if let cached = cachedMinute, cached.bytes == key {
            minuteSeconds = cached.seconds
        } else {
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
                  let hour = number(11, 2), let minute = number(14, 2) else { return nil }
            var parts = tm()
            parts.tm_year = Int32(year - 1900)
            parts.tm_mon = Int32(month - 1)
            parts.tm_mday = Int32(day)
            parts.tm_hour = Int32(hour)
            parts.tm_min = Int32(minute)
            parts.tm_sec = 0
            minuteSeconds = Int64(timegm(&parts))
            cachedMinute = (key, minuteSeconds)
        }
        guard let second = number(17, 2), let micros = number(20, 6) else { return nil }
        return (minuteSeconds + Int64(second)) * 1_000_000 + Int64(micros)
    }
}

/// Builds the raw baseline's payloads in the gateway's compact shape, as a C publisher
/// with `snprintf` would: `{"value":true,"ts":"...","seq":N}` for a binary input and
/// `{"value":20.125,"unit":"°C","ts":"...","seq":N}` for a reading.
struct RawPayloadWriter {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(128) }

    mutating func binary(_ value: Bool, utcNanoseconds: Int64, seq: UInt64) {
        bytes.removeAll(keepingCapacity: true)
        append("{\"value\":")
        append(value ? "true" : "false")
        append(",\"ts\":\"")
        appendTimestamp(utcNanoseconds)
        append("\",\"seq\":")
        appendInteger(seq)
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func reading(_ value: Double, unit: String, utcNanoseconds: Int64, seq: UInt64) {
        bytes.removeAll(keepingCapacity: true)
        append("{\"value\":")
        append(value.description)
        append(",\"unit\":\"")
        append(unit)
        append("\",\"ts\":\"")
        appendTimestamp(utcNanoseconds)
        append("\",\"seq\":")
        appendInteger(seq)
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

    private mutating func appendInteger(_ value: UInt64) {
        if value == 0 {
            bytes.append(48)
            return
        }
        let start = bytes.count
        var rest = value
        while rest > 0 {
            bytes.append(48 + UInt8(rest % 10))
            rest /= 10
        }
        bytes[start...].reverse()
    }

    private mutating func appendPadded(_ value: Int, _ width: Int) {
        let start = bytes.count
        for _ in 0..<width { bytes.append(48) }
        var rest = value
        var index = start + width - 1
        while index >= start {
            bytes[index] = 48 + UInt8(rest % 10)
            rest /= 10
            index -= 1
        }
    }

    private mutating func appendTimestamp(_ utcNanoseconds: Int64) {
        var seconds = time_t(utcNanoseconds / 1_000_000_000)
        let micros = Int((utcNanoseconds % 1_000_000_000) / 1_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        appendPadded(Int(parts.tm_year) + 1900, 4)
        bytes.append(UInt8(ascii: "-"))
        appendPadded(Int(parts.tm_mon) + 1, 2)
        bytes.append(UInt8(ascii: "-"))
        appendPadded(Int(parts.tm_mday), 2)
        bytes.append(UInt8(ascii: "T"))
        appendPadded(Int(parts.tm_hour), 2)
        bytes.append(UInt8(ascii: ":"))
        appendPadded(Int(parts.tm_min), 2)
        bytes.append(UInt8(ascii: ":"))
        appendPadded(Int(parts.tm_sec), 2)
        bytes.append(UInt8(ascii: "."))
        appendPadded(micros, 6)
        bytes.append(UInt8(ascii: "Z"))
    }
}
