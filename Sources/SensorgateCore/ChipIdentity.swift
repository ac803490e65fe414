/// How a part says what it is: a register whose value its maker fixes (Bosch's chip id,
/// Microchip's and TI's manufacturer id), declared with the driver so that
/// `sensorgate i2c scan` can tell apart parts that share an address.
///
/// Reading it is a register read only (the pointer, then the value): a scan writes nothing
/// into a part.
public struct ChipIdentity: Sendable, Equatable {
    /// How wide the register is.
    public enum Width: Sendable, Equatable {
        /// One byte (SMBus read byte data).
        case byte
        /// A 16-bit register, most significant byte first (a byte-swapped SMBus read word data).
        case wordBigEndian
    }

    /// The register's address.
    public var register: UInt8
    public var width: Width
    /// The values that name the part (a BMP280's engineering samples answer 0x56 and 0x57
    /// besides 0x58).
    public var expected: [UInt16]
    /// What the datasheet calls the register, as a scan prints it: `chip id`.
    public var label: String

    public init(register: UInt8, width: Width = .byte, expected: [UInt16], label: String = "chip id") {
        self.register = register
        self.width = width
        self.expected = expected
        self.label = label
    }

    /// The register's value on the part at `address`.
    public func read(bus: any I2CBus, address: UInt8) throws(I2CError) -> UInt16 {
        switch width {
        case .byte: UInt16(try bus.readByteData(address: address, register: register))
        case .wordBigEndian: try bus.readWordData(address: address, register: register).byteSwapped
        }
    }

    /// Whether `value` names the part.
    public func matches(_ value: UInt16) -> Bool { expected.contains(value) }

    /// `value` as the datasheet writes it: `0x58`, `0x0054`.
    public func format(_ value: UInt16) -> String {
        "0x" + String(value, radix: 16).leftPadded(to: width == .byte ? 2 : 4)
    }
}
