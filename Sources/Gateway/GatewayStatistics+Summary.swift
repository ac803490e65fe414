import MQTT
import SensorgateCore

extension GatewayStatistics.Snapshot {
    /// `published 1240 messages, 1238 acknowledged, 0 dropped`, with the causes of any drop.
    var deliverySummary: String {
        var text = "published \(published) messages, \(acknowledged) acknowledged, \(dropped.total) dropped"
        let causes = [(dropped.bufferFull, "buffer full"), (dropped.noSequenceNumber, "without seq"),
                      (dropped.refused, "refused"), (dropped.outboxFull, "outbox full")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
        if !causes.isEmpty { text += " (" + causes.joined(separator: ", ") + ")" }
        return text
    }

    /// Everything but the delivery: readings, what waits, the connection, the loop's
    /// lag, the uptime and the sensors that failed. Sensor ids are not quoted, so a
    /// search of the log for `'probe'` finds only the lines about the sensor's episodes.
    var detailSummary: String {
        var parts = ["readings \(readings.total) (\(readings.sensor) sensor, \(readings.edges) edges, \(readings.windows) windows)"]
        var waiting = "\(backlog) waiting"
        if let outbox { waiting += ", outbox \(outbox.messages) messages in \(outbox.bytes) bytes" }
        parts.append(waiting)
        parts.append("\(reconnects) \(reconnects == 1 ? "reconnect" : "reconnects")")
        if loopLag.probes > 0, let p99 = loopLag.p99Milliseconds, let maximum = loopLag.maximumMilliseconds {
            parts.append("loop lag p99 \(Self.shown(p99))ms, max \(Self.shown(maximum))ms")
        }
        parts.append("up \(uptime.readableDescription)")
        let failing = sensors.filter { $0.failures > 0 }.map { sensor in
            var text = "\(sensor.id) \(sensor.failures)"
            if sensor.consecutiveFailures > 0 { text += " (\(sensor.consecutiveFailures) in a row, \(sensor.status))" }
            return text
        }
        if !failing.isEmpty { parts.append("sensor failures: " + failing.joined(separator: ", ")) }
        return parts.joined(separator: "; ")
    }

    /// The periodic line: `statistics: published ...; readings ...`.
    var summary: String { "statistics: \(deliverySummary); \(detailSummary)" }

    /// Milliseconds with at most three decimals.
    private static func shown(_ milliseconds: Double) -> String {
        String(Double(Int((milliseconds * 1000).rounded())) / 1000)
    }
}
