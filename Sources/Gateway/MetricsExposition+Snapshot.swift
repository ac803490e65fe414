/// The figures of one ``GatewayStatistics/Snapshot`` (the one `<prefix>/stats` is made
/// of) as Prometheus metrics, named `sensorgate_...`; README.md "Metrics" lists them.
extension MetricsExposition {
    /// `version` is nil when the binary reports none (tests building a runtime directly).
    init(snapshot: GatewayStatistics.Snapshot, gatewayID: String, version: String?) {
        self.init(capacity: 3_072 + 512 * snapshot.sensors.count)
        family("sensorgate_info", .gauge, help: "Always 1; the labels name the gateway and its version.")
        sample("sensorgate_info", 1, labels: ["version": version ?? "unknown", "gateway": gatewayID])
        family("sensorgate_uptime_seconds", .gauge, help: "Seconds since the gateway started.")
        sample("sensorgate_uptime_seconds", Self.milli(snapshot.uptime.seconds))

        family("sensorgate_readings_total", .counter,
               help: "Readings that came in, by kind: sensor polls that read values, GPIO edges before debouncing, windows closed.")
        sample("sensorgate_readings_total", snapshot.readings.sensor, labels: ["kind": "sensor"])
        sample("sensorgate_readings_total", snapshot.readings.edges, labels: ["kind": "edges"])
        sample("sensorgate_readings_total", snapshot.readings.windows, labels: ["kind": "windows"])

        family("sensorgate_published_total", .counter,
               help: "Messages handed to the MQTT client, including those later dropped.")
        sample("sensorgate_published_total", snapshot.published)
        family("sensorgate_acknowledged_total", .counter,
               help: "QoS 1 and 2 messages the broker acknowledged.")
        sample("sensorgate_acknowledged_total", snapshot.acknowledged)
        family("sensorgate_dropped_total", .counter, help: "Messages given up, by cause (as in <prefix>/stats).")
        let dropped = snapshot.dropped
        for (cause, count) in [("buffer_full", dropped.bufferFull), ("no_seq", dropped.noSequenceNumber),
                               ("refused", dropped.refused), ("outbox_full", dropped.outboxFull),
                               ("outbox_disk", dropped.outboxDisk)] {
            sample("sensorgate_dropped_total", count, labels: ["cause": cause])
        }

        family("sensorgate_backlog_messages", .gauge,
               help: "Messages in memory waiting for the broker: buffered, or sent and unacknowledged.")
        sample("sensorgate_backlog_messages", snapshot.backlog)
        if let outbox = snapshot.outbox {
            family("sensorgate_outbox_messages", .gauge, help: "Messages waiting in the durable outbox.")
            sample("sensorgate_outbox_messages", outbox.messages)
            family("sensorgate_outbox_bytes", .gauge, help: "Bytes of the messages waiting in the durable outbox.")
            sample("sensorgate_outbox_bytes", outbox.bytes)
        }

        family("sensorgate_reconnects_total", .counter, help: "Successful broker connections after the first.")
        sample("sensorgate_reconnects_total", snapshot.reconnects)
        family("sensorgate_connect_failures_total", .counter,
               help: "Broker connection attempts that failed (refused, timed out, unreachable).")
        sample("sensorgate_connect_failures_total", snapshot.connectFailures)

        let lag = snapshot.loopLag
        family("sensorgate_loop_lag_probes_total", .counter,
               help: "Loop-lag probes run since the start (four a second).")
        sample("sensorgate_loop_lag_probes_total", UInt64(lag.probes))
        family("sensorgate_loop_lag_p99_seconds", .gauge,
               help: "The event loop's lag since the start, 99th percentile (10 us buckets).")
        if let p99 = lag.p99Milliseconds { sample("sensorgate_loop_lag_p99_seconds", Self.micro(p99 / 1e3)) }
        family("sensorgate_loop_lag_max_seconds", .gauge, help: "The event loop's largest lag since the start.")
        if let maximum = lag.maximumMilliseconds { sample("sensorgate_loop_lag_max_seconds", Self.micro(maximum / 1e3)) }

        family("sensorgate_sensor_readings_total", .counter, help: "Polls of the sensor that read values.")
        for sensor in snapshot.sensors {
            sample("sensorgate_sensor_readings_total", sensor.readings, labels: ["sensor": sensor.id])
        }
        family("sensorgate_sensor_failures_total", .counter, help: "Failed polls of the sensor (setup or read).")
        for sensor in snapshot.sensors {
            sample("sensorgate_sensor_failures_total", sensor.failures, labels: ["sensor": sensor.id])
        }
        family("sensorgate_sensor_consecutive_failures", .gauge, help: "Failed polls of the sensor since its last good read.")
        for sensor in snapshot.sensors {
            sample("sensorgate_sensor_consecutive_failures", sensor.consecutiveFailures, labels: ["sensor": sensor.id])
        }
        family("sensorgate_sensor_online", .gauge,
               help: "1 while the sensor is online, 0 when offline or before its first good read.")
        for sensor in snapshot.sensors {
            sample("sensorgate_sensor_online", sensor.status == "online" ? 1 : 0, labels: ["sensor": sensor.id])
        }
    }

    private static func milli(_ value: Double) -> Double { (value * 1e3).rounded() / 1e3 }
    private static func micro(_ value: Double) -> Double { (value * 1e6).rounded() / 1e6 }
}
