import SensorgateCore

/// Cuts the monotonic time line into periods of `every` whose boundaries fall on
/// multiples of `every` on the UTC time line (a 1m window closes on the minute).
///
/// `utcOffset` is UTC nanoseconds minus monotonic nanoseconds (``UTCMapping``'s offset).
/// Times are signed monotonic nanoseconds: the start of the period containing an early
/// timestamp can precede the monotonic origin.
@usableFromInline
struct PeriodAlignment: Sendable {
    /// Period length in nanoseconds, at least 1.
    @usableFromInline let every: Int64
    @usableFromInline var utcOffset: Int64

    /// A period shorter than 1ns is treated as 1ns.
    @usableFromInline
    init(every: Interval, utcOffset: Int64) {
        self.every = Swift.max(1, every.nanoseconds)
        self.utcOffset = utcOffset
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
