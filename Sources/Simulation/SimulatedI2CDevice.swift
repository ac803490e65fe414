import SensorgateCore

/// How a part interprets the bytes after the register address in a write transaction.
public enum SimulatedWriteLayout: Sendable, Equatable {
    /// `reg, d0, d1, ...` writes `d0` to `reg`, `d1` to `reg + 1`, ... (most parts).
    case autoIncrement
    /// `reg0, d0, reg1, d1, ...`: register/value pairs, as Bosch BMx280 parts take
    /// multi-byte writes over I2C (BME280 datasheet section 6.2.1).
    case registerValuePairs
}

/// A simulated I2C part, as a real part sees the bus: the bytes of each write and the
/// bytes it is asked to send back.
///
/// Every transaction of ``SimulatedI2CBus``, SMBus or plain I2C, reaches the part as a
/// sequence of ``write(_:pointer:)`` and ``read(count:pointer:)`` calls, one per message.
/// Their defaults model a register part: the first byte of a write sets the register
/// pointer, data bytes are written per ``writeLayout``, and reads return one register per
/// byte with the pointer auto-incrementing, so a burst read of 8 bytes from 0xF7 reads
/// 0xF7...0xFE. A register part implements only ``readRegister(_:)`` and
/// ``writeRegister(_:value:)``; a command part (Sensirion SHT3x, SHT4x) implements the
/// two raw hooks and ignores the pointer.
///
/// The bus calls these methods while holding its lock, one transaction at a time;
/// they must not call back into the bus.
public protocol SimulatedI2CDevice: AnyObject, Sendable {
    /// Called once at the start of every transaction addressed to the part, before any
    /// register access: the place to advance time-driven state (a measurement that
    /// finished), so that all bytes of one burst read come from the same state, as the
    /// shadow registers of a real part ensure.
    func beginTransaction()
    /// The value of `register` as a read returns it now.
    func readRegister(_ register: UInt8) -> UInt8
    /// The hook for a write of `value` to `register`: where a part resets, starts a
    /// measurement or stores a setting. Writes to read-only registers are ignored here.
    func writeRegister(_ register: UInt8, value: UInt8)
    /// How multi-byte writes are laid out; `.autoIncrement` unless the part says otherwise.
    var writeLayout: SimulatedWriteLayout { get }
    /// The bytes of one write message after the address byte; `pointer` is the part's
    /// register pointer, kept by the bus. False means the part did not acknowledge.
    func write(_ bytes: [UInt8], pointer: inout UInt8) -> Bool
    /// The `count` bytes of one read message; nil means the part did not acknowledge
    /// its address (a Sensirion part still measuring does this).
    func read(count: Int, pointer: inout UInt8) -> [UInt8]?
}

extension SimulatedI2CDevice {
    public func beginTransaction() {}
    public var writeLayout: SimulatedWriteLayout { .autoIncrement }
    /// A command part has no registers: reads of them return 0.
    public func readRegister(_ register: UInt8) -> UInt8 { 0 }
    /// A command part has no registers: writes to them are ignored.
    public func writeRegister(_ register: UInt8, value: UInt8) {}

    public func write(_ bytes: [UInt8], pointer: inout UInt8) -> Bool {
        guard let first = bytes.first else { return true }
        pointer = first
        let data = bytes.dropFirst()
        switch writeLayout {
        case .autoIncrement:
            for value in data {
                writeRegister(pointer, value: value)
                pointer &+= 1
            }
        case .registerValuePairs:
            // reg0 d0 reg1 d1 ...: the first value goes to the register already
            // addressed, then each (register, value) pair; a trailing register
            // byte only moves the pointer.
            var index = data.startIndex
            if index < data.endIndex {
                writeRegister(pointer, value: data[index])
                pointer &+= 1
                index += 1
            }
            while index < data.endIndex {
                pointer = data[index]
                index += 1
                if index < data.endIndex {
                    writeRegister(pointer, value: data[index])
                    pointer &+= 1
                    index += 1
                }
            }
        }
        return true
    }

    public func read(count: Int, pointer: inout UInt8) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for _ in 0..<count {
            bytes.append(readRegister(pointer))
            pointer &+= 1
        }
        return bytes
    }
}
