/// The kernel boundary for I2C: the SMBus transactions of `/dev/i2c-N` (libi2c) and
/// plain I2C transfers (`I2C_RDWR`), or the simulator's bus. Register and command
/// helpers are built on these primitives in `I2CBus+Registers.swift` and
/// `I2CBus+Transfers.swift`.
///
/// Every call blocks until the transaction ends; callers run them on a bus worker,
/// never on the event loop.
public protocol I2CBus: AnyObject {
    /// The adapter number (`/dev/i2c-<number>`).
    var number: Int { get }
    /// SMBus quick command (write bit); used by scans.
    func quick(address: UInt8) throws(I2CError)
    /// SMBus receive byte.
    func readByte(address: UInt8) throws(I2CError) -> UInt8
    /// SMBus send byte (a command without data).
    func writeByte(address: UInt8, value: UInt8) throws(I2CError)
    /// SMBus read byte data.
    func readByteData(address: UInt8, register: UInt8) throws(I2CError) -> UInt8
    /// SMBus write byte data.
    func writeByteData(address: UInt8, register: UInt8, value: UInt8) throws(I2CError)
    /// SMBus read word data (little-endian on the wire).
    func readWordData(address: UInt8, register: UInt8) throws(I2CError) -> UInt16
    /// SMBus write word data.
    func writeWordData(address: UInt8, register: UInt8, value: UInt16) throws(I2CError)
    /// I2C block read of `count` (1...32) bytes starting at `register`.
    func readBlock(address: UInt8, register: UInt8, count: Int) throws(I2CError) -> [UInt8]
    /// I2C block write starting at `register` (at most 32 bytes).
    func writeBlock(address: UInt8, register: UInt8, bytes: [UInt8]) throws(I2CError)
    /// Plain I2C: `messages` in one transaction (a repeated start between them, one stop
    /// at the end), for parts that take commands rather than registers. Returns the bytes
    /// of each `.read` message, in order.
    func transfer(address: UInt8, _ messages: [I2CMessage]) throws(I2CError) -> [[UInt8]]
}

/// An I2C failure, as a value: a NACK or a stuck bus is never a crash.
public struct I2CError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// No device acknowledged the address (`ENXIO`/`EREMOTEIO`).
        case nack = "no acknowledge"
        /// The bus or device timed out (`ETIMEDOUT`), e.g. SDA held low.
        case timeout = "timeout"
        /// Arbitration lost or another bus-level fault (`EAGAIN`, `EIO`).
        case bus = "bus error"
        /// The adapter cannot do this transaction (`EOPNOTSUPP`).
        case unsupported = "transaction not supported by adapter"
        /// The adapter could not be opened.
        case open = "cannot open adapter"
        /// A reply arrived but failed its checksum.
        case crcMismatch = "CRC mismatch"
        /// A reply arrived but made no sense (wrong chip id, impossible value).
        case invalidReply = "invalid reply"
    }

    public var code: Code
    public var bus: Int
    public var address: UInt8
    public var message: String

    public init(_ code: Code, bus: Int, address: UInt8, _ message: String = "") {
        self.code = code
        self.bus = bus
        self.address = address
        self.message = message
    }

    public var description: String {
        let location = "bus \(bus) address 0x\(String(address, radix: 16, uppercase: false).leftPadded(to: 2))"
        return message.isEmpty ? "\(location): \(code.rawValue)" : "\(location): \(code.rawValue): \(message)"
    }
}

extension String {
    /// Pads with leading zeros (or another character) up to `width`.
    public func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
