import SensorgateCore

/// A part on an I2C bus that must answer promptly, a GPIO expander or a PWM controller:
/// its bus's ``I2CBusWorker`` serves it before every sensor poll and while a sensor's
/// driver waits for a conversion, so it waits at most for the transaction under way.
/// Its methods run on that worker's thread only.
protocol AttendedBusPart: AnyObject {
    /// How the part asks for a turn (an INT edge, an output changed); set by the worker
    /// before it starts, callable from any thread.
    var requestTurn: (@Sendable () -> Void)? { get set }
    /// Does what is pending now (a write, a read after an interrupt, a due poll, a retry)
    /// and returns when it next wants a turn without asking; nil: only when it asks.
    func serve(now: Timestamp) -> Timestamp?
    /// The worker is stopping: write what is still pending (the outputs' safe values).
    func finish()
}
