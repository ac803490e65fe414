import Testing
import SensorDrivers
import SensorgateCore
import Simulation

/// An HTU21D driver on a simulated bus with a simulated part at 0x40, on a manual clock
/// that the driver's waits advance.
struct HTU21DRig {
    let clock = ManualClock()
    let bus = SimulatedI2CBus(number: 1)
    let values: PhysicalValues
    let device: SimulatedHTU21D
    let recorder: SleepRecorder
    let driver: HTU21D
    let address: UInt8 = 0x40

    init(_ values: [String: Double] = [:], resolution: HTU21D.Resolution = .rh12t14) {
        self.values = PhysicalValues(values)
        device = SimulatedHTU21D(clock: clock, values: self.values.provider)
        recorder = SleepRecorder(clock: clock)
        driver = HTU21D(resolution: resolution, sleep: recorder.sleeper)
        bus.attach(device, at: address)
    }
}

@Suite("HTU21D driver")
struct HTU21DTests {
    @Test("CRC-8 (0x131 from 0x00) matches the datasheet's examples")
    func crcExamples() {
        #expect(HTU21D.crc.checksum([0xDC]) == 0x79)
        #expect(HTU21D.crc.checksum([0x68, 0x3A]) == 0x7C)
        #expect(HTU21D.crc.checksum([0x4E, 0x85]) == 0x6B)
    }

    @Test("setUp soft-resets, then read-modify-writes the resolution bits and reads them back",
          arguments: [(HTU21D.Resolution.rh12t14, UInt8(0x02)), (.rh8t12, 0x03), (.rh10t13, 0x82), (.rh11t11, 0x83)])
    func setUpBytes(resolution: HTU21D.Resolution, register: UInt8) throws {
        let rig = HTU21DRig(resolution: resolution)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == ["transfer 0xfe", "transfer 0xe7 -> 1",
                                         "transfer 0xe6 " + "0x" + String(register, radix: 16).leftPadded(to: 2),
                                         "transfer 0xe7 -> 1"])
        #expect(rig.bus.log[1].read == [0x02])
        #expect(rig.device.userRegisterValue == register)
        #expect(rig.recorder.sleeps == [.milliseconds(15)])
    }

    @Test("a read sends 0xF5, waits the humidity time, reads 3 bytes, then the same with 0xF3",
          arguments: [(HTU21D.Resolution.rh12t14, Interval.milliseconds(16), Interval.milliseconds(50)),
                      (.rh8t12, .milliseconds(3), .milliseconds(13)), (.rh10t13, .milliseconds(5), .milliseconds(25)),
                      (.rh11t11, .milliseconds(8), .milliseconds(7))])
    func readBytes(resolution: HTU21D.Resolution, humidityWait: Interval, temperatureWait: Interval) throws {
        let rig = HTU21DRig(["temperature": 22.5, "humidity": 40], resolution: resolution)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.clearLog()
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == ["transfer 0xf5", "transfer  -> 3", "transfer 0xf3", "transfer  -> 3"])
        #expect(rig.recorder.sleeps.suffix(2) == [humidityWait, temperatureWait])
        // The signal's 14 significant bits: steps of 175.72 / 2^14 °C and 125 / 2^14 %.
        #expect(abs(values[0] - 22.5) < 0.011 && abs(values[1] - 40) < 0.008)
    }

    @Test("worked example: humidity 0x683A is 44.888 %, temperature 0x8000 is 41.01 °C")
    func workedExample() throws {
        // Humidity: LSB 0x3A = 0b0011_1010, status 0b10 (bit 1 set: a humidity reply);
        // S = 0x6838 = 26680, RH = −6 + 125 · 26680 / 65536 = −6 + 50.888 = 44.888 %.
        // Temperature: S = 0x8000 = 32768, T = −46.85 + 175.72 · 0.5 = 41.01 °C; its CRC by hand: 0x23.
        let values = try HTU21D.decode(humidity: [0x68, 0x3A, 0x7C], temperature: [0x80, 0x00, 0x23], bus: 1, address: 0x40)
        #expect(abs(values[0] - 41.01) < 1e-9)
        #expect(abs(values[1] - 44.888_061_523_437_5) < 1e-9)
    }

    @Test("a CRC mismatch is a crcMismatch error, never a reading")
    func crcMismatch() throws {
        #expect(throws: I2CError(.crcMismatch, bus: 1, address: 0x40, "HTU21D temperature has CRC 0x24, its bytes give 0x23")) {
            try HTU21D.decode(humidity: [0x68, 0x3A, 0x7C], temperature: [0x80, 0x00, 0x24], bus: 1, address: 0x40)
        }
        let rig = HTU21DRig()
        rig.device.corruptNextCRCs(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .crcMismatch, "a corrupted reply was read")
        #expect(try rig.driver.read(bus: rig.bus, address: rig.address).count == 2)
    }

    @Test("a reply with the other measurement's status bits is refused")
    func wrongType() {
        // 0x8002 with CRC 0x41 is a well-formed humidity reply, offered as a temperature.
        #expect(throws: I2CError.self) {
            try HTU21D.decode(humidity: [0x68, 0x3A, 0x7C], temperature: [0x80, 0x02, 0x41], bus: 1, address: 0x40)
        }
    }

    @Test("a NACK of the read (still measuring) or of the command is an error value")
    func nack() throws {
        let rig = HTU21DRig()
        rig.device.nackNextReads(1)
        #expect(throws: I2CError.self) { try rig.driver.read(bus: rig.bus, address: rig.address) }
        #expect(rig.bus.log.last?.failure == .nack)
        rig.bus.nackNext(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .nack, "read through a NACK")
    }

    @Test("reading before the measurement is done is not acknowledged")
    func readTooEarly() throws {
        let rig = HTU21DRig()
        try rig.bus.write(address: rig.address, [HTU21D.Command.triggerTemperatureNoHold])
        #expect(throws: I2CError.self) { try rig.bus.read(address: rig.address, count: 3) }
        rig.clock.advance(by: .milliseconds(50))
        #expect(try rig.bus.read(address: rig.address, count: 3).count == 3)
    }

    @Test("an implausible temperature (signal 0: −46.85 °C, below the part's range) is refused")
    func implausible() throws {
        #expect(throws: I2CError.self) {
            try HTU21D.decode(humidity: [0x68, 0x3A, 0x7C], temperature: [0x00, 0x00, 0x00], bus: 1, address: 0x40)
        }
        let rig = HTU21DRig()
        rig.device.implausibleNextTemperatures(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .invalidReply, "−46.85 °C accepted")
    }

    @Test("the factory takes the validated options")
    func factory() throws {
        let made = try #require(HTU21D.descriptor.make(DriverOptions(["resolution": .choice("rh11-t11")])) as? HTU21D)
        #expect(made.resolution == .rh11t11)
        let defaults = try #require(HTU21D.descriptor.make(DriverOptions()) as? HTU21D)
        #expect(defaults.resolution == .rh12t14)
    }
}
