#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinux
import SensorgateCore

/// A request on a ``SimulatedGPIOChip``: edge events wait in a bounded queue and an
/// `eventfd` becomes readable while any are pending.
///
/// With kernel debounce on a line, a `timerfd` also wakes the reader when a debounce
/// period runs out (the kernel's debounce work): the request's descriptor is then an
/// epoll set of the two, readable when either is, as the kernel's request descriptor is
/// readable when an event is ready.
final class SimulatedLineRequest: GPIOLineRequest, @unchecked Sendable {
    private weak var chip: SimulatedGPIOChip?
    private let offsets: [UInt32]
    private let capacity: Int
    private let clock: any MonotonicClock
    private let lock = Mutex()
    private var queue: [EdgeEvent] = []
    private var dropped = 0
    private var released = false
    private let eventFD: Int32
    /// The debounce wake-up timer and the earliest deadline it is armed for; -1 without debounce.
    private let timerFD: Int32
    private var armedDeadline: Timestamp?
    let fileDescriptor: Int32

    init(chip: SimulatedGPIOChip, offsets: [UInt32], capacity: Int, debounced: Bool,
         clock: any MonotonicClock) throws(GPIOError) {
        let fd = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        guard fd >= 0 else { throw GPIOError(.io, "eventfd failed", errno: errno) }
        var timer: Int32 = -1
        var readable = fd
        if debounced {
            timer = timerfd_create(CLOCK_MONOTONIC, Int32(TFD_CLOEXEC | TFD_NONBLOCK))
            let set = timer >= 0 ? epoll_create1(Int32(EPOLL_CLOEXEC)) : -1
            var added = set >= 0
            for member in [fd, timer] where added {
                var event = epoll_event()
                event.events = EPOLLIN.rawValue
                event.data.fd = member
                added = epoll_ctl(set, EPOLL_CTL_ADD, member, &event) == 0
            }
            guard added else {
                let code = errno
                for open in [fd, timer, set] where open >= 0 { close(open) }
                throw GPIOError(.io, "cannot set up the debounce timer", errno: code)
            }
            readable = set
        }
        self.chip = chip
        self.offsets = offsets
        self.capacity = capacity
        self.clock = clock
        eventFD = fd
        timerFD = timer
        fileDescriptor = readable
        queue.reserveCapacity(capacity)
    }

    deinit {
        release()
        close(eventFD)
        if timerFD >= 0 {
            close(timerFD)
            close(fileDescriptor)
        }
    }

    /// Makes the descriptor readable at `deadline` (on the chip's clock), unless it is
    /// already due to be earlier. Called by the chip, with its lock held or not.
    func wake(at deadline: Timestamp) {
        guard timerFD >= 0 else { return }
        lock.withLock {
            if let armedDeadline, armedDeadline <= deadline { return }
            armedDeadline = deadline
            // Relative, since the chip's clock need not be the system's; 0 would disarm.
            let delay = max((deadline - clock.now()).nanoseconds, 1)
            var spec = itimerspec()
            spec.it_value.tv_sec = Int(delay / 1_000_000_000)
            spec.it_value.tv_nsec = Int(delay % 1_000_000_000)
            timerfd_settime(timerFD, 0, &spec, nil)
        }
    }

    /// Called by the chip with its lock held.
    func enqueue(_ event: EdgeEvent) {
        let accepted = lock.withLock { () -> Bool in
            guard !released else { return false }
            guard queue.count < capacity else {
                dropped += 1
                return false
            }
            queue.append(event)
            return true
        }
        if accepted {
            var one: UInt64 = 1
            _ = write(eventFD, &one, 8)
        }
    }

    func readEdgeEvents(into events: inout [EdgeEvent]) throws(GPIOError) -> EdgeLoss {
        var counter: UInt64 = 0
        _ = read(eventFD, &counter, 8)
        if timerFD >= 0 {
            _ = read(timerFD, &counter, 8)
            lock.withLock { armedDeadline = nil }
            // Periods that ran out report their edges now; one still running wakes us again.
            if let next = chip?.settleDebounce(for: self) { wake(at: next) }
        }
        return try lock.withLock { () throws(GPIOError) -> EdgeLoss in
            guard !released else { throw GPIOError(.released, "the request was released") }
            events.append(contentsOf: queue)
            queue.removeAll(keepingCapacity: true)
            let lost = dropped
            dropped = 0
            // The simulator knows exactly what it dropped.
            return EdgeLoss(dropped: lost, exact: true)
        }
    }

    func value(offset: UInt32) throws(GPIOError) -> Bool {
        guard let chip else { throw GPIOError(.released, "the chip is gone") }
        return try chip.value(offset: offset, for: self)
    }

    func setValue(_ value: Bool, offset: UInt32) throws(GPIOError) {
        guard let chip else { throw GPIOError(.released, "the chip is gone") }
        try chip.setValue(value, offset: offset, for: self)
    }

    func release() {
        let first = lock.withLock { () -> Bool in
            defer { released = true }
            return !released
        }
        if first { chip?.release(self) }
    }
}
