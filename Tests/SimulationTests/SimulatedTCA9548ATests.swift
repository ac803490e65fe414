import SensorgateCore
import Simulation
import Testing

/// The simulated TCA9548A: its control register as the datasheet describes it
/// (SCPS207F section 8.5.3) and the bus routing transactions through it.
@Suite("Simulated TCA9548A multiplexer")
struct SimulatedTCA9548ATests {
    @Test("no channel at power-up; a written byte is the control register; of several bytes the last is kept; reads return it")
    func controlRegister() throws {
        let bus = SimulatedI2CBus()
        let mux = SimulatedTCA9548A()
        bus.attach(mux, at: 0x70)
        #expect(try bus.readByte(address: 0x70) == 0)
        try bus.writeByte(address: 0x70, value: 0x08)
        #expect(try bus.readByte(address: 0x70) == 0x08)
        _ = try bus.transfer(address: 0x70, [.write([0x01, 0x80])])
        #expect(mux.controlRegister == 0x80)
        try bus.quick(address: 0x70)  // a scan changes nothing
        #expect(mux.controlRegister == 0x80)
        mux.reset()
        #expect(mux.controlRegister == 0)
    }

    @Test("a part behind a channel answers only while its channel is connected, with its own register pointer")
    func routing() throws {
        let bus = SimulatedI2CBus()
        let mux = SimulatedTCA9548A()
        bus.attach(mux, at: 0x70)
        let low = PlainRegisterPart(), high = PlainRegisterPart()
        low.registers[0x10] = 0xAA
        high.registers[0x10] = 0xBB
        mux.attach(low, channel: 0, at: 0x50)
        mux.attach(high, channel: 5, at: 0x50)

        #expect(throws: I2CError(.nack, bus: 1, address: 0x50, "no device at this address")) {
            try bus.readByteData(address: 0x50, register: 0x10)
        }
        try bus.writeByte(address: 0x70, value: 0x01)
        #expect(try bus.readByteData(address: 0x50, register: 0x10) == 0xAA)
        try bus.writeByte(address: 0x70, value: 0x20)
        #expect(try bus.readByteData(address: 0x50, register: 0x10) == 0xBB)
        // Each part keeps its own pointer: a receive byte reads from where it was left.
        try bus.writeByte(address: 0x70, value: 0x01)
        #expect(try bus.readByte(address: 0x50) == low.registers[0x11])
    }

    @Test("two connected parts at one address collide: a bus error, as when both drive SDA")
    func collision() throws {
        let bus = SimulatedI2CBus()
        let first = SimulatedTCA9548A(), second = SimulatedTCA9548A()
        bus.attach(first, at: 0x70)
        bus.attach(second, at: 0x71)
        first.attach(PlainRegisterPart(), channel: 0, at: 0x50)
        second.attach(PlainRegisterPart(), channel: 0, at: 0x50)
        try bus.writeByte(address: 0x70, value: 0x01)
        try bus.writeByte(address: 0x71, value: 0x01)
        do {
            _ = try bus.readByteData(address: 0x50, register: 0)
            Issue.record("two parts answered one read")
        } catch {
            #expect(error.code == .bus)
        }
        try bus.writeByte(address: 0x71, value: 0x00)
        #expect(try bus.readByteData(address: 0x50, register: 0) == 0)
    }
}

/// A plain register part for routing tests.
final class PlainRegisterPart: SimulatedI2CDevice, @unchecked Sendable {
    var registers = [UInt8](repeating: 0, count: 256)
    func readRegister(_ register: UInt8) -> UInt8 { registers[Int(register)] }
    func writeRegister(_ register: UInt8, value: UInt8) { registers[Int(register)] = value }
}
