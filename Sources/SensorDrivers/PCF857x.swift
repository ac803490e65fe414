import SensorgateCore

/// NXP/TI PCF8574 (8 lines P0-P7) and PCF8575 (16 lines P00-P07, P10-P17): I2C expanders
/// without registers, with quasi-bidirectional lines.
///
/// Datasheets: https://www.ti.com/lit/ds/symlink/pcf8574.pdf (sections 8.3.2 "I/O ports",
/// 8.3.3 "interrupt output"), https://www.ti.com/lit/ds/symlink/pcf8575.pdf (8.3).
///
/// A write sets the port's latch; a line written 1 is pulled up weakly (a current source
/// of about 100 µA) and reads what drives it, so an input is a line written 1 and an
/// output low is a line written 0. There is no direction register: every write must
/// carry 1 for each input, and the outputs' cached levels (the gateway keeps the latch:
/// a read-modify-write of the pins would turn an output high that an outside load pulls
/// low into an input). The PCF8574 is one byte (SMBus send/receive byte); the PCF8575 two,
/// P00-P07 first, in one plain I2C write or read. INT (open drain, active low) goes low
/// on any input change and is released by a read or a write of the port.
public struct PCF857x: GPIOExpanderPart {
    public enum Model: Sendable, Equatable {
        case pcf8574, pcf8575
    }

    public let model: Model
    public var lineCount: Int { model == .pcf8574 ? 8 : 16 }

    public static let defaultAddress: UInt8 = 0x20

    public init(model: Model) {
        self.model = model
    }

    public func setUp(bus: any I2CBus, address: UInt8, configuration: ExpanderPortConfiguration) throws(I2CError) -> UInt16 {
        try writeOutputs(bus: bus, address: address, latch: configuration.latch, inputs: configuration.inputs)
        return try readPort(bus: bus, address: address)
    }

    public func readPort(bus: any I2CBus, address: UInt8) throws(I2CError) -> UInt16 {
        switch model {
        case .pcf8574:
            return UInt16(try bus.readByte(address: address))
        case .pcf8575:
            let reply = try bus.transfer(address: address, [.read(count: 2)])
            guard let bytes = reply.first, bytes.count == 2 else {
                throw I2CError(.invalidReply, bus: bus.number, address: address, "asked for 2 bytes of the port")
            }
            return RegisterBytes.uint16LE(bytes[0], bytes[1])
        }
    }

    public func writeOutputs(bus: any I2CBus, address: UInt8, latch: UInt16, inputs: UInt16) throws(I2CError) {
        let port = Self.portValue(latch: latch, inputs: inputs)
        switch model {
        case .pcf8574:
            try bus.writeByte(address: address, value: UInt8(truncatingIfNeeded: port))
        case .pcf8575:
            _ = try bus.transfer(address: address, [.write(RegisterBytes.bytesLE(port))])
        }
    }

    /// What is written: 1 for every input (quasi-bidirectional), the latch for outputs.
    public static func portValue(latch: UInt16, inputs: UInt16) -> UInt16 { latch | inputs }
}
