import Testing
import SensorDrivers
import SensorgateCore
import Simulation

/// An INA226 driver on a simulated bus with a simulated part at 0x40, on a manual clock
/// that the driver's waits advance.
struct INA226Rig {
    let clock = ManualClock()
    let bus = SimulatedI2CBus(number: 1)
    let values: PhysicalValues
    let device: SimulatedINA226
    let recorder: SleepRecorder
    let driver: INA226
    let address: UInt8 = 0x40

    init(_ values: [String: Double] = [:], shuntOhms: Double = 0.1, maxCurrent: Double = 0.8, averaging: Int = 16,
         manufacturerID: UInt16 = INA226.manufacturerID, dieID: UInt16 = 0x2260) {
        self.values = PhysicalValues(values)
        device = SimulatedINA226(manufacturerID: manufacturerID, dieID: dieID, clock: clock, values: self.values.provider)
        recorder = SleepRecorder(clock: clock)
        driver = INA226(shuntOhms: shuntOhms, maxCurrent: maxCurrent, averaging: averaging, sleep: recorder.sleeper)
        bus.attach(device, at: address)
    }
}

@Suite("INA226 driver")
struct INA226Tests {
    /// The datasheet's "Configure/Measure/Calculate Example" table (load 10 A, V_CM 12 V,
    /// R = 2 mΩ, Current_LSB 1 mA), with mask/enable showing a finished conversion.
    static let datasheetExample = INA226.Registers(shuntVoltage: 0x1F40, busVoltage: 0x2570, power: 0x12B8,
                                                   current: 0x2710, maskEnable: INA226.conversionReadyFlag)

    @Test("the datasheet's worked example: 11.98 V, 20 mV, 10 A, 119.8 W")
    func workedExample() throws {
        // CAL 0x0A00 = 2560 = 0.00512 / (0.001 A × 0.002 Ω).
        #expect(INA226.calibration(shuntOhms: 0.002, maxCurrent: 32.768).register == 0x0A00)
        let calibration = ShuntCalibration(register: 0x0A00, shuntOhms: 0.002, constant: INA226.calibrationConstant,
                                           powerRatio: INA226.powerRatio)
        #expect(near([calibration.currentLSB, calibration.powerLSB], [0.001, 0.025]))
        let values = try INA226.decode(Self.datasheetExample, calibration: calibration, bus: 1, address: 0x40)
        // Bus 9584 × 1.25 mV; shunt 8000 × 2.5 µV; current 10000 × 1 mA; power 4792 × 25 mW.
        #expect(near(values, [11.98, 20, 10, 119.8]), "\(values)")
        // Step 1's configuration, the power-up value: 1 average, 1.1 ms conversions, continuous.
        #expect(INA226.configuration(averaging: 1) == 0x4127)
    }

    @Test("the simulated part computes the example's current and power from CAL")
    func simulatedExample() {
        #expect(SimulatedINA226.registers(shuntMillivolts: 20, busVolts: 11.98, calibration: 2560) == Self.datasheetExample)
    }

    @Test("averaging sets AVG[2:0] (bits 11...9) and the wait", arguments: [
        (1, UInt16(0x4127), Interval.microseconds(2_420)), (4, 0x4327, .microseconds(9_680)),
        (16, 0x4527, .microseconds(38_720)), (1024, 0x4F27, .microseconds(2_478_080)),
    ])
    func averaging(count: Int, configuration: UInt16, wait: Interval) throws {
        let rig = INA226Rig(averaging: count)
        #expect(rig.driver.configurationValue == configuration)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(rig.device.configurationValue == configuration)
        // count × (1.1 ms shunt + 1.1 ms bus) + 10 %.
        #expect(rig.recorder.sleeps == [wait])
    }

    @Test("setUp checks the ids, writes configuration and calibration and reads both back")
    func setUpBytes() throws {
        let rig = INA226Rig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        // 0.8 A / 32768 = 24.4140625 µA; 0.00512 / (24.4140625 µA × 0.1 Ω) = 2097.152 → 2097 = 0x0831.
        #expect(summary(rig.bus.log) == [
            "readWordData 0xfe -> 2", "readWordData 0xff -> 2",
            "writeWordData 0x00 0x45 0x27", "writeWordData 0x05 0x08 0x31",
            "readWordData 0x00 -> 2", "readWordData 0x05 -> 2",
        ])
        // "TI" and 0x2260 arrive most significant byte first.
        #expect(rig.bus.log[0].read == [0x54, 0x49] && rig.bus.log[1].read == [0x22, 0x60])
        #expect(rig.device.calibrationValue == 2097)
    }

    @Test("a read is mask/enable, bus voltage, shunt voltage, current and power, decoded with the calibration")
    func readBytes() throws {
        let rig = INA226Rig(["shunt_voltage": 50, "bus_voltage": 12])
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.clearLog()
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == ["readWordData 0x06 -> 2", "readWordData 0x02 -> 2", "readWordData 0x01 -> 2",
                                         "readWordData 0x04 -> 2", "readWordData 0x03 -> 2"])
        // Shunt 20000 × 2.5 µV, bus 9600 × 1.25 mV; current trunc(20000 × 2097 / 2048) = 20478, power
        // trunc(20478 × 9600 / 20000) = 9829, in LSBs of 0.00512 / (2097 × 0.1 Ω) A and 25 times that in W.
        let lsb = 0.00512 / (2097 * 0.1)
        #expect(near(values, [12, 50, 20478 * lsb, 9829 * 25 * lsb]), "\(values)")
    }

    @Test("max_current beyond 81.92 mV / shunt_ohms is cut to it; a tiny one caps CAL at 0x7FFF")
    func calibrationLimits() {
        // 3.2 A on 0.1 Ω would be 320 mV: cut to 0.8192 A, LSB 25 µA, CAL 0.00512 / 2.5e-6 = 2048.
        #expect(INA226.calibration(shuntOhms: 0.1, maxCurrent: 3.2).register == 2048)
        let tiny = INA226.calibration(shuntOhms: 0.0001, maxCurrent: 0.001)
        #expect(tiny.register == 0x7FFF)
        #expect(near([tiny.currentLSB], [0.00512 / (32767 * 0.0001)]))
    }

    @Test("OVF in mask/enable fails the reading: from the part's own overflow and from a flagged register")
    func overflow() throws {
        // 0.1 A on 0.1 Ω: LSB 3.0517578125 µA, CAL trunc(16777.216) = 16777; 50 mV is
        // trunc(20000 × 16777 / 2048) = 163837 > 32767: the part sets OVF.
        let rig = INA226Rig(["shunt_voltage": 50, "bus_voltage": 12], maxCurrent: 0.1)
        #expect(rig.driver.calibration.register == 16777)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .invalidReply, "overflow accepted")
        rig.values.set("shunt_voltage", 5)
        rig.clock.advance(by: .milliseconds(100)) // the next result
        #expect(try rig.driver.read(bus: rig.bus, address: rig.address).count == 4)
        rig.device.overflowNextReads(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .invalidReply)
    }

    @Test("a bus voltage with bit 15 set is refused")
    func implausibleBus() {
        var registers = Self.datasheetExample
        registers.busVoltage = 0x8000
        #expect(failureCode {
            try INA226.decode(registers, calibration: INA226.calibration(shuntOhms: 0.002, maxCurrent: 32.768), bus: 1, address: 0x40)
        } == .invalidReply)
    }

    @Test("another part (wrong manufacturer or die id) is refused", arguments: [
        (UInt16(0x5449), UInt16(0x2270)), (0x0000, 0x2260),
    ])
    func wrongPart(manufacturer: UInt16, die: UInt16) {
        let rig = INA226Rig(manufacturerID: manufacturer, dieID: die)
        #expect(failureCode { try rig.driver.setUp(bus: rig.bus, address: rig.address) } == .invalidReply)
        // An INA219 has no id registers: they read 0.
        let bus = SimulatedI2CBus(number: 1)
        bus.attach(SimulatedINA219 { _ in nil }, at: 0x40)
        #expect(failureCode { try INA226().setUp(bus: bus, address: 0x40) } == .invalidReply)
    }

    @Test("no identity for i2c scan: its id register's address 0xFE is the HTU21D's soft reset at 0x40")
    func noScanIdentity() {
        #expect(INA226.descriptor.identity == nil)
    }

    @Test("a die revision other than 0 is the same part")
    func dieRevision() throws {
        let rig = INA226Rig(dieID: 0x2261)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
    }

    @Test("a NACK is an error value, and the next read works")
    func nack() throws {
        let rig = INA226Rig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.nackNext(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .nack)
        #expect(try rig.driver.read(bus: rig.bus, address: rig.address).count == 4)
    }

    @Test("the factory takes the validated options")
    func factory() throws {
        let made = try #require(INA226.descriptor.make(DriverOptions(
            ["shunt_ohms": .number(0.002), "max_current": .number(32.768), "averaging": .choice("1024")])) as? INA226)
        #expect(made.shuntOhms == 0.002 && made.maxCurrent == 32.768 && made.averaging == 1024)
        #expect(made.calibration.register == 2560)
        let defaults = try #require(INA226.descriptor.make(DriverOptions()) as? INA226)
        #expect(defaults.shuntOhms == 0.1 && defaults.maxCurrent == 0.8 && defaults.averaging == 16)
    }
}

/// Whether the values agree to within a nano-unit: exact on paper, up to binary rounding.
private func near(_ values: some Collection<Double>, _ expected: [Double]) -> Bool {
    values.count == expected.count && zip(values, expected).allSatisfy { abs($0 - $1) < 1e-9 }
}
