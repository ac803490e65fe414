import Testing
import SensorDrivers
import SensorgateCore
import Simulation

/// An SHT3x driver on a simulated bus with a simulated part at 0x44, on a manual clock
/// that the driver's waits advance.
struct SHT3xRig {
    let clock = ManualClock()
    let bus = SimulatedI2CBus(number: 1)
    let values: PhysicalValues
    let device: SimulatedSHT3x
    let recorder: SleepRecorder
    let driver: SHT3x
    let address: UInt8 = 0x44

    init(_ values: [String: Double] = [:], repeatability: SHT3x.Repeatability = .high, heater: Bool = false) {
        self.values = PhysicalValues(values)
        device = SimulatedSHT3x(clock: clock, values: self.values.provider)
        recorder = SleepRecorder(clock: clock)
        driver = SHT3x(repeatability: repeatability, heater: heater, sleep: recorder.sleeper)
        bus.attach(device, at: address)
    }
}

@Suite("SHT3x driver")
struct SHT3xTests {
    @Test("CRC-8 matches the datasheet example: 0xBEEF gives 0x92")
    func crcExample() {
        #expect(SensirionWords.crc([0xBE, 0xEF]) == 0x92)
        #expect(SensirionWords.encode(0xBEEF) == [0xBE, 0xEF, 0x92])
    }

    @Test("setUp soft-resets, sets the heater and reads the status; the exact bytes")
    func setUpBytes() throws {
        let rig = SHT3xRig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == ["transfer 0x30 0xa2", "transfer 0x30 0x66", "transfer 0xf3 0x2d",
                                         "transfer  -> 3"])
        #expect(rig.recorder.sleeps == [.microseconds(1_500), .milliseconds(1)])
    }

    @Test("a read sends the single-shot command of its repeatability and waits its maximum duration",
          arguments: [(SHT3x.Repeatability.high, [UInt8(0x24), 0x00], Interval.milliseconds(15)),
                      (.medium, [0x24, 0x0B], .milliseconds(6)), (.low, [0x24, 0x16], .milliseconds(4))])
    func readBytes(repeatability: SHT3x.Repeatability, command: [UInt8], wait: Interval) throws {
        let rig = SHT3xRig(["temperature": 22.5, "humidity": 40], repeatability: repeatability)
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        let log = rig.bus.log
        #expect(log.count == 2)
        #expect(log[0].written == command && log[0].read.isEmpty)
        #expect(log[1].written.isEmpty && log[1].read.count == 6)
        #expect(rig.recorder.sleeps == [wait])
        #expect(abs(values[0] - 22.5) < 0.003 && abs(values[1] - 40) < 0.002)
    }

    @Test("the heater option sends heater enable (0x306D) and the status confirms it")
    func heater() throws {
        let rig = SHT3xRig(["temperature": 20], heater: true)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(rig.bus.log[1].written == [0x30, 0x6D])
        #expect(rig.device.isHeaterOn)
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(abs(values[0] - (20 + SimulatedSHT3x.heaterRise)) < 0.003)
    }

    @Test("worked example: 0x6666 is 25 °C, 0x8000 is 50.0008 %")
    func workedExample() throws {
        // T = -45 + 175 · 26214 / 65535 = -45 + 175 · 0.4 = 25 °C (26214 = 0.4 · 65535 exactly);
        // RH = 100 · 32768 / 65535 = 50.00076 %. CRCs by hand with 0x31/0xFF: 0x93, 0xA2.
        let values = try SHT3x.decode([0x66, 0x66, 0x93, 0x80, 0x00, 0xA2], bus: 1, address: 0x44)
        #expect(values[0] == 25)
        #expect(abs(values[1] - 50.000763) < 1e-6)
    }

    @Test("a CRC mismatch is a crcMismatch error, never a reading")
    func crcMismatch() throws {
        #expect(throws: I2CError(.crcMismatch, bus: 1, address: 0x44,
                                 "SHT3x word 1 has CRC 0xa3, its bytes give 0xa2")) {
            try SHT3x.decode([0x66, 0x66, 0x93, 0x80, 0x00, 0xA3], bus: 1, address: 0x44)
        }
        let rig = SHT3xRig()
        rig.device.corruptNextCRCs(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .crcMismatch, "a corrupted reply was read")
        #expect(try rig.driver.read(bus: rig.bus, address: rig.address).count == 2)
    }

    @Test("a NACK of the read (still measuring) or of the command is an error value")
    func nack() throws {
        let rig = SHT3xRig()
        rig.device.nackNextReads(1)
        #expect(throws: I2CError.self) { try rig.driver.read(bus: rig.bus, address: rig.address) }
        #expect(rig.bus.log.last?.failure == .nack)
        rig.bus.nackNext(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .nack, "read through a NACK")
    }

    @Test("reading before the measurement is done is not acknowledged")
    func readTooEarly() throws {
        let rig = SHT3xRig()
        try rig.bus.write(address: rig.address, command: SHT3x.Command.measureHighRepeatability)
        #expect(throws: I2CError.self) { try rig.bus.read(address: rig.address, count: 6) }
        rig.clock.advance(by: .milliseconds(13))
        #expect(try rig.bus.read(address: rig.address, count: 6).count == 6)
    }

    @Test("an implausible temperature (raw 0: -45 °C, below the part's range) is refused")
    func implausible() {
        #expect(failureCode { try SHT3x.decode([0x00, 0x00, 0x81, 0x80, 0x00, 0xA2], bus: 1, address: 0x44) } == .invalidReply, "-45 °C accepted")
    }

    @Test("the factory takes the validated options")
    func factory() throws {
        let made = SHT3x.descriptor.make(DriverOptions(["repeatability": .choice("low"), "heater": .boolean(true)]))
        let driver = try #require(made as? SHT3x)
        #expect(driver.repeatability == .low && driver.heater)
        let defaults = try #require(SHT3x.descriptor.make(DriverOptions()) as? SHT3x)
        #expect(defaults.repeatability == .high && !defaults.heater)
    }
}
