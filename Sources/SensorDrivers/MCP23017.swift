import SensorgateCore

/// Microchip MCP23017, a 16-line I2C GPIO expander: ports A (GPA0-7, lines 0-7) and B
/// (GPB0-7, lines 8-15).
///
/// Datasheet: https://ww1.microchip.com/downloads/en/devicedoc/20001952c.pdf (DS20001952C),
/// section 3.5 and table 3-5 (register summary with IOCON.BANK = 0, the power-on layout
/// used here: each A register is followed by its B register, so one 2-byte sequential
/// access covers a pair), IOCON's register description, section 3.6 (interrupt logic).
///
/// Set up as: IOCON = MIRROR | ODR (INTA and INTB are one open-drain, active-low output,
/// so one kernel GPIO input with a pull-up serves both ports), the output latch (OLAT)
/// before the directions so an output comes up at its initial level, IPOL = 0 (active-low
/// is inverted in software, the same for every part), GPPU for `bias: pull-up`,
/// DEFVAL = 0 and INTCON = 0 (an interrupt on any change against the previous value),
/// GPINTEN for the inputs when the interrupt line is wired, IODIR last, read back to
/// check the part is there and in BANK = 0. Reading GPIO (0x12/0x13) clears the
/// interrupt (the datasheet: once the data of a GPIO or INTCAP read is clocked out).
public struct MCP23017: GPIOExpanderPart {
    /// Register addresses with IOCON.BANK = 0 (datasheet table 3-5).
    public enum Register {
        public static let iodirA: UInt8 = 0x00
        public static let ipolA: UInt8 = 0x02
        public static let gpintenA: UInt8 = 0x04
        public static let defvalA: UInt8 = 0x06
        public static let intconA: UInt8 = 0x08
        /// IOCON is one register at 0x0A and 0x0B.
        public static let iocon: UInt8 = 0x0A
        public static let gppuA: UInt8 = 0x0C
        public static let intfA: UInt8 = 0x0E
        public static let intcapA: UInt8 = 0x10
        public static let gpioA: UInt8 = 0x12
        public static let olatA: UInt8 = 0x14
    }

    /// IOCON bits (bit 7 BANK ... bit 1 INTPOL; bit 0 unimplemented).
    public enum IOCON {
        public static let bank: UInt8 = 1 << 7
        public static let mirror: UInt8 = 1 << 6
        public static let seqop: UInt8 = 1 << 5
        public static let odr: UInt8 = 1 << 2
        public static let intpol: UInt8 = 1 << 1
    }

    /// A0-A2 select 0x20...0x27.
    public static let defaultAddress: UInt8 = 0x20
    /// What setUp writes to IOCON: BANK = 0, sequential addressing, INTA/INTB mirrored, open drain.
    public static let ioconValue: UInt8 = IOCON.mirror | IOCON.odr

    public let lineCount = 16

    public init() {}

    public func setUp(bus: any I2CBus, address: UInt8, configuration: ExpanderPortConfiguration) throws(I2CError) -> UInt16 {
        try bus.writeRegister(address: address, register: Register.iocon, value: Self.ioconValue)
        try write(bus, address, Register.olatA, configuration.latch)
        try write(bus, address, Register.ipolA, 0)
        try write(bus, address, Register.gppuA, configuration.pullUps & configuration.inputs)
        try write(bus, address, Register.defvalA, 0)
        try write(bus, address, Register.intconA, 0)
        try write(bus, address, Register.gpintenA, configuration.interrupt ? configuration.inputs : 0)
        try write(bus, address, Register.iodirA, configuration.inputs)
        let directions = try read(bus, address, Register.iodirA)
        guard directions == configuration.inputs else {
            throw I2CError(.invalidReply, bus: bus.number, address: address,
                           "IODIR reads \(Self.hex16(directions)) after writing \(Self.hex16(configuration.inputs)): not an MCP23017, or its IOCON.BANK is 1")
        }
        return try readPort(bus: bus, address: address)
    }

    public func readPort(bus: any I2CBus, address: UInt8) throws(I2CError) -> UInt16 {
        try read(bus, address, Register.gpioA)
    }

    public func writeOutputs(bus: any I2CBus, address: UInt8, latch: UInt16, inputs: UInt16) throws(I2CError) {
        try write(bus, address, Register.olatA, latch)
    }

    /// Port A's register and port B's after it, in one sequential write.
    private func write(_ bus: any I2CBus, _ address: UInt8, _ register: UInt8, _ value: UInt16) throws(I2CError) {
        try bus.writeBlock(address: address, register: register, bytes: RegisterBytes.bytesLE(value))
    }

    private func read(_ bus: any I2CBus, _ address: UInt8, _ register: UInt8) throws(I2CError) -> UInt16 {
        let bytes = try bus.readRegisters(address: address, register: register, count: 2)
        return Self.decodePair(bytes[0], bytes[1])
    }

    /// Port A's byte is lines 0-7, port B's lines 8-15.
    public static func decodePair(_ portA: UInt8, _ portB: UInt8) -> UInt16 { RegisterBytes.uint16LE(portA, portB) }

    static func hex16(_ value: UInt16) -> String { "0x" + String(value, radix: 16).leftPadded(to: 4) }
}
