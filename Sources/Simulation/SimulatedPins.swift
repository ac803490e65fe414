import SensorgateCore

/// Pins the outside world drives: a simulated gpiochip's, or a simulated expander's.
/// ``SignalPlayer`` plays signals onto either.
public protocol SimulatedPins: AnyObject, Sendable {
    /// Drives a pin's physical level (true = high), or lets it float with `nil`; a change
    /// is stamped `at` (default: now).
    func drive(offset: UInt32, level: Bool?, at timestamp: Timestamp?)
}

extension SimulatedPins {
    public func drive(offset: UInt32, level: Bool?) { drive(offset: offset, level: level, at: nil) }
}

extension SimulatedGPIOChip: SimulatedPins {}
