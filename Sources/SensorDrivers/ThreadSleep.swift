#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SensorgateCore

/// How a driver waits for its part (a conversion, a reset): it blocks the calling
/// thread, the bus worker. Tests inject one that advances a manual clock.
public typealias Sleeper = @Sendable (Interval) -> Void

/// Blocks the calling thread with `nanosleep`, resuming after signals until the interval has passed.
public func sleepThread(_ interval: Interval) {
    guard interval.nanoseconds > 0 else { return }
    var request = timespec(tv_sec: Int(interval.nanoseconds / 1_000_000_000),
                           tv_nsec: Int(interval.nanoseconds % 1_000_000_000))
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR {
        request = remaining
    }
}
