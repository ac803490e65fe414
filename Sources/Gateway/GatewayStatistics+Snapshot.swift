import SensorgateCore

extension GatewayStatistics {
    /// Every figure of `<prefix>/stats`, the periodic summary line and the shutdown line,
    /// read at one moment on the loop.
    struct Snapshot: Equatable, Sendable {
        /// Readings that came in, by kind.
        struct Readings: Equatable, Sendable {
            /// Polls of a sensor that read values (one per poll, whatever its channels).
            var sensor: UInt64 = 0
            /// Edge events read from GPIO lines, before debouncing.
            var edges: UInt64 = 0
            /// Windows closed on sensor channels and edge-metric periods of inputs.
            var windows: UInt64 = 0
            var total: UInt64 { sensor + edges + windows }
        }

        /// Messages given up, by cause. A failed sensor read is not a drop: it is in
        /// ``Sensor/failures``, and it never became a message.
        struct Drops: Equatable, Sendable {
            /// The oldest messages of the full in-memory buffer (`mqtt.max_buffered`).
            var bufferFull: UInt64 = 0
            /// Messages not published because no `seq` number could be reserved on disk.
            var noSequenceNumber: UInt64 = 0
            /// Messages libmosquitto refused to send.
            var refused: UInt64 = 0
            /// The oldest messages of the full durable outbox.
            var outboxFull: UInt64 = 0
            var total: UInt64 { bufferFull + noSequenceNumber + refused + outboxFull }
        }

        struct Sensor: Equatable, Sendable {
            var id: String
            /// `online`, `offline`, or `unknown` before its first good read or offline verdict.
            var status: String
            var readings: UInt64
            /// Failed polls (setup or read) since the start.
            var failures: UInt64
            /// Failed polls since its last good read.
            var consecutiveFailures: Int
        }

        var utc: Int64
        var uptime: Interval
        /// The statistics interval; nil when periodic statistics are off.
        var interval: Interval?
        var readings = Readings()
        /// Messages handed to the MQTT client (states, status, errors, discovery, earlier
        /// statistics), including those later dropped.
        var published: UInt64 = 0
        /// QoS 1 and 2 messages the broker acknowledged (PUBACK, PUBCOMP); QoS 0 never is.
        var acknowledged: UInt64 = 0
        var dropped = Drops()
        /// Messages in memory waiting for the broker: buffered, or sent and unacknowledged.
        var backlog: Int = 0
        var outbox: OutboxGauge?
        /// Successful connections after the first.
        var reconnects: UInt64 = 0
        /// Connection attempts that failed (refused, timed out, unreachable).
        var connectFailures: UInt64 = 0
        /// The loop's lag over the interval (a report) or the run (the shutdown line).
        var loopLag = LoopLag.Summary(probes: 0)
        var sensors: [Sensor] = []
    }
}
