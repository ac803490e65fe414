import SensorgateCore

/// How a part interprets the bytes after the register address in a write transaction.
public enum SimulatedWriteLayout: Sendable, Equatable {
    /// `reg, d0, d1, ...` writes `d0` to `reg`, `d1` to `reg + 1`, ... (most parts).
    case autoIncrement
    /// `reg0, d0, reg1, d1, ...`: register/value pairs, as Bosch BMx280 parts take
    /// multi-byte writes over I2C (BME280 datasheet section 6.2.1).
    case registerValuePairs
}

/// A simulated I2C part, seen at the register level, as a real part sees the bus.
///
/// The ``SimulatedI2CBus`` turns every SMBus transaction into register accesses: the
/// first byte of a write sets the register pointer, data bytes are written per
/// ``writeLayout``, and reads return one register per byte with the pointer
/// auto-incrementing, so a burst read of 8 bytes from 0xF7 reads 0xF7...0xFE.
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
}

extension SimulatedI2CDevice {
    public func beginTransaction() {}
    public var writeLayout: SimulatedWriteLayout { .autoIncrement }
}
