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
}
