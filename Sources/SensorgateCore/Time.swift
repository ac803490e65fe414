#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A point on the monotonic time line (`CLOCK_MONOTONIC`), in nanoseconds.
///
/// Every reading and edge carries one: the kernel's edge timestamp for GPIO, the
/// moment the transaction finished for I2C. Debounce and windows run on these, never
/// on the wall clock, so a clock step from NTP never fires or stretches a window.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: UInt64

    @inlinable
    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    public static let zero = Timestamp(nanoseconds: 0)

    @inlinable
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    @inlinable
    public static func + (lhs: Timestamp, rhs: Interval) -> Timestamp {
        let value = Int64(bitPattern: lhs.nanoseconds) &+ rhs.nanoseconds
        return Timestamp(nanoseconds: UInt64(max(0, value)))
    }

    @inlinable
    public static func - (lhs: Timestamp, rhs: Interval) -> Timestamp { lhs + Interval(nanoseconds: -rhs.nanoseconds) }

    @inlinable
    public static func - (lhs: Timestamp, rhs: Timestamp) -> Interval {
        Interval(nanoseconds: Int64(bitPattern: lhs.nanoseconds &- rhs.nanoseconds))
    }

    public var description: String { "\(nanoseconds)ns" }
}

/// A signed span of time in nanoseconds. Cheaper than `Swift.Duration` on the hot path.
public struct Interval: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    @inlinable
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static let zero = Interval(nanoseconds: 0)

    @inlinable public static func nanoseconds(_ n: Int) -> Interval { Interval(nanoseconds: Int64(n)) }
    @inlinable public static func microseconds(_ n: Int) -> Interval { Interval(nanoseconds: Int64(n) * 1_000) }
    @inlinable public static func milliseconds(_ n: Int) -> Interval { Interval(nanoseconds: Int64(n) * 1_000_000) }
    @inlinable public static func seconds(_ n: Int) -> Interval { Interval(nanoseconds: Int64(n) * 1_000_000_000) }
    @inlinable public static func seconds(_ n: Double) -> Interval { Interval(nanoseconds: Int64((n * 1e9).rounded())) }

    @inlinable public var seconds: Double { Double(nanoseconds) / 1e9 }

    @inlinable
    public static func < (lhs: Interval, rhs: Interval) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
    @inlinable
    public static func + (lhs: Interval, rhs: Interval) -> Interval { Interval(nanoseconds: lhs.nanoseconds + rhs.nanoseconds) }
    @inlinable
    public static func - (lhs: Interval, rhs: Interval) -> Interval { Interval(nanoseconds: lhs.nanoseconds - rhs.nanoseconds) }
    @inlinable
    public static prefix func - (value: Interval) -> Interval { Interval(nanoseconds: -value.nanoseconds) }
    @inlinable
    public static func * (lhs: Interval, rhs: Int64) -> Interval { Interval(nanoseconds: lhs.nanoseconds * rhs) }

    /// The shortest exact form in the profile's duration syntax: `20ms`, `5s`, `1m`, `1500us`.
    public var description: String {
        let n = nanoseconds
        if n == 0 { return "0s" }
        let units: [(Int64, String)] = [(86_400_000_000_000, "d"), (3_600_000_000_000, "h"), (60_000_000_000, "m"),
                                        (1_000_000_000, "s"), (1_000_000, "ms"), (1_000, "us")]
        for (size, name) in units where n % size == 0 { return "\(n / size)\(name)" }
        return "\(n)ns"
    }
}

/// The source of monotonic time. Injected everywhere time matters, so tests can use
/// ``ManualClock`` and run debounce and windows deterministically.
public protocol MonotonicClock: Sendable {
    func now() -> Timestamp
}

/// `CLOCK_MONOTONIC`, the base of the kernel's GPIO edge timestamps.
public struct SystemClock: MonotonicClock {
    public init() {}

    @inlinable
    public func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Timestamp(nanoseconds: UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec))
    }
}

/// A clock that moves only when told to. For tests.
public final class ManualClock: MonotonicClock, @unchecked Sendable {
    private let lock = Mutex()
    private var current: Timestamp

    public init(start: Timestamp = Timestamp(nanoseconds: 1_000_000_000)) { current = start }

    public func now() -> Timestamp { lock.withLock { current } }

    public func advance(by interval: Interval) { lock.withLock { current = current + interval } }

    public func set(_ instant: Timestamp) { lock.withLock { current = instant } }
}

/// Maps monotonic timestamps to UTC for payloads.
///
/// The offset between `CLOCK_REALTIME` and `CLOCK_MONOTONIC` is sampled when the
/// mapping is made; ``resync()`` samples it again so a long-running gateway follows
/// NTP adjustments without ever reordering its monotonic timestamps.
public struct UTCMapping: Sendable {
    /// UTC nanoseconds since the Unix epoch minus monotonic nanoseconds.
    public private(set) var offsetNanoseconds: Int64

    public init(offsetNanoseconds: Int64) { self.offsetNanoseconds = offsetNanoseconds }

    /// Samples the system clocks now.
    public static func system() -> UTCMapping {
        UTCMapping(offsetNanoseconds: sampleOffset())
    }

    public mutating func resync() { offsetNanoseconds = Self.sampleOffset() }

    @inlinable
    public func utcNanoseconds(_ t: Timestamp) -> Int64 { Int64(bitPattern: t.nanoseconds) &+ offsetNanoseconds }

    private static func sampleOffset() -> Int64 {
        // Bracket the realtime read between two monotonic reads and take the midpoint.
        var m1 = timespec(), r = timespec(), m2 = timespec()
        clock_gettime(CLOCK_MONOTONIC, &m1)
        clock_gettime(CLOCK_REALTIME, &r)
        clock_gettime(CLOCK_MONOTONIC, &m2)
        let mono1 = Int64(m1.tv_sec) * 1_000_000_000 + Int64(m1.tv_nsec)
        let mono2 = Int64(m2.tv_sec) * 1_000_000_000 + Int64(m2.tv_nsec)
        let real = Int64(r.tv_sec) * 1_000_000_000 + Int64(r.tv_nsec)
        return real - (mono1 + (mono2 - mono1) / 2)
    }
}
