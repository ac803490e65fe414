#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// UTC times as every output of the gateway writes them: ISO 8601 with microseconds,
/// `2026-11-27T03:00:00.123456Z` (payloads' `ts`, `gpio monitor`). Written into bytes
/// directly, without Foundation's formatters: payloads are encoded once per reading.
public enum UTCText {
    /// Appends the time, nanoseconds since 1970 in UTC, truncated to microseconds.
    public static func append(_ utcNanoseconds: Int64, to bytes: inout [UInt8]) {
        var seconds = utcNanoseconds / 1_000_000_000
        var micros = (utcNanoseconds % 1_000_000_000) / 1_000
        if micros < 0 {
            micros += 1_000_000
            seconds -= 1
        }
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        appendDigits(Int(parts.tm_year) + 1900, width: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(Int(parts.tm_mon) + 1, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(Int(parts.tm_mday), width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        appendDigits(Int(parts.tm_hour), width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(Int(parts.tm_min), width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(Int(parts.tm_sec), width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        appendDigits(Int(micros), width: 6, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    /// The time as a string.
    public static func string(_ utcNanoseconds: Int64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(27)
        append(utcNanoseconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A non-negative number in exactly `width` decimal digits, zero-padded.
    private static func appendDigits(_ value: Int, width: Int, to bytes: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }
}
