import Runtime
import SensorgateCore

/// One re-armable timer on the event loop: keeps at most one pending timer for a
/// deadline that moves (a debounce period, a window's end).
struct DeadlineTimer {
    private var id: EventLoop.TimerID?
    private(set) var deadline: Timestamp?

    /// Arms for `deadline` (nil disarms); a no-op when already armed for it.
    mutating func arm(_ deadline: Timestamp?, on loop: EventLoop, _ fire: @escaping () -> Void) {
        guard deadline != self.deadline else { return }
        if let id { loop.cancel(id) }
        id = nil
        self.deadline = deadline
        if let deadline {
            id = loop.schedule(at: deadline, fire)
        }
    }

    /// Forgets the timer after it fired.
    mutating func fired() {
        id = nil
        deadline = nil
    }
}
