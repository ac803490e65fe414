import SensorgateCore

/// When a sensor is polled next: on a fixed grid of its interval from the first poll,
/// so deadlines never drift by the time a read takes; slots missed while a read (or a
/// stuck bus) overran are skipped rather than bunched.
enum PollSchedule {
    /// The first grid point after `due` that is not in the past at `now` (a point equal
    /// to `now` is due now, not missed).
    static func next(after due: Timestamp, interval: Interval, now: Timestamp) -> Timestamp {
        let next = due + interval
        guard next < now else { return next }
        let late = (now - next).nanoseconds
        let missed = (late + interval.nanoseconds - 1) / interval.nanoseconds
        return next + interval * missed
    }

    /// At most this many distinct phases per interval on one bus.
    static let phases = 10

    /// Where each sensor's grid sits within its interval: sensors on one bus that share an
    /// interval are spread evenly over it, at most ``phases`` positions, in the order given.
    /// One transaction runs on a bus at a time, so sensors all due at one instant would
    /// each wait for the polls before them; at most ten positions keep the bus's wake-ups
    /// to ten per interval however many sensors share it.
    static func phaseOffsets(for intervals: [Interval]) -> [Interval] {
        var sharing: [Interval: Int] = [:]
        for interval in intervals { sharing[interval, default: 0] += 1 }
        var seen: [Interval: Int] = [:]
        return intervals.map { interval in
            let position = seen[interval, default: 0]
            seen[interval] = position + 1
            let slots = Int64(min(sharing[interval] ?? 1, phases))
            return Interval(nanoseconds: interval.nanoseconds / slots * (Int64(position) % slots))
        }
    }

    /// The grid point a sensor is polled at next, after a poll that ended at `now`: `slot`
    /// itself while it is still ahead (the first point of a sensor's phase, after the
    /// poll that set it up), else the first point after it (``next(after:interval:now:)``).
    static func upcoming(_ slot: Timestamp, interval: Interval, now: Timestamp) -> Timestamp {
        slot > now ? slot : next(after: slot, interval: interval, now: now)
    }
}
