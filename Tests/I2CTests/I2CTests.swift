#if canImport(Glibc)
import Glibc
#endif
import Testing
import I2C
import SensorgateCore
import Simulation

final class Present: SimulatedI2CDevice, @unchecked Sendable {
    func readRegister(_ register: UInt8) -> UInt8 { 0 }
    func writeRegister(_ register: UInt8, value: UInt8) {}
}

@Suite struct I2CTests {
    @Test("errno maps to I2CError codes", arguments: [
        (ENXIO, I2CError.Code.nack), (EREMOTEIO, .nack), (ETIMEDOUT, .timeout), (EOPNOTSUPP, .unsupported),
        (EAGAIN, .bus), (EIO, .bus), (EPROTO, .bus),
    ])
    func errnoMapping(error: Int32, code: I2CError.Code) {
        #expect(LinuxI2CBus.code(forErrno: error) == code)
        let e = LinuxI2CBus.error(forErrno: error, bus: 1, address: 0x76, during: "read byte data from 0xd0")
        #expect(e.code == code)
        #expect(e.message.hasPrefix("read byte data from 0xd0: "))
        #expect(e.message.contains("errno \(error)"))
    }

    @Test("opening a nonexistent adapter is .open with a clear message")
    func openMissing() {
        do {
            _ = try LinuxI2CBus(number: 97)
            Issue.record("opened /dev/i2c-97")
        } catch {
            #expect(error.code == .open)
            #expect(error.bus == 97)
            #expect(error.message.contains("/dev/i2c-97"))
            #expect(error.message.contains("i2c-dev"))
            print(error)
        }
    }

    @Test("negative adapter numbers are refused")
    func negative() {
        #expect(throws: I2CError.self) { try LinuxI2CBus(number: -1) }
    }

    @Test("probe methods follow i2cdetect's default")
    func probeMethods() {
        #expect(I2CScanner.probeMethod(for: 0x08) == .quickWrite)
        #expect(I2CScanner.probeMethod(for: 0x2F) == .quickWrite)
        #expect(I2CScanner.probeMethod(for: 0x30) == .receiveByte)
        #expect(I2CScanner.probeMethod(for: 0x37) == .receiveByte)
        #expect(I2CScanner.probeMethod(for: 0x38) == .quickWrite)
        #expect(I2CScanner.probeMethod(for: 0x50) == .receiveByte)
        #expect(I2CScanner.probeMethod(for: 0x5F) == .receiveByte)
        #expect(I2CScanner.probeMethod(for: 0x76) == .quickWrite)
    }

    @Test("scan finds attached parts with the right probes")
    func scan() throws {
        let bus = SimulatedI2CBus()
        for address: UInt8 in [0x03, 0x08, 0x33, 0x50, 0x76, 0x77, 0x78] { bus.attach(Present(), at: address) }
        #expect(I2CScanner.scan(bus: bus) == [0x08, 0x33, 0x50, 0x76, 0x77])
        let log = bus.log
        #expect(log.count == 0x77 - 0x08 + 1)
        #expect(log.first { $0.address == 0x33 }?.kind == .receiveByte)
        #expect(log.first { $0.address == 0x76 }?.kind == .quick)
        #expect(log.first { $0.address == 0x5A }?.kind == .receiveByte)
        bus.isStuck = true
        #expect(I2CScanner.scan(bus: bus) == [])
        #expect(throws: I2CError.self) { try I2CScanner.probe(bus: bus, address: 0x76) }
        bus.isStuck = false
        #expect(try I2CScanner.probe(bus: bus, address: 0x76))
        #expect(try !I2CScanner.probe(bus: bus, address: 0x75))
    }
}
