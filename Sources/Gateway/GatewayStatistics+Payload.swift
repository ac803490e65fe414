import MQTT
import SensorgateCore

extension GatewayStatistics.Snapshot {
    /// The `<prefix>/stats` message: one JSON object, counters since the start except
    /// `loop_lag_ms` (over the last interval); no `seq` (see DeviceProfiles/README.md).
    func payload() -> [UInt8] {
        var writer = JSONWriter(capacity: 512 + 128 * sensors.count)
        writer.beginObject()
        writer.field("ts", utcNanoseconds: utc)
        writer.field("uptime_s", Self.milliRounded(uptime.seconds))
        if let interval { writer.field("interval_s", Self.milliRounded(interval.seconds)) }
        writer.beginObject("readings")
        writer.field("sensor", readings.sensor)
        writer.field("edges", readings.edges)
        writer.field("windows", readings.windows)
        writer.field("total", readings.total)
        writer.endObject()
        writer.field("published", published)
        writer.field("acknowledged", acknowledged)
        writer.beginObject("dropped")
        writer.field("total", dropped.total)
        writer.field("buffer_full", dropped.bufferFull)
        writer.field("no_seq", dropped.noSequenceNumber)
        writer.field("refused", dropped.refused)
        writer.field("outbox_full", dropped.outboxFull)
        writer.endObject()
        writer.field("backlog", backlog)
        if let outbox {
            writer.beginObject("outbox")
            writer.field("messages", outbox.messages)
            writer.field("bytes", outbox.bytes)
            writer.endObject()
        }
        writer.field("reconnects", reconnects)
        writer.field("connect_failures", connectFailures)
        writer.beginObject("loop_lag_ms")
        writer.field("probes", loopLag.probes)
        if let p99 = loopLag.p99Milliseconds { writer.field("p99", Self.microRounded(p99)) }
        if let maximum = loopLag.maximumMilliseconds { writer.field("max", Self.microRounded(maximum)) }
        writer.endObject()
        writer.beginObject("sensors")
        for sensor in sensors {
            writer.beginObject(sensor.id)
            writer.field("status", sensor.status)
            writer.field("readings", sensor.readings)
            writer.field("failures", sensor.failures)
            writer.field("consecutive_failures", sensor.consecutiveFailures)
            writer.endObject()
        }
        writer.endObject()
        writer.endObject()
        return writer.bytes
    }

    static func milliRounded(_ value: Double) -> Double { (value * 1e3).rounded() / 1e3 }
    static func microRounded(_ value: Double) -> Double { (value * 1e6).rounded() / 1e6 }
}
