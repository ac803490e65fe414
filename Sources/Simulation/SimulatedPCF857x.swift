import SensorDrivers
import SensorgateCore

/// An NXP/TI PCF8574 (8 lines) or PCF8575 (16 lines): no registers, one latch written by
/// every write (a byte, or two for the PCF8575, P00-P07 first) and the pins read by every
/// read.
///
/// Quasi-bidirectional pins: a line written 0 is driven low; a line written 1 is pulled up
/// weakly, so it reads what the outside world drives (``drive(offset:level:at:)``), or 1
/// when nothing does. INT (``interruptChanged``, true = asserted) goes low when a pin
/// written 1 changes, and is released by a read or a write, as the datasheets describe.
public final class SimulatedPCF857x: SimulatedI2CDevice, SimulatedPins, @unchecked Sendable {
    public let model: PCF857x.Model
    private let lock = Mutex()
    /// Power-on latch: all lines high (inputs).
    private var latch: UInt16 = 0xFFFF
    private var external = [Bool?](repeating: nil, count: 16)
    private var pins: UInt16 = 0xFFFF
    private var asserted = false
    /// Every latch written, oldest first, for tests.
    private var writes: [UInt16] = []
    public var interruptChanged: (@Sendable (Bool) -> Void)?

    public init(model: PCF857x.Model) {
        self.model = model
        pins = computePins()
    }

    private var width: Int { model == .pcf8574 ? 8 : 16 }
    private var mask: UInt16 { model == .pcf8574 ? 0x00FF : 0xFFFF }

    public var latchValue: UInt16 { lock.withLock { latch & mask } }
    public var writtenLatches: [UInt16] { lock.withLock { writes } }
    public var pinLevels: UInt16 { lock.withLock { pins & mask } }
    public var interruptAsserted: Bool { lock.withLock { asserted } }

    public func drive(offset: UInt32, level: Bool?, at timestamp: Timestamp?) {
        let change = lock.withLock { () -> Bool? in
            guard Int(offset) < width else { return nil }
            external[Int(offset)] = level
            let old = pins
            pins = computePins()
            // Only lines written 1 can change from outside; those are the inputs.
            guard (old ^ pins) & latch & mask != 0, !asserted else { return nil }
            asserted = true
            return true
        }
        if let change { interruptChanged?(change) }
    }

    /// Lock held.
    private func computePins() -> UInt16 {
        var value: UInt16 = 0
        for line in 0..<width {
            let bit = UInt16(1) << line
            let high = latch & bit != 0 ? (external[line] ?? true) : false
            if high { value |= bit }
        }
        return value
    }

    /// Lock held: the port was read or written, INT is released.
    private func release() -> Bool? {
        guard asserted else { return nil }
        asserted = false
        return false
    }

    public func write(_ bytes: [UInt8], pointer: inout UInt8) -> Bool {
        guard !bytes.isEmpty else { return true } // an address-only write (a scan)
        let change = lock.withLock { () -> Bool? in
            // Each byte (PCF8574) or pair (PCF8575) is a new port value; the last one stays.
            let step = width / 8
            var index = 0
            while index + step <= bytes.count {
                latch = step == 1 ? UInt16(bytes[index]) : UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8
                writes.append(latch)
                index += step
            }
            pins = computePins()
            return release()
        }
        if let change { interruptChanged?(change) }
        return true
    }

    public func read(count: Int, pointer: inout UInt8) -> [UInt8]? {
        let (bytes, change) = lock.withLock { () -> ([UInt8], Bool?) in
            var bytes: [UInt8] = []
            for index in 0..<count {
                let port = width == 8 ? 0 : index % 2
                bytes.append(UInt8(truncatingIfNeeded: pins >> (8 * port)))
            }
            return (bytes, release())
        }
        if let change { interruptChanged?(change) }
        return bytes
    }
}
