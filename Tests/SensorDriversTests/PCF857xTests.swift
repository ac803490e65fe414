import SensorDrivers
import SensorgateCore
import Simulation
import Testing

@Suite("PCF8574 and PCF8575 expanders")
struct PCF857xTests {
    let bus = SimulatedI2CBus(number: 1)
    let address: UInt8 = 0x20

    @Test("PCF8574: inputs are written 1 with the outputs' latch, one send byte; a read is one receive byte")
    func pcf8574() throws {
        let part = SimulatedPCF857x(model: .pcf8574)
        bus.attach(part, at: address)
        let driver = PCF857x(model: .pcf8574)
        // Lines 0 and 7 outputs, 0 low and 7 high; 1...6 inputs.
        let configuration = ExpanderPortConfiguration(inputs: 0x7E, latch: 0x80)
        let port = try driver.setUp(bus: bus, address: address, configuration: configuration)
        #expect(summary(bus.log) == ["sendByte 0xfe", "receiveByte  -> 1"])
        #expect(port == 0xFE)
        part.drive(offset: 2, level: false)
        #expect(try driver.readPort(bus: bus, address: address) == 0xFA)
        bus.clearLog()
        try driver.writeOutputs(bus: bus, address: address, latch: 0x01, inputs: configuration.inputs)
        #expect(summary(bus.log) == ["sendByte 0x7f"])
    }

    @Test("PCF8575: two bytes, P00-P07 first, in one plain I2C write or read")
    func pcf8575() throws {
        let part = SimulatedPCF857x(model: .pcf8575)
        bus.attach(part, at: address)
        let driver = PCF857x(model: .pcf8575)
        let configuration = ExpanderPortConfiguration(inputs: 0x00FF, latch: 0x8100)
        _ = try driver.setUp(bus: bus, address: address, configuration: configuration)
        #expect(summary(bus.log) == ["transfer 0xff 0x81", "transfer  -> 2"])
        part.drive(offset: 3, level: false)
        #expect(try driver.readPort(bus: bus, address: address) == 0x81F7)
        #expect(part.latchValue == 0x81FF)
    }

    @Test("the port value is a write-time composition of the cached latch, never of the pins read")
    func portValue() {
        #expect(PCF857x.portValue(latch: 0x0001, inputs: 0x00F0) == 0x00F1)
        // An output the cache holds low stays low even if an outside load made the pin read differently.
        #expect(PCF857x.portValue(latch: 0x0000, inputs: 0x00F0) & 0x000F == 0)
    }

    @Test("INT falls on an input change and is released by the next read or write")
    func interrupt() throws {
        let part = SimulatedPCF857x(model: .pcf8574)
        bus.attach(part, at: address)
        let changes = InterruptLog()
        part.interruptChanged = { changes.append($0) }
        let driver = PCF857x(model: .pcf8574)
        _ = try driver.setUp(bus: bus, address: address, configuration: ExpanderPortConfiguration(inputs: 0xF0, latch: 0))
        part.drive(offset: 1, level: false) // an output (written 0): no change, no INT
        #expect(!part.interruptAsserted)
        part.drive(offset: 4, level: false)
        #expect(part.interruptAsserted)
        #expect(try driver.readPort(bus: bus, address: address) == 0xE0)
        #expect(!part.interruptAsserted)
        #expect(changes.values == [true, false])
    }

    @Test("a missing part fails with a NACK")
    func missing() {
        let driver = PCF857x(model: .pcf8575)
        #expect(failureCode { try driver.readPort(bus: bus, address: address) } == .nack)
    }
}
