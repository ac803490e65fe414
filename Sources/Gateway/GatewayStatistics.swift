import SensorgateCore

/// The counters of the gateway's own that the statistics need beside the MQTT client's
/// (published, acknowledged, dropped, connections), the sequence counter's (messages
/// without a number) and each sensor's health: the windows closed, the loop's lag and
/// the start time. Loop-confined, like the runtime that holds it.
struct GatewayStatistics {
    /// What the durable outbox reports: how much waits on disk and what it gave up.
    struct OutboxGauge: Equatable, Sendable {
        var messages: Int
        var bytes: Int
        /// The oldest messages dropped because the outbox was at its bound.
        var droppedWhenFull: UInt64
        /// Messages dropped because the disk refused to store them.
        var droppedOnDiskError: UInt64
        /// Messages libmosquitto refused, removed from the outbox.
        var droppedRefused: UInt64

        init(messages: Int, bytes: Int, droppedWhenFull: UInt64, droppedOnDiskError: UInt64 = 0, droppedRefused: UInt64 = 0) {
            self.messages = messages
            self.bytes = bytes
            self.droppedWhenFull = droppedWhenFull
            self.droppedOnDiskError = droppedOnDiskError
            self.droppedRefused = droppedRefused
        }
    }

    /// When the runtime started (the loop's clock): the base of `uptime`.
    var startedAt: Timestamp
    /// Windows closed on sensor channels and edge-metric periods of inputs.
    var windows: UInt64 = 0
    /// Readings of the sensors a reload removed: the gateway's total never goes back.
    var removedSensorReadings: UInt64 = 0
    var lag = LoopLag()
    /// Read at every snapshot when set: the durable outbox installs it (its depth, its
    /// bytes, what it dropped); without one, the statistics show only the in-memory
    /// backlog and no `outbox` object, and `dropped.outbox_full` and `outbox_disk` stay 0.
    var readOutbox: (() -> OutboxGauge)?
    /// `<prefix>/stats` messages handed to the client (counted in `published` like any other).
    var reportsPublished: UInt64 = 0

    var probeTimer = DeadlineTimer()
    var reportTimer = DeadlineTimer()

    init(startedAt: Timestamp) {
        self.startedAt = startedAt
    }

    /// The deadline after one due at `deadline` ran at `ranAt`: on the interval's grid
    /// from the start, so the period does not drift by the loop's lateness; a deadline
    /// missed entirely (a stalled loop) is skipped, not made up with a burst.
    static func nextDeadline(after deadline: Timestamp, ranAt: Timestamp, every interval: Interval) -> Timestamp {
        var next = deadline + interval
        if next <= ranAt {
            let missed = (ranAt - deadline).nanoseconds / interval.nanoseconds
            next = deadline + Interval(nanoseconds: (missed + 1) * interval.nanoseconds)
        }
        return next
    }
}
