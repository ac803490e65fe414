import Testing
import SensorDrivers
import SensorgateCore
import Simulation

@Suite("BME280 driver on the simulated bus")
struct BME280DriverTests {
    @Test("setUp: exact transactions, in order")
    func setUpTransactions() throws {
        let rig = Rig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == [
            "readByteData 0xd0 -> 1",
            "writeByteData 0xe0 0xb6",
            "readByteData 0xf3 -> 1",
            "readBlock 0x88 -> 26",
            "readBlock 0xe1 -> 7",
            "writeByteData 0xf2 0x01",
            "writeByteData 0xf5 0x00",
            "writeByteData 0xf4 0x24",
        ])
        #expect(rig.recorder.sleeps == [.milliseconds(2)])
        #expect(rig.driver.currentCalibration == SimulatedBME280.referenceCalibration)
        #expect(rig.device.readRegister(BME280.Register.ctrlMeas) == 0x24)
        #expect(rig.device.readRegister(BME280.Register.ctrlHum) == 0x01)
    }

    @Test("read: writes ctrl_hum then forced ctrl_meas, waits 9.3 ms, polls once, burst-reads 8 bytes")
    func readTransactions() throws {
        let rig = Rig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.clearLog()
        _ = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == [
            "writeByteData 0xf2 0x01",
            "writeByteData 0xf4 0x25",
            "readByteData 0xf3 -> 1",
            "readBlock 0xf7 -> 8",
        ])
        #expect(rig.bus.registerWrites(to: rig.address) == [[0xF2, 0x01], [0xF4, 0x25]])
        #expect(rig.recorder.sleeps == [.milliseconds(2), .microseconds(9_300)])
        #expect(rig.device.measurementCount == 1)
    }

    @Test("read polls status until measuring clears, then reads", arguments: [1, 3])
    func pollsMeasuring(extraMilliseconds: Int) throws {
        let rig = Rig()
        rig.device.measurementTime = .microseconds(9_300) + .milliseconds(extraMilliseconds)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.clearLog()
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        let statusReads = rig.bus.log.filter { $0.written == [BME280.Register.status] }.count
        #expect(statusReads == extraMilliseconds + 1)
        #expect(abs(values[0] - 21) <= 0.006)
    }

    @Test("values read back equal the physical values within resolution", arguments: [
        (-40.0, 0.0, 300.0), (-12.34, 12.5, 550.5), (0.0, 33.3, 800.0), (21.0, 50.0, 1013.25),
        (25.08, 54.997, 1006.53), (37.77, 81.81, 1050.0), (60.01, 99.9, 1100.0), (85.0, 100.0, 987.65),
    ])
    func sweep(temperature: Double, humidity: Double, pressure: Double) throws {
        let rig = Rig(values: ["temperature": temperature, "humidity": humidity, "pressure": pressure])
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(values.count == BME280.descriptor.channels.count)
        #expect(abs(values[0] - temperature) <= 0.006, "temperature \(values[0])")
        #expect(abs(values[1] - humidity) <= 0.01, "humidity \(values[1])")
        #expect(abs(values[2] - pressure) <= 0.005, "pressure \(values[2])")
    }

    @Test("successive reads follow a changing physical value")
    func followsChanges() throws {
        let rig = Rig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        for step in 0..<40 {
            let celsius = -5 + Double(step) * 1.37
            rig.values.set("temperature", celsius)
            rig.values.set("pressure", 950 + Double(step))
            let values = try rig.driver.read(bus: rig.bus, address: rig.address)
            #expect(abs(values[0] - celsius) <= 0.006)
            #expect(abs(values[2] - (950 + Double(step))) <= 0.005)
        }
        #expect(rig.device.measurementCount == 40)
    }

    @Test("defaults when the simulation gives no value: 21 °C, 50 %, 1013.25 hPa")
    func defaults() throws {
        let rig = Rig()
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)   // sets up on first read
        #expect(abs(values[0] - 21) <= 0.006)
        #expect(abs(values[1] - 50) <= 0.01)
        #expect(abs(values[2] - 1013.25) <= 0.005)
    }

    @Test("a wrong chip id is an invalid reply naming the part found; nothing is written",
          arguments: [(UInt8(0x58), "BMP280"), (0x61, "BME680"), (0x00, "0x00"), (0x42, "0x42")])
    func wrongChipID(id: UInt8, mentions: String) {
        let rig = Rig(chipID: id)
        do {
            try rig.driver.setUp(bus: rig.bus, address: rig.address)
            Issue.record("accepted chip id \(id)")
        } catch {
            #expect(error.code == .invalidReply)
            #expect(error.message.contains(mentions))
            #expect(error.message.contains("expected 0x60"))
            #expect(error.address == 0x76 && error.bus == 1)
        }
        #expect(rig.bus.registerWrites(to: rig.address).isEmpty)
    }

    @Test("no device at the address: NACK")
    func noDevice() {
        let rig = Rig()
        #expect(throws: I2CError.self) { try rig.driver.setUp(bus: rig.bus, address: 0x77) }
        do {
            try rig.driver.setUp(bus: rig.bus, address: 0x77)
        } catch {
            #expect(error.code == .nack)
            #expect(error.address == 0x77)
        }
    }

    @Test("an injected NACK fails one read; the next read works")
    func injectedNACK() throws {
        let rig = Rig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.nackNext(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .nack, "read through a NACK")
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(abs(values[0] - 21) <= 0.006)
    }

    @Test("a NACK at any point of setUp is reported and leaves the driver unconfigured", arguments: 0..<8)
    func nackDuringSetUp(transaction: Int) {
        let rig = Rig()
        let bus = InterposingBus(base: rig.bus, nackAt: transaction)
        do {
            try rig.driver.setUp(bus: bus, address: rig.address)
            Issue.record("setUp succeeded through a NACK")
        } catch {
            #expect(error.code == .nack)
        }
        #expect(bus.transactions == transaction + 1)
        #expect(rig.driver.currentCalibration == nil)
    }

    @Test("a stuck bus times out until it is cleared")
    func stuckBus() throws {
        let rig = Rig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.isStuck = true
        for _ in 0..<3 {
            #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .timeout, "read on a stuck bus")
        }
        rig.bus.isStuck = false
        _ = try rig.driver.read(bus: rig.bus, address: rig.address)
    }

    @Test("a skipped humidity measurement (raw 0x8000) is an invalid reply")
    func skippedHumidity() throws {
        let rig = Rig()
        rig.bus.attach(OverridingDevice(rig.device, overrides: [0xFD: 0x80, 0xFE: 0x00]), at: rig.address)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        do {
            _ = try rig.driver.read(bus: rig.bus, address: rig.address)
            Issue.record("published a skipped measurement")
        } catch {
            #expect(error.code == .invalidReply)
            #expect(error.message.contains("humidity was not measured"))
        }
    }

    @Test("a skipped temperature measurement (raw 0x80000) is an invalid reply")
    func skippedTemperature() throws {
        let rig = Rig()
        rig.bus.attach(OverridingDevice(rig.device, overrides: [0xFA: 0x80, 0xFB: 0x00, 0xFC: 0x00]), at: rig.address)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(throws: I2CError.self) { try rig.driver.read(bus: rig.bus, address: rig.address) }
    }

    @Test("after a power glitch the next read measures humidity again")
    func brownOut() throws {
        let rig = Rig(values: ["humidity": 42])
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.device.powerCycle()
        rig.clock.advance(by: .milliseconds(1))
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(abs(values[1] - 42) <= 0.01)
    }

    @Test("an NVM copy that never finishes is a bounded timeout")
    func nvmCopyNeverFinishes() {
        let rig = Rig()
        rig.device.nvmCopyTime = .seconds(3600)
        do {
            try rig.driver.setUp(bus: rig.bus, address: rig.address)
            Issue.record("setUp finished without calibration")
        } catch {
            #expect(error.code == .timeout)
            #expect(error.message.contains("im_update"))
        }
        let statusReads = rig.bus.log.filter { $0.written == [BME280.Register.status] }.count
        #expect(statusReads == BME280.nvmCopyPolls)
        #expect(rig.recorder.sleeps.count == BME280.nvmCopyPolls)
        #expect(rig.driver.currentCalibration == nil)
    }

    @Test("a measurement that never finishes is a bounded timeout")
    func measurementNeverFinishes() throws {
        let rig = Rig()
        rig.device.measurementTime = .seconds(60)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.clearLog()
        do {
            _ = try rig.driver.read(bus: rig.bus, address: rig.address)
            Issue.record("read returned during a measurement")
        } catch {
            #expect(error.code == .timeout)
            #expect(error.message.contains("measuring"))
        }
        #expect(rig.bus.log.filter { $0.written == [BME280.Register.status] }.count == BME280.measurementPolls)
        #expect(!rig.bus.log.contains { $0.kind == .readBlock })
    }

    @Test("a physical value outside the part's range is an invalid reply", arguments: [
        ("temperature", 90.0), ("temperature", -45.0), ("pressure", 250.0), ("pressure", 1200.0),
    ])
    func physicalOutOfRange(channel: String, value: Double) throws {
        let rig = Rig(values: [channel: value])
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        do {
            _ = try rig.driver.read(bus: rig.bus, address: rig.address)
            Issue.record("published \(channel) \(value)")
        } catch {
            #expect(error.code == .invalidReply)
            #expect(error.message.contains(channel))
        }
    }

    @Test("calibration registers that read all 0xff (floating bus) are rejected")
    func blankCalibration() {
        let rig = Rig()
        var overrides: [UInt8: UInt8] = [:]
        for register in UInt8(0x88)...0xA1 { overrides[register] = 0xFF }
        rig.bus.attach(OverridingDevice(rig.device, overrides: overrides), at: rig.address)
        do {
            try rig.driver.setUp(bus: rig.bus, address: rig.address)
            Issue.record("accepted blank calibration")
        } catch {
            #expect(error.code == .invalidReply)
            #expect(error.message.contains("0xff"))
        }
    }

    @Test("corrupted data reads give an error or an in-range value, never a crash")
    func corruptedReads() throws {
        let rig = Rig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        var random = SplitMix64(seed: 7)
        var failures = 0
        for _ in 0..<300 {
            let mask = UInt8(truncatingIfNeeded: random.next()) | 1
            let bus = InterposingBus(base: rig.bus, blockReadMask: mask)
            do {
                let values = try rig.driver.read(bus: bus, address: rig.address)
                #expect(BME280.temperatureRange.contains(values[0]))
                #expect(BME280.humidityRange.contains(values[1]))
                #expect(BME280.pressureRange.contains(values[2]))
            } catch {
                #expect(error.code == .invalidReply)
                failures += 1
            }
        }
        #expect(failures > 0)
    }
}

/// Passes transactions to `base`, counting them; NACKs the one numbered `nackAt` (0-based)
/// and XORs the bytes of every block read with `blockReadMask`.
final class InterposingBus: I2CBus {
    let base: any I2CBus
    let nackAt: Int?
    let blockReadMask: UInt8?
    private(set) var transactions = 0

    init(base: any I2CBus, nackAt: Int? = nil, blockReadMask: UInt8? = nil) {
        self.base = base
        self.nackAt = nackAt
        self.blockReadMask = blockReadMask
    }

    var number: Int { base.number }

    private func step(_ address: UInt8) throws(I2CError) {
        defer { transactions += 1 }
        if transactions == nackAt { throw I2CError(.nack, bus: number, address: address, "test NACK") }
    }

    func quick(address: UInt8) throws(I2CError) { try step(address); try base.quick(address: address) }
    func readByte(address: UInt8) throws(I2CError) -> UInt8 { try step(address); return try base.readByte(address: address) }
    func writeByte(address: UInt8, value: UInt8) throws(I2CError) {
        try step(address); try base.writeByte(address: address, value: value)
    }
    func readByteData(address: UInt8, register: UInt8) throws(I2CError) -> UInt8 {
        try step(address); return try base.readByteData(address: address, register: register)
    }
    func writeByteData(address: UInt8, register: UInt8, value: UInt8) throws(I2CError) {
        try step(address); try base.writeByteData(address: address, register: register, value: value)
    }
    func readWordData(address: UInt8, register: UInt8) throws(I2CError) -> UInt16 {
        try step(address); return try base.readWordData(address: address, register: register)
    }
    func writeWordData(address: UInt8, register: UInt8, value: UInt16) throws(I2CError) {
        try step(address); try base.writeWordData(address: address, register: register, value: value)
    }
    func transfer(address: UInt8, _ messages: [I2CMessage]) throws(I2CError) -> [[UInt8]] {
        try step(address); return try base.transfer(address: address, messages)
    }
    func readBlock(address: UInt8, register: UInt8, count: Int) throws(I2CError) -> [UInt8] {
        try step(address)
        let bytes = try base.readBlock(address: address, register: register, count: count)
        guard let mask = blockReadMask else { return bytes }
        return bytes.map { $0 ^ mask }
    }
    func writeBlock(address: UInt8, register: UInt8, bytes: [UInt8]) throws(I2CError) {
        try step(address); try base.writeBlock(address: address, register: register, bytes: bytes)
    }
}

@Suite("BME280 catalog entry")
struct BME280DescriptorTests {
    @Test("bme280 is declared with its address, interval, channels and no options")
    func descriptor() {
        let descriptor = BME280.descriptor
        #expect(descriptor.name == "bme280" && descriptor.part == "BME280")
        #expect(descriptor.defaultAddress == 0x76 && descriptor.allowedAddresses == [0x76, 0x77])
        #expect(descriptor.defaultInterval == .seconds(5) && descriptor.minimumInterval == .milliseconds(100))
        #expect(descriptor.channels.map(\.name) == ["temperature", "humidity", "pressure"])
        #expect(descriptor.options.isEmpty)
        #expect(descriptor.make(DriverOptions()) is BME280)
    }

    @Test("the minimum interval leaves room for the measurement")
    func minimumInterval() {
        let measurement = BME280.maximumMeasurementTime(temperature: .x1, pressure: .x1, humidity: .x1)
        #expect(BME280.descriptor.minimumInterval > measurement)
    }
}
