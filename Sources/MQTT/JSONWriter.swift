#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SensorgateCore

/// Builds one compact JSON object into a reusable byte buffer.
///
/// Hand-written on purpose: payloads are encoded on the hot path (one per published
/// reading), where Foundation's `JSONEncoder` would allocate and reflect per message
/// and pull Foundation's resident memory into the daemon (see the memory target in docs/ARCHITECTURE.md).
/// It writes only what payloads need: objects of strings, numbers, booleans and UTC times,
/// and, for configuration messages such as Home Assistant discovery, nested objects and
/// lists.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false

    public init(capacity: Int = 192) { bytes.reserveCapacity(capacity) }

    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        needsComma = false
    }

    public mutating func beginObject() {
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Opens an object as the value of `name` in the enclosing object.
    public mutating func beginObject(_ name: String) {
        key(name)
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    /// Opens a list as the value of `name` in the enclosing object.
    public mutating func beginArray(_ name: String) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Opens an object as the next element of the enclosing list.
    public mutating func beginElementObject() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    /// A string as the next element of the enclosing list.
    public mutating func element(_ value: String) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        appendString(value)
        needsComma = true
    }

    private mutating func key(_ name: String) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        appendString(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = true
    }

    public mutating func field(_ name: String, _ value: Double) {
        key(name)
        appendNumber(value)
    }

    public mutating func field(_ name: String, _ value: Int) {
        key(name)
        appendInteger(UInt64(value.magnitude), negative: value < 0)
    }

    public mutating func field(_ name: String, _ value: UInt64) {
        key(name)
        appendInteger(value, negative: false)
    }

    public mutating func field(_ name: String, _ value: Bool) {
        key(name)
        bytes.append(contentsOf: value ? Self.trueBytes : Self.falseBytes)
    }

    public mutating func field(_ name: String, _ value: String) {
        key(name)
        appendString(value)
    }

    /// A UTC time as an RFC 3339 string with microseconds: `2026-11-27T03:00:00.123456Z`.
    public mutating func field(_ name: String, utcNanoseconds: Int64) {
        key(name)
        appendTimestamp(utcNanoseconds)
    }

    public mutating func field(_ name: String, _ value: SampleValue) {
        switch value {
        case .number(let number): field(name, number)
        case .bool(let flag): field(name, flag)
        }
    }

    private static let trueBytes: [UInt8] = Array("true".utf8)
    private static let falseBytes: [UInt8] = Array("false".utf8)
    private static let nullBytes: [UInt8] = Array("null".utf8)

    private mutating func appendNumber(_ value: Double) {
        guard value.isFinite else {
            bytes.append(contentsOf: Self.nullBytes)
            return
        }
        if value == value.rounded(.towardZero), value.magnitude < 1e15 {
            appendInteger(UInt64(value.magnitude), negative: value < 0)
            return
        }
        // Swift's description is the shortest text that reads back as the same Double.
        bytes.append(contentsOf: value.description.utf8)
    }

    private mutating func appendInteger(_ magnitude: UInt64, negative: Bool) {
        if negative { bytes.append(UInt8(ascii: "-")) }
        if magnitude == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = magnitude
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
        }
        withUnsafeBytes(of: &digits) { buffer in
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
        }
    }

    private mutating func appendTimestamp(_ utcNanoseconds: Int64) {
        bytes.append(UInt8(ascii: "\""))
        UTCText.append(utcNanoseconds, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
