import Testing
import SensorDrivers
import SensorgateCore
import Simulation

/// An SCD4x driver on a simulated bus with a simulated part at 0x62, on a manual clock
/// that the driver's waits advance.
struct SCD4xRig {
    let clock = ManualClock()
    let bus = SimulatedI2CBus(number: 1)
    let values: PhysicalValues
    let device: SimulatedSCD4x
    let recorder: SleepRecorder
    let driver: SCD4x
    let address: UInt8 = 0x62

    init(_ values: [String: Double] = [:], mode: SCD4x.Mode = .periodic, altitude: Int? = nil, ambientPressure: Int? = nil) {
        self.values = PhysicalValues(values)
        device = SimulatedSCD4x(clock: clock, values: self.values.provider)
        recorder = SleepRecorder(clock: clock)
        driver = SCD4x(mode: mode, altitude: altitude, ambientPressure: ambientPressure, sleep: recorder.sleeper)
        bus.attach(device, at: address)
    }

    /// setUp, then as long as the part needs for its first sample.
    func startAndWaitForFirstSample() throws {
        try driver.setUp(bus: bus, address: address)
        clock.advance(by: driver.mode.period)
        bus.clearLog()
    }
}

@Suite("SCD4x driver")
struct SCD4xTests {
    @Test("setUp stops, reads the serial number and starts periodic mode; the exact bytes and waits")
    func setUpBytes() throws {
        let rig = SCD4xRig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == ["transfer 0x3f 0x86", "transfer 0x36 0x82", "transfer  -> 9", "transfer 0x21 0xb1"])
        #expect(rig.recorder.sleeps == [.milliseconds(500), .milliseconds(1)])
        #expect(rig.device.mode == .periodic)
        #expect(rig.device.altitude == 0 && rig.device.ambientPressure == nil, "nothing sent that the profile did not set")
    }

    @Test("low-power mode starts with 0x21AC")
    func lowPower() throws {
        let rig = SCD4xRig(mode: .lowPower)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(rig.bus.log.last?.written == [0x21, 0xAC])
        #expect(rig.device.mode == .lowPower)
    }

    @Test("altitude and ambient pressure go out as argument words with their CRC, before the start")
    func compensation() throws {
        // 420 m = 0x01A4, 965 hPa = 0x03C5; each word is followed by its CRC-8 (0x31, 0xFF).
        let rig = SCD4xRig(altitude: 420, ambientPressure: 965)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        let writes = rig.bus.log.map(\.written).filter { !$0.isEmpty }
        #expect(writes == [[0x3F, 0x86], [0x36, 0x82],
                           [0x24, 0x27, 0x01, 0xA4, SensirionWords.crc([0x01, 0xA4])],
                           [0xE0, 0x00, 0x03, 0xC5, SensirionWords.crc([0x03, 0xC5])],
                           [0x21, 0xB1]])
        #expect(rig.device.altitude == 420 && rig.device.ambientPressure == 965)
        #expect(rig.recorder.sleeps == [.milliseconds(500), .milliseconds(1), .milliseconds(1), .milliseconds(1)])
    }

    @Test("a read asks get_data_ready_status, then read_measurement; the exact bytes and waits")
    func readBytes() throws {
        let rig = SCD4xRig(["co2": 812, "temperature": 22.5, "humidity": 40])
        try rig.startAndWaitForFirstSample()
        let before = rig.recorder.sleeps.count
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == ["transfer 0xe4 0xb8", "transfer  -> 3", "transfer 0xec 0x05", "transfer  -> 9"])
        #expect(Array(rig.recorder.sleeps.dropFirst(before)) == [.milliseconds(1), .milliseconds(1)])
        #expect(values.count == 3)
        #expect(values[0] == 812)
        #expect(abs(values[1] - 22.5) < 0.003 && abs(values[2] - 40) < 0.002)
    }

    @Test("no new sample: no values and no read_measurement, and the part stays healthy")
    func notReady() throws {
        let rig = SCD4xRig(["co2": 700])
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.clearLog()
        #expect(try rig.driver.read(bus: rig.bus, address: rig.address) == [], "a sample before the first period")
        #expect(summary(rig.bus.log) == ["transfer 0xe4 0xb8", "transfer  -> 3"])
        rig.clock.advance(by: .seconds(5))
        #expect(try rig.driver.read(bus: rig.bus, address: rig.address).first == 700)
        // The part keeps one sample and read_measurement empties it.
        #expect(try rig.driver.read(bus: rig.bus, address: rig.address) == [])
        rig.clock.advance(by: .seconds(5))
        #expect(try rig.driver.read(bus: rig.bus, address: rig.address).count == 3)
    }

    @Test("low-power mode has its first sample after 30 s, not 5 s")
    func lowPowerPeriod() throws {
        let rig = SCD4xRig(mode: .lowPower)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.clock.advance(by: .seconds(29))
        #expect(try rig.driver.read(bus: rig.bus, address: rig.address) == [])
        rig.clock.advance(by: .seconds(1))
        #expect(try rig.driver.read(bus: rig.bus, address: rig.address).count == 3)
    }

    @Test("data ready is any of the least significant 11 bits")
    func dataReadyBits() {
        #expect(!SCD4x.isDataReady(0x0000))
        #expect(!SCD4x.isDataReady(0x8000))
        #expect(!SCD4x.isDataReady(0xF800))
        #expect(SCD4x.isDataReady(0x0001))
        #expect(SCD4x.isDataReady(0x0400))
        #expect(SCD4x.isDataReady(0x8006))
    }

    @Test("worked example: 0x01F4, 0x6667, 0x5EB9 are 500 ppm, 25.0 °C, 37.0 %")
    func workedExample() throws {
        // The datasheet's read_measurement example (section 3.5.2, as remembered):
        // CO2 = 0x01F4 = 500 ppm; T = -45 + 175 · 26215 / 65535 = 25.0027 °C;
        // RH = 100 · 24249 / 65535 = 37.0016 %. CRCs by hand with 0x31/0xFF: 0x33, 0xA2, 0x3C.
        let reply: [UInt8] = [0x01, 0xF4, 0x33, 0x66, 0x67, 0xA2, 0x5E, 0xB9, 0x3C]
        #expect(SensirionWords.encode(0x01F4) == [0x01, 0xF4, 0x33])
        #expect(SensirionWords.encode(0x6667) == [0x66, 0x67, 0xA2])
        #expect(SensirionWords.encode(0x5EB9) == [0x5E, 0xB9, 0x3C])
        let values = try SCD4x.decode(reply, bus: 1, address: 0x62)
        #expect(values[0] == 500)
        #expect(abs(values[1] - 25.002670) < 1e-6)
        #expect(abs(values[2] - 37.001602) < 1e-6)
    }

    @Test("a CRC mismatch is a crcMismatch error, never a reading")
    func crcMismatch() throws {
        #expect(throws: I2CError(.crcMismatch, bus: 1, address: 0x62,
                                 "SCD4x word 2 has CRC 0x3d, its bytes give 0x3c")) {
            try SCD4x.decode([0x01, 0xF4, 0x33, 0x66, 0x67, 0xA2, 0x5E, 0xB9, 0x3D], bus: 1, address: 0x62)
        }
        let rig = SCD4xRig()
        try rig.startAndWaitForFirstSample()
        rig.device.corruptNextCRCs(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .crcMismatch,
                "a corrupted ready status was read")
        #expect(try rig.driver.read(bus: rig.bus, address: rig.address).count == 3)
    }

    @Test("NACKs are error values: a deaf part, a read too early, a setUp without the stop's 500 ms")
    func nack() throws {
        let rig = SCD4xRig()
        try rig.startAndWaitForFirstSample()
        rig.bus.nackNext(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .nack, "read through a NACK")
        rig.device.nackNextReads(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .nack)
        // The part ignores every command for 500 ms after stop_periodic_measurement.
        let hasty = SCD4x(sleep: { _ in })
        #expect(failureCode { try hasty.setUp(bus: rig.bus, address: rig.address) } == .nack)
        // read_measurement with nothing waiting is not acknowledged either.
        rig.clock.advance(by: .seconds(1))
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        try rig.bus.write(address: rig.address, command: SCD4x.Command.readMeasurement)
        rig.clock.advance(by: .milliseconds(1))
        #expect(failureCode { try rig.bus.read(address: rig.address, count: 9) } == .nack)
        rig.bus.detach(address: rig.address)
        #expect(failureCode { try rig.driver.setUp(bus: rig.bus, address: rig.address) } == .nack)
    }

    @Test("implausible CO2 (0 ppm, above 40 000 ppm) is refused", arguments: [UInt16(0), 40_001, 0xFFFF])
    func implausible(raw: UInt16) {
        let reply = SensirionWords.encode(raw) + SensirionWords.encode(0x6667) + SensirionWords.encode(0x5EB9)
        #expect(failureCode { try SCD4x.decode(reply, bus: 1, address: 0x62) } == .invalidReply, "\(raw) ppm accepted")
        let rig = SCD4xRig(["co2": Double(raw)])
        #expect(throws: Never.self) { try rig.startAndWaitForFirstSample() }
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .invalidReply)
    }

    @Test("the factory takes the validated options; altitude and pressure only when set")
    func factory() throws {
        let made = SCD4x.descriptor.make(DriverOptions(["mode": .choice("low-power"), "ambient_pressure": .integer(980)]))
        let driver = try #require(made as? SCD4x)
        #expect(driver.mode == .lowPower && driver.ambientPressure == 980 && driver.altitude == nil)
        let defaults = try #require(SCD4x.descriptor.make(DriverOptions()) as? SCD4x)
        #expect(defaults.mode == .periodic && defaults.altitude == nil && defaults.ambientPressure == nil)
        let zero = try #require(SCD4x.descriptor.make(DriverOptions(["altitude": .integer(0)])) as? SCD4x)
        #expect(zero.altitude == 0, "an explicit 0 m is sent")
    }
}
