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

/// What a thread does while a driver on it waits for its part, instead of only sleeping:
/// the I2C bus worker serves the bus's other parts (an expander whose INT fell, a PWM
/// write), so they wait at most for a transaction, never for a conversion.
public protocol DriverWaitHandler: AnyObject {
    /// Returns once `interval` has passed; may run other transactions on the bus meanwhile.
    func wait(_ interval: Interval)
}

/// The calling thread's ``DriverWaitHandler``, which ``sleepThread(_:)`` hands its waits to.
public enum DriverWait {
    /// One key for the process: the handler is per thread.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Makes `handler` the calling thread's (nil: plain sleeps again). The thread must keep
    /// `handler` alive while it is installed; it is not retained here.
    public static func install(_ handler: (any DriverWaitHandler)?) {
        pthread_setspecific(key, handler.map { Unmanaged.passUnretained($0 as AnyObject).toOpaque() })
    }

    static var current: (any DriverWaitHandler)? {
        guard let raw = pthread_getspecific(key) else { return nil }
        return Unmanaged<AnyObject>.fromOpaque(raw).takeUnretainedValue() as? any DriverWaitHandler
    }
}

/// Waits `interval`: through the thread's ``DriverWaitHandler`` on a bus worker, else by
/// blocking with `nanosleep`, resuming after signals until the interval has passed.
public func sleepThread(_ interval: Interval) {
    guard interval.nanoseconds > 0 else { return }
    if let handler = DriverWait.current {
        handler.wait(interval)
        return
    }
    blockThread(interval)
}

/// Blocks the calling thread with `nanosleep` for `interval`, whatever handler it has.
public func blockThread(_ interval: Interval) {
    guard interval.nanoseconds > 0 else { return }
    var request = timespec(tv_sec: Int(interval.nanoseconds / 1_000_000_000),
                           tv_nsec: Int(interval.nanoseconds % 1_000_000_000))
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR {
        request = remaining
    }
}
