import Testing
import SensorDrivers
import SensorgateCore
import Simulation

/// An ADS1115 or ADS1015 driver on a simulated bus with a simulated part at 0x48, on a
/// manual clock that the driver's waits advance.
struct ADS1x15Rig {
    let clock = ManualClock()
    let bus = SimulatedI2CBus(number: 1)
    let values: PhysicalValues
    let device: SimulatedADS1x15
    let recorder: SleepRecorder
    let driver: ADS1x15
    let address: UInt8 = 0x48

    init(_ values: [String: Double] = [:], model: ADS1x15.Model = .ads1115, inputs: ADS1x15.Inputs = .singleEnded,
         gain: ADS1x15.Gain = .fsr2_048, dataRate: Int? = nil) {
        self.values = PhysicalValues(values)
        device = SimulatedADS1x15(model: model, clock: clock, values: self.values.provider)
        recorder = SleepRecorder(clock: clock)
        driver = ADS1x15(model: model, inputs: inputs, gain: gain, dataRate: dataRate, sleep: recorder.sleeper)
        bus.attach(device, at: address)
    }
}

@Suite("ADS1115 and ADS1015 driver")
struct ADS1x15Tests {
    @Test("setUp writes the config of a0 without OS and reads it back")
    func setUpBytes() throws {
        let rig = ADS1x15Rig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        // MUX 100 (AIN0-GND) << 12 | PGA 010 << 9 | MODE 1 << 8 | DR 100 << 5 | COMP_QUE 11 = 0x4583,
        // sent most significant byte first.
        #expect(summary(rig.bus.log) == ["writeWordData 0x01 0x45 0x83", "readWordData 0x01 -> 2"])
        #expect(rig.device.configurationValue == 0x4583)
        #expect(rig.device.conversionCount == 0, "setUp started a conversion")
        #expect(rig.recorder.sleeps.isEmpty)
    }

    @Test("a single-ended read converts a0...a3 in turn: start with OS, wait, poll OS, read the result")
    func readBytes() throws {
        let rig = ADS1x15Rig(["a0": 1.23456, "a1": 0.5, "a2": 2.0, "a3": 0.0001])
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.clearLog()
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        // OS 1 | MUX 1xx | 0x0583: 0xC583, 0xD583, 0xE583, 0xF583.
        let expected = ["c5", "d5", "e5", "f5"].flatMap { high in
            ["writeWordData 0x01 0x\(high) 0x83", "readWordData 0x01 -> 2", "readWordData 0x00 -> 2"]
        }
        #expect(summary(rig.bus.log) == expected)
        // 62.5 µV per code at ±2.048 V: 1.23456 V is 19752.96 → 19753 codes = 1.2345625 V; 0.5 V is 8000;
        // 2.0 V is 32000; 0.0001 V is 1.6 → 2 codes = 125 µV.
        #expect(near(values, [1.2345625, 0.5, 2.0, 0.000125]), "\(values)")
        // 1 / 128 SPS = 7812.5 µs, +10 % = 8593.75 → 8594 µs, + 50 µs of power-up.
        #expect(rig.recorder.sleeps == Array(repeating: .microseconds(8644), count: 4))
        #expect(rig.device.conversionCount == 4)
    }

    @Test("differential inputs convert AIN0-AIN1 (MUX 000) and AIN2-AIN3 (MUX 011)")
    func differential() throws {
        let rig = ADS1x15Rig(["a0": 1.0, "a1": 1.5, "a2": 0.75, "a3": 0.25], inputs: .differential, gain: .fsr1_024)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.clearLog()
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        // PGA 011 (±1.024 V): 0x8000 | 0x0000 | 0x0600 | 0x0100 | 0x0080 | 0x0003 = 0x8783; with MUX 011: 0xB783.
        #expect(rig.bus.registerWrites(to: rig.address) == [[0x01, 0x87, 0x83], [0x01, 0xB7, 0x83]])
        // 31.25 µV per code: -0.5 V is -16000 codes, 0.5 V is 16000.
        #expect(near(values, [-0.5, 0.5]), "\(values)")
        #expect(ADS1x15.ads1115Descriptor.channels(for: DriverOptions(["inputs": .choice("differential")])).map(\.name)
            == ["a0_a1", "a2_a3"])
    }

    @Test("the data rate sets DR and the wait", arguments: [
        (ADS1x15.Model.ads1115, 8, UInt8(0x03), Interval.microseconds(137_550)), // DR 000; 1.1e6 / 8 + 50
        (.ads1115, 860, 0xE3, .microseconds(1_330)),      // DR 111; 1.1e6 / 860 = 1279.07 → 1280, + 50
        (.ads1015, 128, 0x03, .microseconds(8_644)),      // DR 000
        (.ads1015, 1600, 0x83, .microseconds(738)),       // DR 100; 1.1e6 / 1600 = 687.5 → 688, + 50
        (.ads1015, 3300, 0xC3, .microseconds(384)),       // DR 110; 1.1e6 / 3300 = 333.3 → 334, + 50
    ])
    func dataRate(model: ADS1x15.Model, rate: Int, lowByte: UInt8, wait: Interval) throws {
        let rig = ADS1x15Rig(["a0": 0.1], model: model, dataRate: rate)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.clearLog()
        _ = try rig.driver.read(bus: rig.bus, address: rig.address)
        // The config's low byte: DR << 5 | COMP_QUE 11.
        #expect(rig.bus.registerWrites(to: rig.address).first?.last == lowByte)
        #expect(rig.recorder.sleeps.first == wait)
    }

    @Test("data format worked examples: the ADS1115's codes and the ADS1015's left-justified 12 bits")
    func dataFormat() throws {
        // "Data Format" table: +FS/2^15 is 0x0001, -FS/2^15 is 0xFFFF; at ±2.048 V one code is 62.5 µV.
        #expect(try ADS1x15.volts(register: 0x0001, model: .ads1115, gain: .fsr2_048, bus: 1, address: 0x48) == 0.0000625)
        #expect(try ADS1x15.volts(register: 0xFFFF, model: .ads1115, gain: .fsr2_048, bus: 1, address: 0x48) == -0.0000625)
        // 0x8001 is -32767 codes: -32767 × 6.144 / 32768 = -6.1438125 V.
        #expect(near([try ADS1x15.volts(register: 0x8001, model: .ads1115, gain: .fsr6_144, bus: 1, address: 0x48)], [-6.1438125]))
        // ADS1015: 0x0010 is +1 code of 12 bits, 1 mV at ±2.048 V; 0xFFF0 is -1 mV; the low nibble is ignored.
        #expect(try ADS1x15.volts(register: 0x0010, model: .ads1015, gain: .fsr2_048, bus: 1, address: 0x48) == 0.001)
        #expect(try ADS1x15.volts(register: 0xFFF0, model: .ads1015, gain: .fsr2_048, bus: 1, address: 0x48) == -0.001)
        // 0x7FEF is 2046 codes (0x7FE, the low nibble 0xF ignored): 2046 × 4.096 / 2048 = 4.092 V.
        #expect(near([try ADS1x15.volts(register: 0x7FEF, model: .ads1015, gain: .fsr4_096, bus: 1, address: 0x48)], [4.092]))
        #expect(SimulatedADS1x15.conversionRegister(volts: -0.001, fullScale: 2.048, model: .ads1015) == 0xFFF0)
        #expect(SimulatedADS1x15.conversionRegister(volts: 1.2345, fullScale: 2.048, model: .ads1115) == 19752)
        #expect(SimulatedADS1x15.conversionRegister(volts: 9, fullScale: 2.048, model: .ads1115) == 0x7FFF)
        #expect(SimulatedADS1x15.conversionRegister(volts: -9, fullScale: 2.048, model: .ads1015) == 0x8000)
    }

    @Test("a code at full scale is refused as saturated", arguments: [
        (ADS1x15.Model.ads1115, UInt16(0x7FFF)), (.ads1115, 0x8000), (.ads1015, 0x7FF0), (.ads1015, 0x8000),
    ])
    func saturatedCodes(model: ADS1x15.Model, register: UInt16) {
        #expect(failureCode { try ADS1x15.volts(register: register, model: model, gain: .fsr2_048, bus: 1, address: 0x48) }
            == .invalidReply)
    }

    @Test("an input beyond the range saturates the part and fails the reading; a larger gain measures it")
    func saturatedInput() throws {
        let rig = ADS1x15Rig(["a0": 3.0])
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .invalidReply, "3 V at ±2.048 V accepted")
        let wider = ADS1x15Rig(["a0": 3.0], gain: .fsr4_096)
        try wider.driver.setUp(bus: wider.bus, address: wider.address)
        #expect(near(try wider.driver.read(bus: wider.bus, address: wider.address).prefix(1), [3.0]))
    }

    @Test("a slow conversion is polled until OS reads 1")
    func slowConversion() throws {
        let rig = ADS1x15Rig(["a0": 0.25])
        rig.device.setOscillatorSlowdown(1.3)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.clearLog()
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(near(values.prefix(1), [0.25]))
        // 1.3 × 7812.5 µs + 25 µs = 10181 µs: not done at 8644 µs, nor at +782 µs (9426), done at +782 µs (10208).
        let expectedSleeps: [Interval] = [.microseconds(8644), .microseconds(782), .microseconds(782)]
        #expect(Array(rig.recorder.sleeps.prefix(3)) == expectedSleeps)
        #expect(summary(Array(rig.bus.log.prefix(5))) == [
            "writeWordData 0x01 0xc5 0x83", "readWordData 0x01 -> 2", "readWordData 0x01 -> 2", "readWordData 0x01 -> 2",
            "readWordData 0x00 -> 2",
        ])
    }

    @Test("a conversion that never finishes is a timeout after the bounded polls")
    func neverFinishes() throws {
        let rig = ADS1x15Rig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.device.stallConversions()
        rig.bus.clearLog()
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .timeout)
        #expect(rig.bus.log.filter { $0.kind.rawValue == "readWordData" }.count == ADS1x15.pollLimit)
        #expect(rig.bus.log.count == 1 + ADS1x15.pollLimit, "the conversion register was read")
    }

    @Test("a NACK is an error value, and the next read works")
    func nack() throws {
        let rig = ADS1x15Rig(["a0": 0.1])
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.nackNext(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .nack)
        #expect(try rig.driver.read(bus: rig.bus, address: rig.address).count == 4)
    }

    @Test("another part at the address (the config bits do not hold) is refused")
    func wrongPart() {
        let bus = SimulatedI2CBus(number: 1)
        // An INA219 at 0x48 keeps register 0x01 read-only: the config written does not read back.
        bus.attach(SimulatedINA219 { _ in nil }, at: 0x48)
        #expect(failureCode { try ADS1x15(model: .ads1115).setUp(bus: bus, address: 0x48) } == .invalidReply)
    }

    @Test("the factory takes the validated options; the minimum interval covers four conversions at the slowest rate")
    func factory() throws {
        let made = try #require(ADS1x15.ads1015Descriptor.make(DriverOptions(
            ["inputs": .choice("differential"), "gain": .choice("0.512"), "data_rate": .choice("3300")])) as? ADS1x15)
        #expect(made.model == .ads1015 && made.inputs == .differential && made.gain == .fsr0_512 && made.dataRate == 3300)
        let defaults = try #require(ADS1x15.ads1115Descriptor.make(DriverOptions()) as? ADS1x15)
        #expect(defaults.model == .ads1115 && defaults.inputs == .singleEnded && defaults.gain == .fsr2_048)
        #expect(defaults.dataRate == 128)
        #expect(ADS1x15.ads1015Descriptor.make(DriverOptions()) is ADS1x15)
        // ADS1115: 4 × 137550 µs = 550.2 ms → 551 ms; ADS1015: 4 × 8644 µs = 34.576 ms → 35 ms.
        #expect(ADS1x15.ads1115Descriptor.minimumInterval == .milliseconds(551))
        #expect(ADS1x15.ads1015Descriptor.minimumInterval == .milliseconds(35))
        #expect(ADS1x15.ads1015Descriptor.option(named: "data_rate")?.defaultValue == .choice("1600"))
    }
}

/// Whether the values agree to within a nano-unit: exact on paper, up to binary rounding.
private func near(_ values: some Collection<Double>, _ expected: [Double]) -> Bool {
    values.count == expected.count && zip(values, expected).allSatisfy { abs($0 - $1) < 1e-9 }
}
