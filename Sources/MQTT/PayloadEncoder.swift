import SensorgateCore

/// Encodes the gateway's payloads (docs/ARCHITECTURE.md, "Topics and payloads"): one JSON object per
/// message with at least `value`, `unit` (when the value has one), `ts` (the reading's
/// source time in UTC with microseconds) and `seq`.
public struct PayloadEncoder: Sendable {
    private var writer = JSONWriter()

    public init() {}

    /// A state: a sensor channel's filtered reading, a binary input's level, an output's state.
    public mutating func state(_ value: SampleValue, unit: String?, utc: Int64, seq: UInt64) -> [UInt8] {
        writer.reset()
        writer.beginObject()
        writer.field("value", value)
        if let unit { writer.field("unit", unit) }
        writer.field("ts", utcNanoseconds: utc)
        writer.field("seq", seq)
        writer.endObject()
        return writer.bytes
    }

    /// A binary state published with the profile's on/off strings.
    public mutating func state(text: String, utc: Int64, seq: UInt64) -> [UInt8] {
        writer.reset()
        writer.beginObject()
        writer.field("value", text)
        writer.field("ts", utcNanoseconds: utc)
        writer.field("seq", seq)
        writer.endObject()
        return writer.bytes
    }

    /// Every channel of a sensor in one object on `<prefix>/<sensor id>` (zigbee2mqtt's
    /// shape): each channel's latest value by name, then `ts` (the reading's source time)
    /// and `seq`. Units are not repeated here: the per-channel messages and Home
    /// Assistant's discovery carry them.
    public mutating func combined(_ values: [(name: String, value: Double)], utc: Int64, seq: UInt64) -> [UInt8] {
        writer.reset()
        writer.beginObject()
        for (name, value) in values { writer.field(name, value) }
        writer.field("ts", utcNanoseconds: utc)
        writer.field("seq", seq)
        writer.endObject()
        return writer.bytes
    }

    /// A closed window: `value` is the first statistic asked for; every statistic follows
    /// by name, then the window's `start` and `end`; `ts` is the end.
    public mutating func window(_ summary: WindowSummary, unit: String?, utcOffset: Int64, seq: UInt64) -> [UInt8] {
        writer.reset()
        writer.beginObject()
        if let first = summary.statistics.first { writer.field("value", first.1) }
        if let unit { writer.field("unit", unit) }
        for (statistic, value) in summary.statistics {
            if statistic == .count { writer.field(statistic.rawValue, Int(value)) } else { writer.field(statistic.rawValue, value) }
        }
        let start = Int64(bitPattern: summary.start.nanoseconds) &+ utcOffset
        let end = Int64(bitPattern: summary.end.nanoseconds) &+ utcOffset
        writer.field("start", utcNanoseconds: start)
        writer.field("end", utcNanoseconds: end)
        writer.field("ts", utcNanoseconds: end)
        writer.field("seq", seq)
        writer.endObject()
        return writer.bytes
    }

    /// A pulse counter's period: `value` = count × scale in `unit`, plus the raw `count`.
    public mutating func count(value: Double, count: Int, unit: String, startUTC: Int64, endUTC: Int64, seq: UInt64) -> [UInt8] {
        period(value: value, unit: unit, count: count, startUTC: startUTC, endUTC: endUTC, seq: seq)
    }

    /// A value measured over a period (a count, a frequency, a duty cycle): `value`,
    /// `unit`, `count` if given, the period's `start` and `end`; `ts` is the end.
    public mutating func period(value: Double, unit: String, count: Int? = nil, startUTC: Int64, endUTC: Int64,
                                seq: UInt64) -> [UInt8] {
        writer.reset()
        writer.beginObject()
        writer.field("value", value)
        writer.field("unit", unit)
        if let count { writer.field("count", count) }
        writer.field("start", utcNanoseconds: startUTC)
        writer.field("end", utcNanoseconds: endUTC)
        writer.field("ts", utcNanoseconds: endUTC)
        writer.field("seq", seq)
        writer.endObject()
        return writer.bytes
    }

    /// A rejected command, for `<prefix>/error`.
    public mutating func error(message: String, topic: String, payload: String, utc: Int64, seq: UInt64) -> [UInt8] {
        writer.reset()
        writer.beginObject()
        writer.field("error", message)
        writer.field("topic", topic)
        writer.field("payload", payload)
        writer.field("ts", utcNanoseconds: utc)
        writer.field("seq", seq)
        writer.endObject()
        return writer.bytes
    }

    /// A fault of the gateway itself (not of a command), for `<prefix>/error`; `seq` is
    /// left out when the fault is that no number can be handed out.
    public mutating func fault(message: String, utc: Int64, seq: UInt64?) -> [UInt8] {
        writer.reset()
        writer.beginObject()
        writer.field("error", message)
        writer.field("ts", utcNanoseconds: utc)
        if let seq { writer.field("seq", seq) }
        writer.endObject()
        return writer.bytes
    }
}
