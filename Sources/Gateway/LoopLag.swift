import SensorgateCore

/// How late the event loop runs a timer behind its deadline: a probe timer due every
/// ``probePeriod`` is stamped when its handler runs, and the difference is the time the
/// loop was busy elsewhere (other handlers of the same turn, a handler that was running
/// when the probe came due) plus the kernel's timer slack. It is the delay any timer,
/// socket or edge handler of the gateway suffered at that moment.
///
/// Kept per statistics interval (reset when reported) and over the whole run, in
/// ``PollLateness``'s fixed histogram: 10 µs buckets up to 10 ms, so a percentile is the
/// upper edge of its bucket (or the maximum, if that is lower), and the exact maximum.
struct LoopLag {
    /// Four probes a second: enough samples for a p99 over a minute (240), and a wakeup
    /// too rare to cost anything measurable on a Pi-class board.
    static let probePeriod = Interval.milliseconds(250)

    /// What one interval (or the run) measured.
    struct Summary: Equatable, Sendable {
        var probes: Int
        /// Nil without probes.
        var p99Milliseconds: Double?
        var maximumMilliseconds: Double?
    }

    private(set) var interval = PollLateness()
    private(set) var run = PollLateness()

    /// The probe due at `deadline` ran at `ranAt`.
    mutating func record(deadline: Timestamp, ranAt: Timestamp) {
        // A clock read before the deadline (never on one monotonic clock) counts as on time.
        let lateness = ranAt >= deadline ? ranAt - deadline : .zero
        interval.record(lateness)
        run.record(lateness)
    }

    /// The next probe's deadline after one due at `deadline` ran at `ranAt`: on the
    /// period's grid, skipping deadlines already past, so a stall is one late probe,
    /// not a burst of them that would dilute the percentile with made-up samples.
    static func nextDeadline(after deadline: Timestamp, ranAt: Timestamp) -> Timestamp {
        GatewayStatistics.nextDeadline(after: deadline, ranAt: ranAt, every: probePeriod)
    }

    var intervalSummary: Summary { Self.summary(interval) }
    var runSummary: Summary { Self.summary(run) }

    /// Starts a new interval; the run's figures go on.
    mutating func startInterval() {
        interval = PollLateness()
    }

    private static func summary(_ lateness: PollLateness) -> Summary {
        guard lateness.count > 0, let p99 = lateness.percentileMilliseconds(99) else { return Summary(probes: 0) }
        let maximum = Double(lateness.maximum.nanoseconds) / 1e6
        // A bucket's upper edge can lie above the largest sample in it: never show p99 > max.
        return Summary(probes: lateness.count, p99Milliseconds: min(p99, maximum), maximumMilliseconds: maximum)
    }
}
