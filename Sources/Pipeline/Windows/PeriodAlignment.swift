import SensorgateCore

/// Cuts the monotonic time line into periods of `every`.
///
/// Following the wall clock (the default), the boundaries fall on multiples of `every` on
/// the UTC time line (a 1m window closes on the minute, a 1h window on the full hour).
/// Otherwise the grid is anchored on the first time it opens a period at
/// (``start(opening:)``): boundaries fall on that time plus multiples of `every`, and
/// stay there (a gap in the readings does not move them; a clock resync does not either).
///
/// `utcOffset` is UTC nanoseconds minus monotonic nanoseconds (``UTCMapping``'s offset);
/// for a grid anchored on its first time it is minus that time. Times are signed
/// monotonic nanoseconds: the start of the period containing an early timestamp can
/// precede the monotonic origin.
@usableFromInline
struct PeriodAlignment: Sendable {
    /// Period length in nanoseconds, at least 1.
    @usableFromInline let every: Int64
    @usableFromInline var utcOffset: Int64
    /// False: the grid is anchored on the first period's opening time.
    @usableFromInline let followsWallClock: Bool
    @usableFromInline var anchored = false

    /// A period shorter than 1ns is treated as 1ns.
    @usableFromInline
    init(every: Interval, utcOffset: Int64, followsWallClock: Bool = true) {
        self.every = Swift.max(1, every.nanoseconds)
        self.utcOffset = utcOffset
        self.followsWallClock = followsWallClock
    }

    /// The start of the period containing monotonic time `t`:
    /// `floor((t + utcOffset) / every) * every - utcOffset`.
    @inlinable
    func start(containing t: Int64) -> Int64 {
        let utc = t &+ utcOffset
        var quotient = utc / every
        if utc % every < 0 { quotient -= 1 }  // floor for times before the epoch
        return quotient &* every &- utcOffset
    }

    /// The start of the period a window opens with at `t`; the first call anchors a
    /// grid that does not follow the wall clock at `t`.
    @inlinable
    mutating func start(opening t: Int64) -> Int64 {
        if !followsWallClock && !anchored {
            utcOffset = 0 &- t
            anchored = true
        }
        return start(containing: t)
    }

    /// A new UTC offset (after a resync); an anchored grid keeps its own.
    @inlinable
    mutating func resync(utcOffset offset: Int64) {
        if followsWallClock { utcOffset = offset }
    }
}

extension Timestamp {
    /// A signed monotonic time as a ``Timestamp``. A time before the monotonic origin
    /// (only the start of the first window after boot can be one) is kept in two's
    /// complement, so `end - start` and ``UTCMapping/utcNanoseconds(_:)`` stay exact.
    @inlinable
    init(signedNanoseconds: Int64) {
        self.init(nanoseconds: UInt64(bitPattern: signedNanoseconds))
    }

    @inlinable
    var signedNanoseconds: Int64 { Int64(bitPattern: nanoseconds) }
}
