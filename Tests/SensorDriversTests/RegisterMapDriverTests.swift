import Testing
import SensorDrivers
import SensorgateCore
import Simulation

/// A declarative driver on a simulated bus, with the part generated from the same map at 0x48.
struct RegisterMapRig {
    let bus = SimulatedI2CBus(number: 1)
    let values: PhysicalValues
    let device: SimulatedRegisterMap
    let driver: RegisterMapDriver
    let address: UInt8 = 0x48

    init(_ map: RegisterMap, values: [String: Double] = [:]) {
        self.values = PhysicalValues(values)
        device = SimulatedRegisterMap(map: map, values: self.values.provider)
        driver = RegisterMapDriver(map: map)
        bus.attach(device, at: address)
    }
}

/// The channels of DeviceProfiles/examples/registers.yaml, as the decoder builds them.
enum ExampleMaps {
    /// An LM75: 9-bit two's complement in D15...D7 of register 0x00, 0.5 °C per step.
    static let lm75Temperature = RegisterMap.Channel(
        name: "temperature", register: 0x00, width: .bits16, byteOrder: .big, signed: true, mask: 0xFF80, shift: 7,
        conversion: .linear(scale: 0.5, offset: 0), unit: "°C", range: -55...125)
    static let lm75 = RegisterMap(writes: [RegisterMap.Write(register: 0x01, value: 0x00, width: .bits8)],
                                  channels: [lm75Temperature])
    /// An INA219's bus voltage: BD12...BD0 in bits 15...3 of register 0x02, 4 mV per step.
    static let ina219BusVoltage = RegisterMap.Channel(
        name: "bus_voltage", register: 0x02, width: .bits16, byteOrder: .big, mask: 0xFFF8, shift: 3,
        conversion: .linear(scale: 0.004, offset: 0), unit: "V", range: 0...32.76)
}

@Suite("Register map driver")
struct RegisterMapDriverTests {
    @Test("setUp makes the init writes in order, each by the SMBus transaction of its width and byte order")
    func setUpBytes() throws {
        let map = RegisterMap(writes: [
            RegisterMap.Write(register: 0x01, value: 0x60, width: .bits8),
            RegisterMap.Write(register: 0x02, value: 0x1234, width: .bits16, byteOrder: .big),
            RegisterMap.Write(register: 0x04, value: 0x1234, width: .bits16, byteOrder: .little),
            RegisterMap.Write(register: 0x10, value: 0x123456, width: .bits24, byteOrder: .big),
            RegisterMap.Write(register: 0x20, value: 0x1234_5678, width: .bits32, byteOrder: .little),
        ], channels: [ExampleMaps.lm75Temperature])
        let rig = RegisterMapRig(map)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == [
            "writeByteData 0x01 0x60",
            "writeWordData 0x02 0x12 0x34",  // big endian: MSB first on the wire
            "writeWordData 0x04 0x34 0x12",  // the SMBus word as it is: LSB first
            "writeBlock 0x10 0x12 0x34 0x56",
            "writeBlock 0x20 0x78 0x56 0x34 0x12",
        ])
        // The writes reached the part's registers (words as i2c-stub keeps them: the low byte first on the wire).
        #expect(rig.device.word(at: 0x01) == 0x0060)
        #expect(rig.device.word(at: 0x02) == 0x3412)
        #expect(rig.device.word(at: 0x04) == 0x1234)
        #expect([0x10, 0x11, 0x12].map { rig.device.word(at: $0) } == [0x12, 0x34, 0x56])
        #expect([0x20, 0x21, 0x22, 0x23].map { rig.device.word(at: $0) } == [0x78, 0x56, 0x34, 0x12])
    }

    @Test("a read is one transaction per register, of the width's SMBus kind; fields of one register share it")
    func readBytes() throws {
        let map = RegisterMap(channels: [
            RegisterMap.Channel(name: "a", register: 0x10, width: .bits8, unit: "x"),
            RegisterMap.Channel(name: "b", register: 0x00, width: .bits16, byteOrder: .big, unit: "x"),
            RegisterMap.Channel(name: "c", register: 0x02, width: .bits16, byteOrder: .little, unit: "x"),
            RegisterMap.Channel(name: "d", register: 0x20, width: .bits24, unit: "x"),
            RegisterMap.Channel(name: "e", register: 0x30, width: .bits32, byteOrder: .little, unit: "x"),
            RegisterMap.Channel(name: "high_nibble", register: 0x40, width: .bits8, mask: 0xF0, shift: 4, unit: "x"),
            RegisterMap.Channel(name: "low_nibble", register: 0x40, width: .bits8, mask: 0x0F, unit: "x"),
        ])
        let rig = RegisterMapRig(map, values: ["a": 200, "b": 0xBEEF, "c": 0x1234, "d": 0x123456, "e": 0x0102_0304,
                                               "high_nibble": 0xA, "low_nibble": 0x5])
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(rig.bus.log.isEmpty, "no init writes, no transaction")
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == ["readByteData 0x10 -> 1", "readWordData 0x00 -> 2", "readWordData 0x02 -> 2",
                                         "readBlock 0x20 -> 3", "readBlock 0x30 -> 4", "readByteData 0x40 -> 1"])
        #expect(values == [200, 0xBEEF, 0x1234, 0x123456, 0x0102_0304, 0xA, 0x5])
        // The registers the simulated part built: a big-endian word byte-swapped, block bytes one per register.
        #expect(rig.device.word(at: 0x00) == 0xEFBE)
        #expect(rig.device.word(at: 0x02) == 0x1234)
        #expect([0x20, 0x21, 0x22].map { rig.device.word(at: $0) } == [0x12, 0x34, 0x56])
        #expect([0x30, 0x31, 0x32, 0x33].map { rig.device.word(at: $0) } == [0x04, 0x03, 0x02, 0x01])
        #expect(rig.device.word(at: 0x40) == 0xA5)
    }

    @Test("the LM75's datasheet table decodes through the declarative channel",
          arguments: [(UInt32(0x7D00), 125.0), (0x1900, 25), (0x0080, 0.5), (0x0000, 0), (0xFF80, -0.5),
                      (0xE700, -25), (0xC900, -55)])
    func lm75Table(register: UInt32, celsius: Double) throws {
        // National LM75 section 1.12: the 9-bit value left-justified, e.g. -25 °C = 1 1100 1110 (0x1CE) << 7 = 0xE700.
        #expect(try RegisterMapDriver.decode(register, channel: ExampleMaps.lm75Temperature, bus: 1, address: 0x48) == celsius)
        // D6...D0 are masked off.
        #expect(try RegisterMapDriver.decode(register | 0x7F, channel: ExampleMaps.lm75Temperature, bus: 1, address: 0x48) == celsius)
    }

    @Test("INA219 bus voltage formula: (register >> 3) * 4 mV, CNVR and OVF masked off",
          arguments: [(UInt32(0x5DC2), 12.0), (0x5DC0, 12.0), (0x0008, 0.004), (0x0000, 0), (0x0FA0, 2.0), (0x3E83, 8.0),
                      (0xFFF8, 32.76)])
    func ina219BusVoltage(register: UInt32, volts: Double) throws {
        // Hand computation (TI SBOS448 section 8.6.3.2, bus voltage register 02h: BD12...BD0 in bits 15...3,
        // LSB 4 mV): 0x5DC2 = 0101 1101 1100 0010; & 0xFFF8 = 0x5DC0; >> 3 = 0x0BB8 = 3000; 3000 * 0.004 = 12.000 V.
        // 0x0FA0 >> 3 = 500 = 2.000 V; 0x3E83 & 0xFFF8 = 0x3E80, >> 3 = 2000 = 8.000 V; 0xFFF8 >> 3 = 8191 = 32.764 V is outside
        // [0, 32.76] and refused below.
        if volts > 32.7 {
            #expect(failureCode { try RegisterMapDriver.decode(register, channel: ExampleMaps.ina219BusVoltage, bus: 1, address: 0x40) }
                        == .invalidReply)
            return
        }
        let value = try RegisterMapDriver.decode(register, channel: ExampleMaps.ina219BusVoltage, bus: 1, address: 0x40)
        #expect(abs(value - volts) < 1e-9, "\(value)")
    }

    @Test("mask, shift and sign", arguments: [
        // (width, signed, mask, shift, register, code)
        (RegisterMap.Width.bits8, false, UInt32?.none, 0, UInt32(0xFF), Int64(255)),
        (.bits8, true, nil, 0, 0xFF, -1),
        (.bits8, true, nil, 0, 0x80, -128),
        (.bits8, true, nil, 0, 0x7F, 127),
        (.bits16, true, 0x0FFF, 0, 0xF800, -2048),   // a 12-bit field: bit 11 is its sign, the top nibble masked off
        (.bits16, true, 0x0FFF, 0, 0x07FF, 2047),
        (.bits16, false, 0xFFF0, 4, 0xABCD, 0xABC),
        (.bits16, true, 0xFFF0, 4, 0xFFF0, -1),      // 12 bits after the shift: 0xFFF is -1
        (.bits16, false, 0x00F0, 4, 0xFFFF, 0xF),
        (.bits24, true, nil, 4, 0x800000, -0x80000), // a 20-bit field, as a BMP280 keeps its readings
        (.bits32, true, nil, 0, 0xFFFF_FFFE, -2),
        (.bits32, false, nil, 0, 0xFFFF_FFFE, 0xFFFF_FFFE),
    ])
    func maskShiftSign(width: RegisterMap.Width, signed: Bool, mask: UInt32?, shift: Int, register: UInt32, code: Int64) {
        let channel = RegisterMap.Channel(name: "x", register: 0, width: width, signed: signed, mask: mask, shift: shift, unit: "x")
        #expect(channel.code(register: register) == code)
        // Encoding the code back gives the same field.
        #expect(channel.code(register: channel.encode(code: code, into: 0)) == code)
    }

    @Test("scale and offset, and a polynomial c0 + c1 x + c2 x²")
    func conversions() {
        #expect(RegisterMap.Conversion.linear(scale: 0.5, offset: -40).apply(100) == 10)
        // 1 + 2·10 + 3·10² = 321
        #expect(RegisterMap.Conversion.polynomial([1, 2, 3]).apply(10) == 321)
        #expect(RegisterMap.Conversion.polynomial([7]).apply(1234) == 7)
    }

    @Test("the simulated part inverts the conversion: a polynomial by bisection, a falling one too")
    func simulatedInversion() throws {
        let rising = RegisterMap.Channel(name: "rising", register: 0x00, width: .bits16, byteOrder: .big,
                                         conversion: .polynomial([-10, 0.01, 1e-6]), unit: "x")
        let falling = RegisterMap.Channel(name: "falling", register: 0x02, width: .bits16, byteOrder: .little, signed: true,
                                          conversion: .linear(scale: -0.25, offset: 100), unit: "x")
        let rig = RegisterMapRig(RegisterMap(channels: [rising, falling]), values: ["rising": 123.4, "falling": 75.25])
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        // The nearest code: one step of the polynomial near 123.4 is about 0.03.
        #expect(abs(values[0] - 123.4) < 0.03, "\(values[0])")
        // (75.25 - 100) / -0.25 = 99
        #expect(values[1] == 75.25)
        #expect(rig.device.word(at: 0x02) == 99)
    }

    @Test("a value outside the channel's range is a failed reading; the next good one reads")
    func outsideRange() throws {
        // 127.5 °C fits the register (0x7F80) but not the LM75's operating range.
        let rig = RegisterMapRig(ExampleMaps.lm75, values: ["temperature": 127.5])
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(rig.device.word(at: 0x00) == 0x807F, "0x7F80 byte-swapped")
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .invalidReply)
        rig.values.set("temperature", 21.5)
        #expect(try rig.driver.read(bus: rig.bus, address: rig.address) == [21.5])
    }

    @Test("a NACK is an error value, in setUp and in a read")
    func nack() throws {
        let rig = RegisterMapRig(ExampleMaps.lm75)
        rig.bus.nackNext(1)
        #expect(failureCode { try rig.driver.setUp(bus: rig.bus, address: rig.address) } == .nack)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.nackNext(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .nack)
        #expect(try rig.driver.read(bus: rig.bus, address: rig.address).count == 1)
        rig.bus.detach(address: rig.address)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .nack)
    }

    @Test("CRC-8 with Sensirion's parameters: the datasheet's example 0xBE 0xEF gives 0x92")
    func sensirionCRC() {
        // Sensirion SHT3x datasheet, section 4.12 (checksum calculation): CRC (0xBEEF) = 0x92.
        #expect(CRC8.sensirion.checksum([0xBE, 0xEF]) == 0x92)
        #expect(CRC8.sensirion == CRC8(polynomial: 0x31, initial: 0xFF))
    }

    @Test("a CRC channel is one I2C block read of its bytes and the CRC byte; the good CRC decodes")
    func crcRead() throws {
        let crc = CRC8.sensirion
        let map = RegisterMap(channels: [
            RegisterMap.Channel(name: "word", register: 0xE0, width: .bits16, byteOrder: .big, unit: "x", crc: crc),
            RegisterMap.Channel(name: "byte", register: 0x10, width: .bits8, unit: "x", crc: crc),
            RegisterMap.Channel(name: "wide", register: 0x20, width: .bits24, byteOrder: .little, unit: "x", crc: crc),
            RegisterMap.Channel(name: "long", register: 0x30, width: .bits32, unit: "x",
                                crc: CRC8(polynomial: 0x07, initial: 0x00)),
            // Two fields of one CRC-protected register share its reply.
            RegisterMap.Channel(name: "high", register: 0x40, width: .bits16, mask: 0xFF00, shift: 8, unit: "x", crc: crc),
            RegisterMap.Channel(name: "low", register: 0x40, width: .bits16, mask: 0x00FF, unit: "x", crc: crc),
        ])
        let rig = RegisterMapRig(map, values: ["word": 0xBEEF, "byte": 0xBE, "wide": 0x123456, "long": 0xDEAD_BEEF,
                                               "high": 0x12, "low": 0x34])
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == ["readBlock 0xe0 -> 3", "readBlock 0x10 -> 2", "readBlock 0x20 -> 4",
                                         "readBlock 0x30 -> 5", "readBlock 0x40 -> 3"])
        #expect(values == [0xBEEF, 0xBE, 0x123456, 0xDEAD_BEEF, 0x12, 0x34])
        // The exact bytes of the first reply: MSB, LSB, then CRC-8 (0x31, 0xFF) of 0xBE 0xEF = 0x92 (Sensirion's example).
        #expect(rig.bus.log.first?.read == [0xBE, 0xEF, 0x92])
        // The simulated part keeps the block as i2c-stub would: one byte per register, the CRC after the data.
        #expect([0xE0, 0xE1, 0xE2].map { rig.device.word(at: $0) } == [0xBE, 0xEF, 0x92])
        // Little endian: the bytes 0x56 0x34 0x12 on the wire, the CRC over them as sent.
        #expect([0x20, 0x21, 0x22, 0x23].map { rig.device.word(at: $0) } == [0x56, 0x34, 0x12, UInt16(crc.checksum([0x56, 0x34, 0x12]))])
        // CRC-8/SMBus parameters (0x07 from 0x00): 0xDE 0xAD 0xBE 0xEF gives 0xCA (checked against an independent
        // bitwise computation); the parameters' catalogue check value is CRC("123456789") = 0xF4.
        #expect(rig.device.word(at: 0x34) == 0xCA)
        #expect(CRC8(polynomial: 0x07, initial: 0x00).checksum(Array("123456789".utf8)) == 0xF4)
    }

    @Test("a CRC channel decodes a reply by hand; a wrong CRC is crcMismatch naming the channel and both CRCs")
    func crcDecode() throws {
        let channel = RegisterMap.Channel(name: "humidity", register: 0xE5, width: .bits16, mask: 0xFFFC,
                                          conversion: .linear(scale: 125.0 / 65536, offset: -6), unit: "%",
                                          crc: CRC8(polynomial: 0x31, initial: 0x00))
        // An HTU21D humidity reply read this way (command 0xE5, hold master): CRC-8 0x31 from 0x00. The HTU21D
        // datasheet's "CRC Checksum" example, as remembered (not re-read): the signal 0x683A has the checksum 0x7C.
        let crc = try #require(channel.crc)
        let register = try RegisterMapDriver.checked([0x68, 0x3A, 0x7C], channel: channel, crc: crc, bus: 1, address: 0x40)
        #expect(register == 0x683A)
        #expect(channel.crc?.checksum([0x68, 0x3A]) == HTU21D.crc.checksum([0x68, 0x3A]))
        do throws(I2CError) {
            _ = try RegisterMapDriver.checked([0x68, 0x3A, 0x7D], channel: channel, crc: crc, bus: 1, address: 0x40)
            Issue.record("a wrong CRC decoded")
        } catch {
            #expect(error.code == .crcMismatch)
            #expect(error.description.contains("channel humidity"), "\(error)")
            #expect(error.description.contains("0x7d") && error.description.contains("0x7c"), "\(error)")
        }
        // A short reply is an invalid reply, not an out-of-range read.
        #expect(failureCode { try RegisterMapDriver.checked([0x68, 0x3A], channel: channel, crc: crc, bus: 1, address: 0x40) }
                    == .invalidReply)
    }

    @Test("a corrupted CRC from the part is a failed reading; the next good reply reads")
    func crcMismatchOnTheBus() throws {
        let channel = RegisterMap.Channel(name: "value", register: 0x00, width: .bits16, unit: "x", crc: .sensirion)
        let rig = RegisterMapRig(RegisterMap(channels: [channel]), values: ["value": 0xBEEF])
        rig.device.corruptNextCRCs(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .crcMismatch)
        #expect(rig.bus.log.last?.read == [0xBE, 0xEF, 0x6D], "the CRC 0x92 with every bit flipped")
        #expect(try rig.driver.read(bus: rig.bus, address: rig.address) == [0xBEEF])
        // A data byte corrupted on the wire fails the CRC too.
        rig.bus.corruptNextReads(1, xor: 0x01)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .crcMismatch)
    }

    @Test("the declarative LM75 reads what the LM75 driver reads, from the same simulated register image",
          arguments: [-55.0, -25.5, -0.5, 0, 21.5, 23.7, 85, 124.5])
    func sameAsLM75Driver(celsius: Double) throws {
        // The LM75 driver's own simulated part.
        let bus = SimulatedI2CBus(number: 1)
        let values = PhysicalValues(["temperature": celsius])
        bus.attach(SimulatedLM75(values: values.provider), at: 0x48)
        let builtIn = LM75(resolution: .half, sleep: { _ in })
        let declarative = RegisterMapDriver(map: ExampleMaps.lm75)
        try builtIn.setUp(bus: bus, address: 0x48)
        try declarative.setUp(bus: bus, address: 0x48)
        let expected = try builtIn.read(bus: bus, address: 0x48)
        #expect(try declarative.read(bus: bus, address: 0x48) == expected)

        // And the other way round: the part generated from the map answers the LM75 driver alike.
        let generated = SimulatedI2CBus(number: 1)
        generated.attach(SimulatedRegisterMap(map: ExampleMaps.lm75, values: values.provider), at: 0x48)
        try builtIn.setUp(bus: generated, address: 0x48)
        let fromMap = try builtIn.read(bus: generated, address: 0x48)
        #expect(try declarative.read(bus: generated, address: 0x48) == fromMap)
        // The generated part rounds to the nearest step, the LM75's truncates: at most one step apart.
        #expect(abs(fromMap[0] - expected[0]) <= 0.5)
    }

    @Test("the declarative INA219 bus voltage reads what the INA219 driver reads, from the same simulated part",
          arguments: [0.0, 3.3, 5.0, 12.0, 12.345, 24.0])
    func sameAsINA219Driver(volts: Double) throws {
        let bus = SimulatedI2CBus(number: 1)
        bus.attach(SimulatedINA219(values: PhysicalValues(["bus_voltage": volts, "current": 0.5]).provider), at: 0x40)
        let builtIn = INA219(sleep: { _ in })
        let declarative = RegisterMapDriver(map: RegisterMap(channels: [ExampleMaps.ina219BusVoltage]))
        try builtIn.setUp(bus: bus, address: 0x40)
        try declarative.setUp(bus: bus, address: 0x40)
        let expected = try builtIn.read(bus: bus, address: 0x40)[0]
        let value = try declarative.read(bus: bus, address: 0x40)[0]
        #expect(abs(value - expected) < 1e-9, "declarative \(value) V, INA219 driver \(expected) V")
        // Both within one 4 mV step of the simulated voltage.
        #expect(abs(value - volts) <= 0.004)
    }
}

