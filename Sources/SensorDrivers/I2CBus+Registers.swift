import SensorgateCore

/// Register helpers layered on the `I2CBus` SMBus primitives.
///
/// Drivers speak in registers ("read 26 bytes from 0x88", "the signed little-endian
/// word at 0x8A"); the bus only knows SMBus transactions. Everything here is built on
/// the SMBus byte, word and block transactions, so it works the same on
/// `/dev/i2c-N` and on the simulated bus.
extension I2CBus {
    /// The largest block one SMBus I2C-block transaction carries.
    public static var maximumBlockLength: Int { 32 }

    /// Reads `count` consecutive registers starting at `register`, in chunks of at most
    /// 32 bytes (the SMBus block limit). Relies on the device's register auto-increment.
    ///
    /// Throws `.invalidReply` if the adapter returns a different number of bytes than
    /// asked for, and `.unsupported` if the range runs past register 0xFF.
    public func readRegisters(address: UInt8, register: UInt8, count: Int) throws(I2CError) -> [UInt8] {
        guard count >= 0 else {
            throw I2CError(.unsupported, bus: number, address: address, "cannot read \(count) registers")
        }
        guard Int(register) + count <= 0x100 else {
            throw I2CError(.unsupported, bus: number, address: address,
                           "reading \(count) registers from \(hex(register)) runs past register 0xff")
        }
        var result: [UInt8] = []
        result.reserveCapacity(count)
        var next = Int(register)
        var remaining = count
        while remaining > 0 {
            let chunk = min(remaining, Self.maximumBlockLength)
            let bytes = try readBlock(address: address, register: UInt8(next), count: chunk)
            guard bytes.count == chunk else {
                throw I2CError(.invalidReply, bus: number, address: address,
                               "asked for \(chunk) bytes from \(hex(UInt8(next))), got \(bytes.count)")
            }
            result.append(contentsOf: bytes)
            next += chunk
            remaining -= chunk
        }
        return result
    }

    /// Reads one register (SMBus read byte data).
    public func readRegister(address: UInt8, register: UInt8) throws(I2CError) -> UInt8 {
        try readByteData(address: address, register: register)
    }

    /// Writes one register (SMBus write byte data).
    public func writeRegister(address: UInt8, register: UInt8, value: UInt8) throws(I2CError) {
        try writeByteData(address: address, register: register, value: value)
    }

    /// The unsigned 16-bit value whose low byte is at `register` and high byte at `register + 1`.
    public func readUInt16LE(address: UInt8, register: UInt8) throws(I2CError) -> UInt16 {
        let bytes = try readRegisters(address: address, register: register, count: 2)
        return RegisterBytes.uint16LE(bytes[0], bytes[1])
    }

    /// The signed 16-bit value whose low byte is at `register` and high byte at `register + 1`.
    public func readInt16LE(address: UInt8, register: UInt8) throws(I2CError) -> Int16 {
        Int16(bitPattern: try readUInt16LE(address: address, register: register))
    }

    /// The unsigned 16-bit register `register` of a part whose registers are 16 bits wide
    /// and sent most significant byte first (MCP9808, LM75, TMP102, ADS1115, INA219...).
    ///
    /// An SMBus read word, byte-swapped (what the kernel's `i2c_smbus_read_word_swapped`
    /// does): on the wire the same bytes as a 2-byte block read, but it names one
    /// register, so an emulator that keeps 16-bit registers (i2c-stub) answers it as the
    /// part does, while a 2-byte block read would reach into the next register.
    public func readUInt16BE(address: UInt8, register: UInt8) throws(I2CError) -> UInt16 {
        try readWordData(address: address, register: register).byteSwapped
    }

    /// ``readUInt16BE(address:register:)`` as a two's complement number.
    public func readInt16BE(address: UInt8, register: UInt8) throws(I2CError) -> Int16 {
        Int16(bitPattern: try readUInt16BE(address: address, register: register))
    }

    /// Writes the 16-bit register `register` of a part that takes its most significant
    /// byte first: an SMBus write word, byte-swapped (see ``readUInt16BE(address:register:)``).
    public func writeUInt16BE(address: UInt8, register: UInt8, value: UInt16) throws(I2CError) {
        try writeWordData(address: address, register: register, value: value.byteSwapped)
    }

    /// Read-modify-write of the bits selected by `mask` in one register.
    public func updateRegister(address: UInt8, register: UInt8, mask: UInt8, value: UInt8) throws(I2CError) {
        let old = try readByteData(address: address, register: register)
        try writeByteData(address: address, register: register, value: (old & ~mask) | (value & mask))
    }
}

/// Pure decoding of multi-byte register values from bytes already read.
public enum RegisterBytes {
    @inlinable
    public static func uint16LE(_ low: UInt8, _ high: UInt8) -> UInt16 { UInt16(high) << 8 | UInt16(low) }

    @inlinable
    public static func int16LE(_ low: UInt8, _ high: UInt8) -> Int16 { Int16(bitPattern: uint16LE(low, high)) }

    @inlinable
    public static func uint16BE(_ high: UInt8, _ low: UInt8) -> UInt16 { UInt16(high) << 8 | UInt16(low) }

    @inlinable
    public static func int16BE(_ high: UInt8, _ low: UInt8) -> Int16 { Int16(bitPattern: uint16BE(high, low)) }

    /// A 20-bit ADC value stored as MSB, LSB and the top nibble of XLSB (Bosch layout).
    @inlinable
    public static func uint20(msb: UInt8, lsb: UInt8, xlsb: UInt8) -> UInt32 {
        UInt32(msb) << 12 | UInt32(lsb) << 4 | UInt32(xlsb) >> 4
    }

    /// The bytes of `value` in little-endian order.
    @inlinable
    public static func bytesLE(_ value: UInt16) -> [UInt8] { [UInt8(truncatingIfNeeded: value), UInt8(value >> 8)] }

    /// The bytes of `value` in little-endian order.
    @inlinable
    public static func bytesLE(_ value: Int16) -> [UInt8] { bytesLE(UInt16(bitPattern: value)) }

    /// The bytes of `value` in big-endian order, as 16-bit registers that send their most
    /// significant byte first (MCP9808, LM75, TMP102) carry it.
    @inlinable
    public static func bytesBE(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(truncatingIfNeeded: value)] }
}

/// `0x8a`: a register or address as the datasheets and `i2cdetect` write it.
func hex(_ value: UInt8) -> String { "0x" + String(value, radix: 16).leftPadded(to: 2) }
