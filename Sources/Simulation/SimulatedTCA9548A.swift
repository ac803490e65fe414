import SensorgateCore

/// A Texas Instruments TCA9548A (or NXP PCA9548A) eight-channel I2C multiplexer, at the
/// level the bus sees it.
///
/// Datasheet: Texas Instruments, "TCA9548A Low-Voltage 8-Channel I2C Switch with Reset",
/// SCPS207F (2016), <https://www.ti.com/lit/ds/symlink/tca9548a.pdf>. The part has one
/// 8-bit control register and no register pointer: the byte written after its address is
/// the register (bit n connects channel n; several may be on), of several bytes written
/// it keeps the last, and a read returns it (section 8.5.3). At power-up and after
/// ``reset()`` (the RESET pin) no channel is connected. Addresses 0x70...0x77 by A2, A1,
/// A0 (`1110 A2 A1 A0`).
///
/// Parts are attached to its channels; a transaction on the upstream bus reaches the
/// parts at its address on every connected channel (``SimulatedI2CSwitch``).
public final class SimulatedTCA9548A: SimulatedI2CSwitch, @unchecked Sendable {
    public static let channelCount = 8

    private let lock = Mutex()
    private var control: UInt8 = 0
    private var downstream: [[UInt8: any SimulatedI2CDevice]] = Array(repeating: [:], count: channelCount)
    private var writes = 0

    public init() {}

    /// Attaches `device` at `address` on `channel` (0...7), replacing any part there.
    public func attach(_ device: any SimulatedI2CDevice, channel: Int, at address: UInt8) {
        precondition((0..<Self.channelCount).contains(channel), "a TCA9548A has channels 0...7")
        lock.withLock { downstream[channel][address] = device }
    }

    /// The part at `address` on `channel`, if any.
    public func device(channel: Int, at address: UInt8) -> (any SimulatedI2CDevice)? {
        lock.withLock { downstream[channel][address] }
    }

    /// The control register: bit n set means channel n is connected.
    public var controlRegister: UInt8 { lock.withLock { control } }

    /// How many writes of the control register the part has taken.
    public var controlWrites: Int { lock.withLock { writes } }

    /// A low pulse on RESET (or a power cycle): every channel disconnected.
    public func reset() { lock.withLock { control = 0 } }

    // MARK: SimulatedI2CSwitch

    public func connectedDevices(at address: UInt8) -> [any SimulatedI2CDevice] {
        lock.withLock {
            (0..<Self.channelCount).compactMap { channel in
                control & (1 << UInt8(channel)) != 0 ? downstream[channel][address] : nil
            }
        }
    }

    public func write(_ bytes: [UInt8], pointer: inout UInt8) -> Bool {
        // An address-only write (a scan) leaves the register as it is.
        guard let last = bytes.last else { return true }
        lock.withLock {
            control = last
            writes += 1
        }
        return true
    }

    public func read(count: Int, pointer: inout UInt8) -> [UInt8]? {
        let value = controlRegister
        return Array(repeating: value, count: count)
    }
}
