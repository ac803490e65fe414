import Testing
import SensorDrivers
import SensorgateCore
import Simulation

/// 256 plain registers with auto-increment; register n starts at n ^ 0x5A.
final class RegisterFile: SimulatedI2CDevice, @unchecked Sendable {
    private let lock = Mutex()
    private var registers: [UInt8] = (0...255).map { UInt8($0) ^ 0x5A }

    func readRegister(_ register: UInt8) -> UInt8 { lock.withLock { registers[Int(register)] } }
    func writeRegister(_ register: UInt8, value: UInt8) { lock.withLock { registers[Int(register)] = value } }
}

/// A bus whose block reads return one byte fewer than asked for.
final class ShortReadBus: I2CBus {
    let number = 3
    func quick(address: UInt8) throws(I2CError) {}
    func readByte(address: UInt8) throws(I2CError) -> UInt8 { 0 }
    func writeByte(address: UInt8, value: UInt8) throws(I2CError) {}
    func readByteData(address: UInt8, register: UInt8) throws(I2CError) -> UInt8 { 0 }
    func writeByteData(address: UInt8, register: UInt8, value: UInt8) throws(I2CError) {}
    func readWordData(address: UInt8, register: UInt8) throws(I2CError) -> UInt16 { 0 }
    func writeWordData(address: UInt8, register: UInt8, value: UInt16) throws(I2CError) {}
    func readBlock(address: UInt8, register: UInt8, count: Int) throws(I2CError) -> [UInt8] {
        Array(repeating: 0, count: count - 1)
    }
    func writeBlock(address: UInt8, register: UInt8, bytes: [UInt8]) throws(I2CError) {}
    func transfer(address: UInt8, _ messages: [I2CMessage]) throws(I2CError) -> [[UInt8]] {
        messages.compactMap { message in
            guard case .read(let count) = message else { return nil }
            return Array(repeating: 0, count: count - 1)
        }
    }
}

@Suite("Register helpers over I2CBus")
struct RegisterHelpersTests {
    func makeBus() -> SimulatedI2CBus {
        let bus = SimulatedI2CBus(number: 2)
        bus.attach(RegisterFile(), at: 0x40)
        return bus
    }

    @Test("a long register block is read in chunks of at most 32 bytes", arguments: [1, 31, 32, 33, 64, 70])
    func chunkedRead(count: Int) throws {
        let bus = makeBus()
        let bytes = try bus.readRegisters(address: 0x40, register: 0x80, count: count)
        #expect(bytes == (0x80..<(0x80 + count)).map { UInt8($0) ^ 0x5A })
        let blocks = bus.log.filter { $0.kind == .readBlock }
        #expect(blocks.count == (count + 31) / 32)
        #expect(blocks.map { $0.written[0] } == stride(from: 0x80, to: 0x80 + count, by: 32).map { UInt8($0) })
        #expect(blocks.allSatisfy { $0.read.count <= 32 })
    }

    @Test("zero registers is no transaction")
    func emptyRead() throws {
        let bus = makeBus()
        #expect(try bus.readRegisters(address: 0x40, register: 0x10, count: 0) == [])
        #expect(bus.log.isEmpty)
    }

    @Test("a block running past 0xff is refused before any transaction")
    func pastEnd() {
        let bus = makeBus()
        #expect(failureCode { try bus.readRegisters(address: 0x40, register: 0xF0, count: 17) } == .unsupported, "read past 0xff")
        #expect(bus.log.isEmpty)
    }

    @Test("a short block reply is an invalid reply")
    func shortReply() {
        do {
            _ = try ShortReadBus().readRegisters(address: 0x40, register: 0, count: 8)
            Issue.record("accepted a short reply")
        } catch {
            #expect(error.code == .invalidReply)
            #expect(error.message.contains("got 7"))
        }
    }

    @Test("16-bit values in both byte orders")
    func words() throws {
        let bus = makeBus()
        try bus.writeRegister(address: 0x40, register: 0x20, value: 0x18)
        try bus.writeRegister(address: 0x40, register: 0x21, value: 0xFC)
        #expect(try bus.readUInt16LE(address: 0x40, register: 0x20) == 0xFC18)
        #expect(try bus.readInt16LE(address: 0x40, register: 0x20) == -1000)
        #expect(try bus.readUInt16BE(address: 0x40, register: 0x20) == 0x18FC)
        #expect(try bus.readInt16BE(address: 0x40, register: 0x20) == 0x18FC)
        #expect(try bus.readRegister(address: 0x40, register: 0x21) == 0xFC)
    }

    @Test("updateRegister changes only the masked bits")
    func update() throws {
        let bus = makeBus()
        try bus.writeRegister(address: 0x40, register: 0x30, value: 0b1010_1010)
        try bus.updateRegister(address: 0x40, register: 0x30, mask: 0b0000_1111, value: 0b0000_0101)
        #expect(try bus.readRegister(address: 0x40, register: 0x30) == 0b1010_0101)
    }

    @Test("pure byte decoding")
    func bytes() {
        #expect(RegisterBytes.uint16LE(0x70, 0x6B) == 27504)
        #expect(RegisterBytes.int16LE(0x18, 0xFC) == -1000)
        #expect(RegisterBytes.uint16BE(0x75, 0x30) == 30000)
        #expect(RegisterBytes.int16BE(0x80, 0x00) == Int16.min)
        #expect(RegisterBytes.uint20(msb: 0x7E, lsb: 0xED, xlsb: 0x0F) == 519_888)
        #expect(RegisterBytes.bytesLE(Int16(-1000)) == [0x18, 0xFC])
    }

    @Test("errors of the bus pass through unchanged")
    func errorsPassThrough() {
        let bus = makeBus()
        do {
            _ = try bus.readRegisters(address: 0x41, register: 0, count: 4)
            Issue.record("read from an empty address")
        } catch {
            #expect(error.code == .nack)
            #expect(error.address == 0x41 && error.bus == 2)
        }
    }
}
