import Testing
import SensorDrivers
import SensorgateCore
import Simulation

/// A BH1750 driver on a simulated bus with a simulated part at 0x23, on a manual clock
/// that the driver's waits advance.
struct BH1750Rig {
    let clock = ManualClock()
    let bus = SimulatedI2CBus(number: 1)
    let values: PhysicalValues
    let device: SimulatedBH1750
    let recorder: SleepRecorder
    let driver: BH1750
    let address: UInt8 = 0x23

    init(_ values: [String: Double] = [:], mode: BH1750.Mode = .oneTimeHigh, mtreg: UInt8 = 69) {
        self.values = PhysicalValues(values)
        device = SimulatedBH1750(clock: clock, values: self.values.provider)
        recorder = SleepRecorder(clock: clock)
        driver = BH1750(mode: mode, mtreg: mtreg, sleep: recorder.sleeper)
        bus.attach(device, at: address)
    }
}

@Suite("BH1750 driver")
struct BH1750Tests {
    @Test("MTreg opcodes: 01000_MT[7,5] then 011_MT[4,0]")
    func measurementTimeOpcodes() {
        // 69 = 0b010_00101: high bits 010, low bits 00101.
        #expect(BH1750.Opcode.changeMeasurementTime(69) == [0b0100_0010, 0b0110_0101])
        #expect(BH1750.Opcode.changeMeasurementTime(254) == [0b0100_0111, 0b0111_1110])
        #expect(BH1750.Opcode.changeMeasurementTime(31) == [0b0100_0000, 0b0111_1111])
    }

    @Test("setUp powers on, resets and sets MTreg, one opcode per write; a one-time mode waits for nothing")
    func setUpOneTime() throws {
        let rig = BH1750Rig(mtreg: 138)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        // 138 = 0b100_01010.
        #expect(summary(rig.bus.log) == ["transfer 0x01", "transfer 0x07", "transfer 0x44", "transfer 0x6a"])
        #expect(rig.device.mtreg == 138 && rig.device.isPoweredOn)
        #expect(rig.recorder.sleeps.isEmpty)
    }

    @Test("a one-time read powers on, sends the mode's opcode, waits its maximum time scaled by MTreg, reads 2 bytes",
          arguments: [(BH1750.Mode.oneTimeHigh, UInt8(69), UInt8(0x20), Interval.milliseconds(180)),
                      (.oneTimeHigh2, 69, 0x21, .milliseconds(180)), (.oneTimeLow, 69, 0x23, .milliseconds(24)),
                      (.oneTimeHigh, 138, 0x20, .milliseconds(360)), (.oneTimeLow, 31, 0x23, .microseconds(10_783))])
    func oneTimeRead(mode: BH1750.Mode, mtreg: UInt8, opcode: UInt8, wait: Interval) throws {
        let rig = BH1750Rig(["illuminance": 250], mode: mode, mtreg: mtreg)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.clearLog()
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == ["transfer 0x01", "transfer 0x" + String(opcode, radix: 16), "transfer  -> 2"])
        #expect(rig.recorder.sleeps == [wait])
        // One count is 1 / 1.2 · 69 / MTreg lx (half that in mode2): at most half a count off.
        let step = BH1750.illuminance(count: 1, mode: mode, mtreg: mtreg)
        #expect(abs(values[0] - 250) <= step / 2)
        #expect(!rig.device.isPoweredOn, "a one-time measurement powers the part down")
    }

    @Test("a continuous mode is started by setUp, which waits once; reads only read")
    func continuous() throws {
        let rig = BH1750Rig(["illuminance": 1000], mode: .continuousHigh2)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log).suffix(1) == ["transfer 0x11"])
        #expect(rig.recorder.sleeps == [.milliseconds(180)])
        rig.bus.clearLog()
        let first = try rig.driver.read(bus: rig.bus, address: rig.address)
        rig.values.set("illuminance", 40)
        rig.clock.advance(by: .milliseconds(200))
        let second = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == ["transfer  -> 2", "transfer  -> 2"])
        #expect(abs(first[0] - 1000) < 1e-9 && abs(second[0] - 40) < 1e-9)
    }

    @Test("worked example of the datasheet: 1000_0011 1001_0000 is 28067 lx")
    func workedExample() throws {
        // (2^15 + 2^9 + 2^8 + 2^7 + 2^4) / 1.2 = 33680 / 1.2 = 28066.7 lx (datasheet p. 10).
        let values = try BH1750.decode([0b1000_0011, 0b1001_0000], mode: .oneTimeHigh, mtreg: 69, bus: 1, address: 0x23)
        #expect(abs(values[0] - 28_066.666_666_7) < 1e-6)
        // The same count in H-resolution mode2 at MTreg 254: 33680 / 1.2 · 69 / 254 / 2 = 3812.2 lx.
        let fine = try BH1750.decode([0x83, 0x90], mode: .continuousHigh2, mtreg: 254, bus: 1, address: 0x23)
        #expect(abs(fine[0] - 3_812.204_724_4) < 1e-6)
    }

    @Test("a result at full scale (saturated or idle bus) is refused as implausible")
    func saturated() throws {
        #expect(throws: I2CError(.invalidReply, bus: 1, address: 0x23,
                                 "BH1750 result 0xffff is full scale: saturated (lower mtreg) or nothing driving the bus")) {
            try BH1750.decode([0xFF, 0xFF], mode: .oneTimeHigh, mtreg: 69, bus: 1, address: 0x23)
        }
        let rig = BH1750Rig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.device.saturateNextResults(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .invalidReply, "a saturated result was read")
        #expect(try rig.driver.read(bus: rig.bus, address: rig.address).count == 1)
    }

    @Test("a NACK of the read or of an opcode is an error value")
    func nack() throws {
        let rig = BH1750Rig()
        rig.device.nackNextReads(1)
        #expect(throws: I2CError.self) { try rig.driver.read(bus: rig.bus, address: rig.address) }
        #expect(rig.bus.log.last?.failure == .nack)
        rig.bus.nackNext(1)
        do {
            try rig.driver.setUp(bus: rig.bus, address: rig.address)
            Issue.record("set up through a NACK")
        } catch {
            #expect(error.code == .nack)
        }
    }

    @Test("the part refuses a measurement opcode while powered down")
    func poweredDown() {
        let rig = BH1750Rig()
        #expect(throws: I2CError.self) { try rig.bus.write(address: rig.address, [BH1750.Opcode.continuouslyHResolutionMode]) }
        #expect(throws: I2CError.self) { try rig.bus.write(address: rig.address, [BH1750.Opcode.reset]) }
    }

    @Test("the factory takes the validated options")
    func factory() throws {
        let made = try #require(BH1750.descriptor.make(DriverOptions(["mode": .choice("continuous-low"), "mtreg": .integer(200)]))
                                as? BH1750)
        #expect(made.mode == .continuousLow && made.mtreg == 200)
        let defaults = try #require(BH1750.descriptor.make(DriverOptions()) as? BH1750)
        #expect(defaults.mode == .oneTimeHigh && defaults.mtreg == 69)
    }
}
