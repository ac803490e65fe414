import SensorgateCore

/// A simulated part that drops off the bus for a while, as one that lost power or came
/// loose: between `start` and `end` it acknowledges nothing, so every transaction to it
/// fails with a NACK; before and after, the wrapped part answers as usual.
public final class SimulatedOutage: SimulatedI2CDevice, Sendable {
    public let part: any SimulatedI2CDevice
    public let start: Timestamp
    public let end: Timestamp
    private let clock: any MonotonicClock

    public init(_ part: any SimulatedI2CDevice, from start: Timestamp, until end: Timestamp, clock: any MonotonicClock) {
        self.part = part
        self.start = start
        self.end = end
        self.clock = clock
    }

    /// Whether the part is off the bus at `instant`.
    public func isOut(at instant: Timestamp) -> Bool { instant >= start && instant < end }

    public var writeLayout: SimulatedWriteLayout { part.writeLayout }

    public func beginTransaction() {
        // An absent part sees nothing, so its time-driven state moves only while it is there.
        if !isOut(at: clock.now()) { part.beginTransaction() }
    }

    public func readRegister(_ register: UInt8) -> UInt8 { part.readRegister(register) }
    public func writeRegister(_ register: UInt8, value: UInt8) { part.writeRegister(register, value: value) }

    public func write(_ bytes: [UInt8], pointer: inout UInt8) -> Bool {
        // An address-only write is a scan, which an absent part does not answer either.
        guard !isOut(at: clock.now()) else { return false }
        return part.write(bytes, pointer: &pointer)
    }

    public func read(count: Int, pointer: inout UInt8) -> [UInt8]? {
        guard !isOut(at: clock.now()) else { return nil }
        return part.read(count: count, pointer: &pointer)
    }
}
