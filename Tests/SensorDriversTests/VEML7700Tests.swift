import SensorDrivers
import SensorgateCore
import Simulation
import Testing

/// A VEML7700 driver on a simulated bus with a simulated part at 0x10, on a manual clock.
private struct VEML7700Rig {
    let clock = ManualClock()
    let bus = SimulatedI2CBus(number: 1)
    let values: PhysicalValues
    let device: SimulatedVEML7700
    let recorder: SleepRecorder
    let driver: VEML7700
    let address: UInt8 = 0x10

    init(lux: Double? = nil, gain: VEML7700.Gain = .eighth, integrationTime: VEML7700.IntegrationTime = .ms100) {
        values = PhysicalValues(lux.map { ["illuminance": $0] } ?? [:])
        device = SimulatedVEML7700(clock: clock, values: values.provider)
        recorder = SleepRecorder(clock: clock)
        driver = VEML7700(gain: gain, integrationTime: integrationTime, sleep: recorder.sleeper)
        bus.attach(device, at: address)
    }
}

/// A part that acknowledges everything and reads 0: something else at 0x10.
private final class SilentPart: SimulatedI2CDevice, @unchecked Sendable {
    func write(_ bytes: [UInt8], pointer: inout UInt8) -> Bool { true }
    func read(count: Int, pointer: inout UInt8) -> [UInt8]? { [UInt8](repeating: 0, count: count) }
}

@Suite("VEML7700 driver on the simulated bus")
struct VEML7700Tests {
    @Test("setUp: powers on with gain 1/8 and 100 ms, power saving off, reads back, waits one integration")
    func setUpTransactions() throws {
        let rig = VEML7700Rig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == [
            "writeWordData 0x00 0x00 0x10",   // ALS_CONF_0 0x1000, low byte first: gain 1/8, 100 ms, ALS_SD 0
            "writeWordData 0x03 0x00 0x00",   // power saving off
            "readWordData 0x00 -> 2",
        ])
        #expect(rig.recorder.sleeps == [.milliseconds(113)])   // 100 ms + 10 % + 3 ms
        #expect(rig.device.configurationValue == 0x1000)
    }

    @Test("read: one word from the ALS register")
    func readTransactions() throws {
        let rig = VEML7700Rig(lux: 250)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.clearLog()
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == ["readWordData 0x04 -> 2"])
        #expect(rig.bus.log.first?.read == [0x1F, 0x02], "543 counts of 0.4608 lx, low byte first")
        #expect(values == [543 * 0.4608])
    }

    @Test("ALS_CONF_0 by gain and integration time (datasheet bits 12:11 and 9:6)", arguments: [
        (VEML7700.Gain.one, VEML7700.IntegrationTime.ms100, UInt16(0x0000)),
        (.two, .ms800, 0x08C0), (.eighth, .ms25, 0x1300), (.quarter, .ms50, 0x1A00), (.quarter, .ms400, 0x1880),
        (.one, .ms200, 0x0040),
    ])
    func configuration(gain: VEML7700.Gain, integrationTime: VEML7700.IntegrationTime, expected: UInt16) throws {
        #expect(VEML7700.configuration(gain: gain, integrationTime: integrationTime) == expected)
        let options = DriverOptions(["gain": .choice(gain.rawValue), "integration_time": .choice(integrationTime.rawValue)])
        let driver = try #require(VEML7700.descriptor.make(options) as? VEML7700)
        #expect(driver.configuration == expected)
    }

    /// The application note's resolution table: 0.0036 lx/count at gain 2 and 800 ms,
    /// doubling with each halving of gain or integration time.
    @Test("resolution by gain and integration time", arguments: [
        (VEML7700.Gain.two, VEML7700.IntegrationTime.ms800, 0.0036), (.one, .ms800, 0.0072), (.eighth, .ms800, 0.0576),
        (.one, .ms100, 0.0576), (.quarter, .ms100, 0.2304), (.eighth, .ms100, 0.4608), (.two, .ms25, 0.1152),
        (.eighth, .ms25, 1.8432),
    ])
    func resolution(gain: VEML7700.Gain, integrationTime: VEML7700.IntegrationTime, expected: Double) {
        #expect(abs(VEML7700.resolution(gain: gain, integrationTime: integrationTime) - expected) < 1e-12)
    }

    /// 10000 counts at gain 1/8 and 100 ms are 4608 lx before the correction; by hand,
    /// 6.0135e-13 · 4608⁴ − 9.3924e-9 · 4608³ + 8.1488e-5 · 4608² + 1.0023 · 4608
    /// = 271.130 − 918.997 + 1730.289 + 4618.598 = 5701.02 lx.
    @Test("above 1000 lx the application note's polynomial corrects the count; at or below, none")
    func correction() {
        #expect(abs(VEML7700.illuminance(count: 10_000, gain: .eighth, integrationTime: .ms100) - 5701.02) < 0.01)
        // 2170 counts are 999.94 lx: uncorrected. 2171 are 1000.40 lx: corrected to 1075.45.
        #expect(VEML7700.illuminance(count: 2170, gain: .eighth, integrationTime: .ms100) == 2170 * 0.4608)
        #expect(abs(VEML7700.illuminance(count: 2171, gain: .eighth, integrationTime: .ms100) - 1075.45) < 0.01)
        #expect(VEML7700.illuminance(count: 0, gain: .two, integrationTime: .ms800) == 0)
    }

    @Test("values read back equal the simulated light within half a count", arguments: [
        (0.5, VEML7700.Gain.two, VEML7700.IntegrationTime.ms800), (80.0, .one, .ms100), (321.0, .eighth, .ms100),
        (5701.0, .eighth, .ms100), (25_000.0, .quarter, .ms25), (100_000.0, .eighth, .ms25),
    ])
    func sweep(lux: Double, gain: VEML7700.Gain, integrationTime: VEML7700.IntegrationTime) throws {
        let rig = VEML7700Rig(lux: lux, gain: gain, integrationTime: integrationTime)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        let value = try #require(try rig.driver.read(bus: rig.bus, address: rig.address).first)
        let step = VEML7700.resolution(gain: gain, integrationTime: integrationTime)
        // Above 1000 lx a count is worth the polynomial's slope (at most about 2.3) times the step.
        let tolerance = lux > 1000 ? step * 1.2 : step / 2
        #expect(abs(value - lux) <= tolerance, "\(value) for \(lux)")
    }

    @Test("a saturated count (0xFFFF) is a failed reading")
    func saturated() throws {
        let rig = VEML7700Rig(lux: 1_000_000, gain: .two, integrationTime: .ms800)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .invalidReply)
        #expect(throws: I2CError.self) {
            try VEML7700.decode(0xFFFF, gain: .eighth, integrationTime: .ms25, bus: 1, address: 0x10)
        }
        #expect(try VEML7700.decode(0xFFFE, gain: .eighth, integrationTime: .ms25, bus: 1, address: 0x10).count == 1)
    }

    @Test("the first result arrives one integration time after power-on: the driver's wait covers it")
    func firstResult() throws {
        let rig = VEML7700Rig(lux: 400, integrationTime: .ms800)
        try rig.bus.writeWordData(address: rig.address, register: VEML7700.Register.alsConf0,
                                  value: rig.driver.configuration)
        #expect(try rig.bus.readWordData(address: rig.address, register: VEML7700.Register.als) == 0,
                "nothing integrated yet")
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(rig.recorder.sleeps == [.milliseconds(883)])
        #expect(abs(try rig.driver.read(bus: rig.bus, address: rig.address)[0] - 400) <= 0.03)
    }

    @Test("a NACK is a failed reading")
    func nack() throws {
        let rig = VEML7700Rig()
        rig.bus.nackNext(1)
        #expect(failureCode { try rig.driver.setUp(bus: rig.bus, address: rig.address) } == .nack)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.nackNext(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .nack)
    }

    @Test("a part that does not keep the configuration is not a VEML7700")
    func readBackMismatch() throws {
        let rig = VEML7700Rig()
        rig.bus.attach(SilentPart(), at: rig.address)
        #expect(failureCode { try rig.driver.setUp(bus: rig.bus, address: rig.address) } == .invalidReply)
        #expect(rig.recorder.sleeps.isEmpty)
    }
}
