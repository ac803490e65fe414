#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinux
import SensorgateCore

/// The gateway's one real-time event loop: an `epoll` instance on a dedicated thread.
///
/// It waits for edge-event file descriptors, the MQTT socket, one `timerfd` armed at the
/// earliest deadline (debounce, window closings, keepalive, reconnects) and one
/// `eventfd` that other threads use to hand work over (I2C bus workers, shutdown).
/// Nothing is polled: an idle loop sleeps in `epoll_wait` until one of those fires.
///
/// Thread confinement: ``execute(_:)`` and ``stop()`` may be called from any thread;
/// everything else only from the loop's own thread (inside handlers or `execute`
/// blocks), which debug builds check.
public final class EventLoop: @unchecked Sendable {
    /// What a descriptor is watched for.
    public struct Interest: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let readable = Interest(rawValue: EPOLLIN.rawValue)
        public static let writable = Interest(rawValue: EPOLLOUT.rawValue)
    }

    /// What happened on a descriptor.
    public struct Readiness: Sendable {
        public var readable: Bool
        public var writable: Bool
        /// Error or hang-up (`EPOLLERR`/`EPOLLHUP`).
        public var failed: Bool
    }

    public struct TimerID: Hashable, Sendable {
        fileprivate let value: UInt64
    }

    public struct LoopError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    private let epollFD: Int32
    private let wakeFD: Int32
    private let timerFD: Int32
    private let clock: any MonotonicClock

    private let pending = Mutex()
    private var pendingWork: [@Sendable () -> Void] = []
    private var stopRequested = false

    private var handlers: [Int32: (Readiness) -> Void] = [:]
    private var timers = TimerHeap()
    private var timerHandlers: [UInt64: () -> Void] = [:]
    private var nextTimerID: UInt64 = 1
    private var armedDeadline: Timestamp?
    private var loopThread: pthread_t?

    /// Creates the loop; it runs when ``run()`` is called on the thread that will own it.
    public init(clock: any MonotonicClock = SystemClock()) throws(LoopError) {
        self.clock = clock
        let ep = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard ep >= 0 else { throw LoopError(description: "epoll_create1: \(String(cString: strerror(errno)))") }
        let wake = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        guard wake >= 0 else {
            close(ep)
            throw LoopError(description: "eventfd: \(String(cString: strerror(errno)))")
        }
        let tfd = timerfd_create(CLOCK_MONOTONIC, Int32(TFD_CLOEXEC | TFD_NONBLOCK))
        guard tfd >= 0 else {
            close(ep)
            close(wake)
            throw LoopError(description: "timerfd_create: \(String(cString: strerror(errno)))")
        }
        epollFD = ep
        wakeFD = wake
        timerFD = tfd
        for fd in [wake, tfd] {
            var event = epoll_event()
            event.events = EPOLLIN.rawValue
            event.data.fd = fd
            epoll_ctl(ep, EPOLL_CTL_ADD, fd, &event)
        }
    }

    deinit {
        close(epollFD)
        close(wakeFD)
        close(timerFD)
    }

    /// The loop's clock (monotonic).
    public func now() -> Timestamp { clock.now() }

    /// True on the loop's own thread.
    public var inLoop: Bool {
        guard let loopThread else { return false }
        return pthread_equal(loopThread, pthread_self()) != 0
    }

    // MARK: Cross-thread

    /// Runs `work` on the loop thread soon. Safe from any thread.
    public func execute(_ work: @escaping @Sendable () -> Void) {
        pending.withLock { pendingWork.append(work) }
        wake()
    }

    /// Makes ``run()`` return after the current iteration. Safe from any thread.
    public func stop() {
        pending.withLock { stopRequested = true }
        wake()
    }

    private func wake() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    // MARK: Descriptors (loop thread)

    /// Watches `fd`; `handler` runs on the loop thread when it is ready.
    public func register(fd: Int32, interest: Interest, handler: @escaping (Readiness) -> Void) throws(LoopError) {
        assertInLoopOrNotRunning()
        var event = epoll_event()
        event.events = interest.rawValue
        event.data.fd = fd
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) == 0 else {
            throw LoopError(description: "epoll_ctl(ADD, \(fd)): \(String(cString: strerror(errno)))")
        }
        handlers[fd] = handler
    }

    /// Changes what `fd` is watched for.
    public func modify(fd: Int32, interest: Interest) {
        assertInLoopOrNotRunning()
        var event = epoll_event()
        event.events = interest.rawValue
        event.data.fd = fd
        epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event)
    }

    /// Stops watching `fd`. Call before closing it.
    public func unregister(fd: Int32) {
        assertInLoopOrNotRunning()
        epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
        handlers[fd] = nil
    }

    // MARK: Timers (loop thread)

    /// Runs `handler` once at `deadline` (monotonic), or as soon as possible if it has passed.
    @discardableResult
    public func schedule(at deadline: Timestamp, _ handler: @escaping () -> Void) -> TimerID {
        assertInLoopOrNotRunning()
        let id = nextTimerID
        nextTimerID += 1
        timers.push(deadline: deadline, id: id)
        timerHandlers[id] = handler
        rearm()
        return TimerID(value: id)
    }

    /// Runs `handler` once after `delay`.
    @discardableResult
    public func schedule(after delay: Interval, _ handler: @escaping () -> Void) -> TimerID {
        schedule(at: now() + delay, handler)
    }

    /// Cancels a timer that has not fired yet; a no-op otherwise.
    public func cancel(_ timer: TimerID) {
        assertInLoopOrNotRunning()
        timerHandlers[timer.value] = nil
    }

    private func rearm() {
        // Drop cancelled timers from the top so the timerfd is armed for a live one.
        while let top = timers.peek, timerHandlers[top.id] == nil { _ = timers.pop() }
        let next = timers.peek?.deadline
        guard next != armedDeadline else { return }
        armedDeadline = next
        var spec = itimerspec()
        if let next {
            // 0 would disarm the timer: a deadline in the past fires at 1 ns.
            let ns = max(next.nanoseconds, 1)
            spec.it_value.tv_sec = Int(ns / 1_000_000_000)
            spec.it_value.tv_nsec = Int(ns % 1_000_000_000)
        }
        timerfd_settime(timerFD, Int32(TFD_TIMER_ABSTIME), &spec, nil)
    }

    private func runDueTimers() {
        var expirations: UInt64 = 0
        _ = read(timerFD, &expirations, 8)
        armedDeadline = nil
        let now = clock.now()
        while let top = timers.peek, top.deadline <= now {
            _ = timers.pop()
            if let handler = timerHandlers.removeValue(forKey: top.id) { handler() }
        }
        rearm()
    }

    // MARK: Running

    /// Runs the loop on the calling thread until ``stop()``.
    public func run() {
        loopThread = pthread_self()
        defer { loopThread = nil }
        var events = [epoll_event](repeating: epoll_event(), count: 64)
        let capacity = Int32(events.count)
        rearm()
        while true {
            if runPendingWork() { return }
            // The array is passed as `&events` rather than through a buffer's optional
            // `baseAddress`: glibc 2.41 marks the events argument non-null, so it imports
            // as a non-optional pointer there and an optional one on older glibc, and the
            // array-to-pointer conversion fits both.
            let count = epoll_wait(epollFD, &events, capacity, -1)
            if count < 0 {
                if errno == EINTR { continue }
                return
            }
            for index in 0..<Int(count) {
                let event = events[index]
                let fd = event.data.fd
                if fd == wakeFD {
                    var value: UInt64 = 0
                    _ = read(wakeFD, &value, 8)
                } else if fd == timerFD {
                    runDueTimers()
                } else if let handler = handlers[fd] {
                    let flags = event.events
                    handler(Readiness(
                        readable: flags & EPOLLIN.rawValue != 0,
                        writable: flags & EPOLLOUT.rawValue != 0,
                        failed: flags & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0))
                }
            }
        }
    }

    /// Runs handed-over work; true when the loop should stop.
    private func runPendingWork() -> Bool {
        while true {
            let (work, stop) = pending.withLock { () -> ([@Sendable () -> Void], Bool) in
                let work = pendingWork
                pendingWork.removeAll(keepingCapacity: true)
                return (work, stopRequested)
            }
            if work.isEmpty { return stop }
            for item in work { item() }
        }
    }

    private func assertInLoopOrNotRunning() {
        assert(loopThread == nil || inLoop, "EventLoop used off its thread")
    }
}

/// A binary min-heap of (deadline, id), ordered by deadline then id (FIFO for equal deadlines).
struct TimerHeap {
    private(set) var items: [(deadline: Timestamp, id: UInt64)] = []

    var peek: (deadline: Timestamp, id: UInt64)? { items.first }

    private static func less(_ a: (deadline: Timestamp, id: UInt64), _ b: (deadline: Timestamp, id: UInt64)) -> Bool {
        a.deadline < b.deadline || (a.deadline == b.deadline && a.id < b.id)
    }

    mutating func push(deadline: Timestamp, id: UInt64) {
        items.append((deadline, id))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.less(items[child], items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (deadline: Timestamp, id: UInt64)? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < items.count, Self.less(items[left], items[smallest]) { smallest = left }
            if right < items.count, Self.less(items[right], items[smallest]) { smallest = right }
            if smallest == parent { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
