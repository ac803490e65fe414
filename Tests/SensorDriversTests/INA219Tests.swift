import Testing
import SensorDrivers
import SensorgateCore
import Simulation

/// An INA219 driver on a simulated bus with a simulated part at 0x40, on a manual clock
/// that the driver's waits advance.
struct INA219Rig {
    let clock = ManualClock()
    let bus = SimulatedI2CBus(number: 1)
    let values: PhysicalValues
    let device: SimulatedINA219
    let recorder: SleepRecorder
    let driver: INA219
    let address: UInt8 = 0x40

    init(_ values: [String: Double] = [:], shuntOhms: Double = 0.1, maxCurrent: Double = 3.2,
         busRange: INA219.BusRange = .volts32) {
        self.values = PhysicalValues(values)
        device = SimulatedINA219(clock: clock, values: self.values.provider)
        recorder = SleepRecorder(clock: clock)
        driver = INA219(shuntOhms: shuntOhms, maxCurrent: maxCurrent, busRange: busRange, sleep: recorder.sleeper)
        bus.attach(device, at: address)
    }
}

@Suite("INA219 driver")
struct INA219Tests {
    /// The datasheet's "Configure/Measure/Calculate Example" (section 8.5.2; load 10 A, R = 2 mΩ,
    /// 40 mV shunt range, 16 V bus range, Current_LSB 1 mA).
    static let datasheetExample = INA219.Registers(shuntVoltage: 0x07D0, busVoltage: 0x5D98, power: 0x1766, current: 0x2710)

    @Test("the datasheet's worked example: 11.98 V, 20 mV, 10 A, 119.8 W")
    func workedExample() throws {
        // CAL 0x5000 = 20480 = trunc(0.04096 / (0.001 A × 0.002 Ω)).
        let calibration = ShuntCalibration(register: 0x5000, shuntOhms: 0.002, constant: INA219.calibrationConstant,
                                           powerRatio: INA219.powerRatio)
        #expect(near([calibration.currentLSB, calibration.powerLSB], [0.001, 0.02]))
        let values = try INA219.decode(Self.datasheetExample, calibration: calibration, bus: 1, address: 0x40)
        // Bus 0x5D98 >> 3 = 2995 × 4 mV; shunt 2000 × 10 µV; current 10000 × 1 mA; power 5990 × 20 mW.
        #expect(near(values, [11.98, 20, 10, 119.8]), "\(values)")
        // Step 1's configuration: 16 V, PGA /1 (40 mV), 12-bit ADCs, continuous.
        #expect(INA219.configuration(busRange: .volts16, shuntRange: .millivolts40) == 0x019F)
    }

    @Test("the simulated part computes the datasheet example's current and power registers from CAL")
    func simulatedExample() {
        let registers = SimulatedINA219.registers(shuntMillivolts: 20, busVolts: 11.98, configuration: 0x019F,
                                                  calibration: 20480)
        var expected = Self.datasheetExample
        expected.busVoltage |= INA219.conversionReadyFlag
        #expect(registers == expected)
    }

    @Test("the calibration follows section 8.5.1 with Current_LSB = max_current / 32768", arguments: [
        // 3.2 / 32768 = 97.65625 µA; 0.04096 / (97.65625 µA × 0.1 Ω) = 4194.304 → 4194.
        (0.1, 3.2, UInt16(4194), INA219.ShuntRange.millivolts320),
        // 32.768 A is a 1 mA LSB: the datasheet's 20480 (0x5000), at 65.5 mV in the 80 mV range.
        (0.002, 32.768, 20480, .millivolts80),
        // 2 A × 0.1 Ω = 200 mV: range 320 mV; 61.03515625 µA → 6710.88 → 6710.
        (0.1, 2, 6710, .millivolts320),
        // 1 Ω × 10 A is beyond 320 mV: cut to 0.32 A, as for 3.2 A on 0.1 Ω → 4194.
        (1, 10, 4194, .millivolts320),
        // 0.1 mΩ × 1 mA asks for CAL 1.3e10: capped at 0xFFFE (bit 0 is void).
        (0.0001, 0.001, 0xFFFE, .millivolts40),
    ])
    func calibration(shunt: Double, maxCurrent: Double, register: UInt16, range: INA219.ShuntRange) {
        let driver = INA219(shuntOhms: shunt, maxCurrent: maxCurrent)
        #expect(driver.shuntRange == range)
        #expect(driver.calibration.register == register)
        // The LSB published is the one CAL implies: 0.04096 / (CAL × R).
        #expect(near([driver.calibration.currentLSB], [0.04096 / (Double(register) * shunt)]))
        #expect(near([driver.calibration.powerLSB], [20 * driver.calibration.currentLSB]))
    }

    @Test("the PGA is the smallest shunt range holding max_current × shunt_ohms", arguments: [
        (0.04, INA219.ShuntRange.millivolts40), (0.0401, .millivolts80), (0.16, .millivolts160), (0.2, .millivolts320),
        (5, .millivolts320),
    ])
    func pga(volts: Double, range: INA219.ShuntRange) {
        #expect(INA219.ShuntRange.holding(volts) == range)
    }

    @Test("setUp writes configuration and calibration, reads both back and waits one conversion")
    func setUpBytes() throws {
        let rig = INA219Rig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        // 32 V (BRNG 1), PGA /8 (11), 12-bit, continuous: 0x399F, the power-up value; CAL 4194 = 0x1062.
        #expect(summary(rig.bus.log) == [
            "writeWordData 0x00 0x39 0x9f", "writeWordData 0x05 0x10 0x62",
            "readWordData 0x00 -> 2", "readWordData 0x05 -> 2",
        ])
        #expect(rig.device.configurationValue == 0x399F && rig.device.calibrationValue == 4194)
        #expect(rig.recorder.sleeps == [.microseconds(1_200)])
        let sixteen = INA219Rig(shuntOhms: 0.002, maxCurrent: 32.768, busRange: .volts16)
        try sixteen.driver.setUp(bus: sixteen.bus, address: sixteen.address)
        // 16 V, PGA /2 (01): 0x099F; CAL 0x5000.
        #expect(sixteen.bus.registerWrites(to: sixteen.address) == [[0x00, 0x09, 0x9F], [0x05, 0x50, 0x00]])
    }

    @Test("a read is bus voltage, shunt voltage, current and power, decoded with the calibration")
    func readBytes() throws {
        let rig = INA219Rig(["shunt_voltage": 50, "bus_voltage": 12])
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.clearLog()
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == ["readWordData 0x02 -> 2", "readWordData 0x01 -> 2", "readWordData 0x04 -> 2",
                                         "readWordData 0x03 -> 2"])
        // Shunt 5000 × 10 µV, bus 3000 × 4 mV; current trunc(5000 × 4194 / 4096) = 5119, power
        // trunc(5119 × 3000 / 5000) = 3071, in LSBs of 0.04096 / (4194 × 0.1 Ω) A and 20 times that in W.
        let lsb = 0.04096 / (4194 * 0.1)
        #expect(near(values, [12, 50, 5119 * lsb, 3071 * 20 * lsb]), "\(values)")
        #expect(abs(values[2] - 0.5) < 0.001 && abs(values[3] - 6) < 0.01)
    }

    @Test("a negative shunt voltage is a negative current; power stays positive")
    func reverseCurrent() throws {
        let rig = INA219Rig(["shunt_voltage": -20, "bus_voltage": 5])
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        // -2000 × 4194 / 4096 = -2047.85 → -2047; power 2047 × 1250 / 5000 = 511.75 → 511.
        let lsb = 0.04096 / (4194 * 0.1)
        #expect(near(values, [5, -20, -2047 * lsb, 511 * 20 * lsb]), "\(values)")
    }

    @Test("OVF (math overflow) fails the reading: from the part's own overflow and from a flagged register")
    func overflow() throws {
        // 0.5 A on 0.1 Ω: 80 mV range, CAL trunc(0.04096 / (15.2587890625 µA × 0.1)) = 26843 → 26842 (bit 0 void);
        // 80 mV is trunc(8000 × 26842 / 4096) = 52425 > 32767: the part sets OVF.
        let rig = INA219Rig(["shunt_voltage": 80, "bus_voltage": 12], maxCurrent: 0.5)
        #expect(rig.driver.calibration.register == 26842)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .invalidReply, "overflow accepted")
        rig.values.set("shunt_voltage", 40)
        rig.clock.advance(by: .milliseconds(100)) // the next conversion
        #expect(try rig.driver.read(bus: rig.bus, address: rig.address).count == 4)
        rig.device.overflowNextReads(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .invalidReply)
        #expect(failureCode {
            try INA219.decode(INA219.Registers(shuntVoltage: 0, busVoltage: 0x5D99, power: 0, current: 0),
                              calibration: rig.driver.calibration, bus: 1, address: 0x40)
        } == .invalidReply)
    }

    @Test("the registers of one read come from one conversion, even from signals that change at every sample")
    func oneConversion() throws {
        let clock = ManualClock()
        let counter = Counter()
        // Each sample of the bus voltage is 1 V more than the one before (a walk steps per sample).
        let device = SimulatedINA219(clock: clock) { channel in
            channel == "bus_voltage" ? Double(counter.next()) : 50
        }
        let bus = SimulatedI2CBus(number: 1)
        bus.attach(device, at: 0x40)
        let driver = INA219(sleep: { clock.advance(by: $0) })
        try driver.setUp(bus: bus, address: 0x40)
        let first = try driver.read(bus: bus, address: 0x40)
        // power = trunc(5119 × bus / 5000) LSBs: consistent with the bus voltage read.
        let lsb = 0.04096 / (4194 * 0.1)
        #expect(near([first[3]], [Double(5119 * Int(first[0] / 0.004) / 5000) * 20 * lsb]), "\(first)")
        #expect(try driver.read(bus: bus, address: 0x40)[0] == first[0], "a new sample within one conversion period")
        clock.advance(by: .milliseconds(2))
        #expect(try driver.read(bus: bus, address: 0x40)[0] == first[0] + 1)
    }

    @Test("a NACK is an error value, and the next read works")
    func nack() throws {
        let rig = INA219Rig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.nackNext(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .nack)
        #expect(try rig.driver.read(bus: rig.bus, address: rig.address).count == 4)
    }

    @Test("another part at the address (configuration and calibration do not read back) is refused")
    func wrongPart() {
        let bus = SimulatedI2CBus(number: 1)
        // An ADS1115 at 0x40: register 0x00 is its read-only conversion result.
        bus.attach(SimulatedADS1x15(model: .ads1115) { _ in nil }, at: 0x40)
        #expect(failureCode { try INA219().setUp(bus: bus, address: 0x40) } == .invalidReply)
    }

    @Test("the factory takes the validated options")
    func factory() throws {
        let made = try #require(INA219.descriptor.make(DriverOptions(
            ["shunt_ohms": .number(0.002), "max_current": .number(32.768), "bus_range": .choice("16V")])) as? INA219)
        #expect(made.shuntOhms == 0.002 && made.maxCurrent == 32.768 && made.busRange == .volts16)
        #expect(made.configurationValue == 0x099F)
        let defaults = try #require(INA219.descriptor.make(DriverOptions()) as? INA219)
        #expect(defaults.shuntOhms == 0.1 && defaults.maxCurrent == 3.2 && defaults.busRange == .volts32)
    }
}

/// Whether the values agree to within a nano-unit: exact on paper, up to binary rounding.
private func near(_ values: some Collection<Double>, _ expected: [Double]) -> Bool {
    values.count == expected.count && zip(values, expected).allSatisfy { abs($0 - $1) < 1e-9 }
}

/// Counts up from 1 at each call.
private final class Counter: @unchecked Sendable {
    private let lock = Mutex()
    private var count = 0

    func next() -> Int { lock.withLock { count += 1; return count } }
}
