#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A dedicated thread that sleeps until monotonic deadlines and can be stopped while it
/// sleeps: the shape of the I2C bus workers and the simulator's signal player.
///
/// `body` runs on the new thread and calls ``sleep(until:)`` between steps; it should
/// return when that returns false. ``stop()`` wakes it and joins the thread.
public final class WorkerThread: @unchecked Sendable {
    private let clock: any MonotonicClock
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var stopping = false
    private var woken = false
    private var thread: pthread_t?

    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    public init(clock: any MonotonicClock = SystemClock()) {
        self.clock = clock
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        stop()
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    /// Starts `body` on a new thread; false if the thread could not be created.
    @discardableResult
    public func start(_ body: @escaping () -> Void) -> Bool {
        guard thread == nil else { return false }
        let box = Unmanaged.passRetained(Body(body))
        var handle = pthread_t()
        let result = pthread_create(&handle, nil, { argument in
            Unmanaged<Body>.fromOpaque(argument!).takeRetainedValue().run()
            return nil
        }, box.toOpaque())
        guard result == 0 else {
            box.release()
            return false
        }
        thread = handle
        return true
    }

    /// Sleeps until `deadline` (monotonic), or until ``wake()``; false as soon as
    /// ``stop()`` is called.
    public func sleep(until deadline: Timestamp) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !stopping {
            if woken {
                woken = false
                return true
            }
            if clock.now() >= deadline { return true }
            var spec = timespec()
            spec.tv_sec = Int(deadline.nanoseconds / 1_000_000_000)
            spec.tv_nsec = Int(deadline.nanoseconds % 1_000_000_000)
            pthread_cond_timedwait(condition, mutex, &spec)
        }
        return false
    }

    /// Ends the current or next ``sleep(until:)`` early (it returns true): work arrived.
    /// Safe from any thread; a wake before the sleep is not lost.
    public func wake() {
        pthread_mutex_lock(mutex)
        woken = true
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    /// True once ``stop()`` was called.
    public var isStopping: Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return stopping
    }

    /// Wakes the thread, makes every further `sleep` return false, and waits for it to end.
    public func stop() {
        pthread_mutex_lock(mutex)
        stopping = true
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
        if let thread {
            pthread_join(thread, nil)
            self.thread = nil
        }
    }
}
