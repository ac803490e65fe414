import Testing
import I2C
import SensorCatalog
import SensorDrivers
import SensorgateCore
import Simulation

@Suite("I2C identification (scan)")
struct I2CIdentificationTests {
    /// A fixed set of drivers, not the whole catalog, so that a driver added to the catalog
    /// does not change what these tests expect: the Bosch parts that share 0x76/0x77 by chip
    /// id, a part identified by a 16-bit register, and two without an identity register.
    static let drivers = [BME280.descriptor, BMP280.descriptor, MCP9808.descriptor, SHT3x.descriptor, SHT4x.descriptor]

    /// A part whose identity register cannot be read: it acknowledges its address (a scan
    /// finds it) but not a register read.
    final class RefusesRegisterReads: SimulatedI2CDevice, @unchecked Sendable {
        func write(_ bytes: [UInt8], pointer: inout UInt8) -> Bool { bytes.isEmpty }
        func read(count: Int, pointer: inout UInt8) -> [UInt8]? { nil }
    }

    @Test("a BMP280 at 0x76 is named BMP280, and the BME280 is ruled out by its chip id")
    func bmp280() throws {
        let bus = SimulatedI2CBus()
        bus.attach(SimulatedBMP280.make(clock: ManualClock()) { _ in nil }, at: 0x76)
        let result = I2CIdentification.identify(address: 0x76, bus: bus, drivers: Self.drivers)
        #expect(result.identified.map(\.driver) == ["bmp280"])
        #expect(result.ruledOut.map(\.driver) == ["bme280"])
        #expect(result.summary == "BMP280 (chip id 0x58), driver bmp280; not BME280 (chip id 0x58, expected 0x60)")
        // Both drivers use register 0xD0: it is read once, and nothing is written into the part.
        #expect(summary(bus.log) == ["readByteData 0xd0 -> 1"])
        #expect(!bus.log.contains { $0.isRegisterWrite })
    }

    @Test("a BME280 at 0x77 is named BME280")
    func bme280() {
        let bus = SimulatedI2CBus()
        bus.attach(SimulatedBME280(clock: ManualClock()) { _ in nil }, at: 0x77)
        let result = I2CIdentification.identify(address: 0x77, bus: bus, drivers: Self.drivers)
        #expect(result.identified.map(\.driver) == ["bme280"])
        #expect(result.summary.hasPrefix("BME280 (chip id 0x60), driver bme280; not BMP280 (chip id 0x60, expected 0x58/0x56/0x57)"))
    }

    @Test("a BMP280 engineering sample (chip id 0x56) is a BMP280")
    func bmp280Sample() {
        let bus = SimulatedI2CBus()
        bus.attach(SimulatedBME280(chipID: 0x56, clock: ManualClock()) { _ in nil }, at: 0x76)
        #expect(I2CIdentification.identify(address: 0x76, bus: bus, drivers: Self.drivers).identified.map(\.driver) == ["bmp280"])
    }

    @Test("an MCP9808 is named by its manufacturer id 0x0054, read as a big-endian word")
    func mcp9808() {
        let bus = SimulatedI2CBus()
        bus.attach(SimulatedMCP9808(clock: ManualClock()) { _ in nil }, at: 0x18)
        let result = I2CIdentification.identify(address: 0x18, bus: bus, drivers: Self.drivers)
        #expect(result.identified.map(\.driver) == ["mcp9808"])
        #expect(result.summary.hasPrefix("MCP9808 (manufacturer id 0x0054), driver mcp9808"))
        #expect(summary(bus.log).first == "readWordData 0x06 -> 2")
    }

    @Test("an unknown chip id rules out every driver with an identity")
    func unknownChip() {
        let bus = SimulatedI2CBus()
        bus.attach(SimulatedBME280(chipID: 0x61, clock: ManualClock()) { _ in nil }, at: 0x76)
        let result = I2CIdentification.identify(address: 0x76, bus: bus, drivers: Self.drivers)
        #expect(result.identified.isEmpty)
        #expect(result.summary.hasPrefix("no driver in the catalog matches; not BME280 (chip id 0x61, expected 0x60)"))
    }

    @Test("a NACK on the identity read rules the driver out; drivers without identity remain 'could be'")
    func nackRulesOut() {
        let bus = SimulatedI2CBus()
        bus.attach(RefusesRegisterReads(), at: 0x76)
        bus.attach(RefusesRegisterReads(), at: 0x44)
        #expect(I2CScanner.scan(bus: bus) == [0x44, 0x76])
        let bosch = I2CIdentification.identify(address: 0x76, bus: bus, drivers: Self.drivers)
        #expect(bosch.identified.isEmpty && bosch.possible.isEmpty)
        #expect(bosch.ruledOut.map(\.verdict) == [.unreadable(.nack), .unreadable(.nack)])
        #expect(bosch.summary.contains("not BME280 (chip id unreadable: no acknowledge)"))
        let sensirion = I2CIdentification.identify(address: 0x44, bus: bus, drivers: Self.drivers)
        #expect(sensirion.possible.map(\.driver) == ["sht3x", "sht4x"])
        #expect(sensirion.summary == "could be SHT3x (driver sht3x), SHT4x (driver sht4x)")
        #expect(!bus.log.contains { $0.address == 0x44 && $0.kind != .quick }, "nothing read from a part without identity")
    }

    @Test("an address no driver uses, and a silent address, name nothing")
    func nothing() {
        let bus = SimulatedI2CBus()
        let unused = I2CIdentification.identify(address: 0x50, bus: bus, drivers: Self.drivers)
        #expect(unused.candidates.isEmpty)
        #expect(unused.summary == "no driver in the catalog uses this address")
        // Nothing answers at 0x76: the scan does not list it, so no identification runs.
        #expect(!I2CScanner.scan(bus: bus).contains(0x76))
    }

    @Test("the declarative driver, which allows every address, is never a candidate of a scan")
    func declarativeDriverIsNoCandidate() {
        let bus = SimulatedI2CBus()
        bus.attach(SimulatedLM75 { _ in 21 }, at: 0x48)
        let result = I2CIdentification.identify(address: 0x48, bus: bus, drivers: [LM75.descriptor, RegisterMapDriver.descriptor])
        #expect(result.candidates.map(\.driver) == ["lm75"])
    }
}

/// Shorthand for `(kind, written bytes)` of a logged transaction.
private func summary(_ log: [SimulatedI2CBus.Transaction]) -> [String] {
    log.map { entry in
        let bytes = entry.written.map { "0x" + String($0, radix: 16).leftPadded(to: 2) }.joined(separator: " ")
        let count = entry.read.isEmpty ? "" : " -> \(entry.read.count)"
        return "\(entry.kind.rawValue) \(bytes)\(count)"
    }
}
