import Testing
import SensorDrivers
import SensorgateCore
import Simulation

/// An LM75 driver on a simulated bus with a simulated part at 0x48, on a manual clock
/// that the driver's waits advance.
struct LM75Rig {
    let clock = ManualClock()
    let bus = SimulatedI2CBus(number: 1)
    let values: PhysicalValues
    let device: SimulatedLM75
    let recorder: SleepRecorder
    let driver: LM75
    let address: UInt8 = 0x48

    init(_ values: [String: Double] = [:], part: LM75.Resolution = .half, resolution: LM75.Resolution = .half,
         shutDown: Bool = false) {
        self.values = PhysicalValues(values)
        device = SimulatedLM75(resolution: part, shutDown: shutDown, clock: clock, values: self.values.provider)
        recorder = SleepRecorder(clock: clock)
        driver = LM75(resolution: resolution, sleep: recorder.sleeper)
        bus.attach(device, at: address)
    }
}

@Suite("LM75 driver")
struct LM75Tests {
    @Test("setUp writes the power-up configuration, reads it back and waits for a conversion")
    func setUpBytes() throws {
        let rig = LM75Rig(shutDown: true)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == ["writeByteData 0x01 0x00", "readByteData 0x01 -> 1"])
        #expect(rig.device.configurationValue == 0x00, "out of shutdown")
        #expect(rig.recorder.sleeps == [.milliseconds(200)])
    }

    @Test("a read is one 2-byte read of the temperature register (0x00)",
          arguments: [(LM75.Resolution.half, LM75.Resolution.half, 22.5), (.eighth, .eighth, 22.625),
                      (.eighth, .half, 22.5)])
    func readBytes(part: LM75.Resolution, resolution: LM75.Resolution, expected: Double) throws {
        let rig = LM75Rig(["temperature": 22.7], part: part, resolution: resolution)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.clearLog()
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == ["readWordData 0x00 -> 2"])
        #expect(values == [expected])
    }

    @Test("the datasheet's table of 9-bit values, left-justified in the register",
          arguments: [(UInt16(0x0FA), 125.0), (0x032, 25), (0x001, 0.5), (0x000, 0), (0x1FF, -0.5),
                      (0x1CE, -25), (0x192, -55)])
    func datasheetTable(nineBits: UInt16, celsius: Double) throws {
        // Section 1.12 (TI SNIS153B "Temperature data format"): e.g. +25 °C is 0 0011 0010 (0x032);
        // in the register D15...D7 hold it, so the register reads 0x032 << 7 = 0x1900.
        let register = nineBits << 7
        #expect(try LM75.decode(register, resolution: .half, bus: 1, address: 0x48) == [celsius])
        // The undefined bits D6...D0 do not change the 9-bit reading.
        #expect(try LM75.decode(register | 0x7F, resolution: .half, bus: 1, address: 0x48) == [celsius])
        #expect(SimulatedLM75.temperatureRegister(celsius: celsius, bits: 9, step: 0.5) == register)
    }

    @Test("11-bit worked example: 0xE6A0 is -25.375 °C")
    func elevenBits() throws {
        // 0xE6A0 >> 5 = 0x735 (11 bits), two's complement 0x735 − 0x800 = −203; −203 · 0.125 = −25.375 °C.
        #expect(try LM75.decode(0xE6A0, resolution: .eighth, bus: 1, address: 0x48) == [-25.375])
    }

    @Test("a NACK is an error value")
    func nack() throws {
        let rig = LM75Rig()
        rig.bus.nackNext(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .nack, "read through a NACK")
        #expect(try rig.driver.read(bus: rig.bus, address: rig.address).count == 1)
    }

    @Test("an implausible temperature (+127.5 °C, beyond the operating range) is refused")
    func implausible() throws {
        let rig = LM75Rig()
        rig.device.implausibleNextReads(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .invalidReply, "+127.5 °C accepted")
    }

    @Test("a configuration that does not read back is refused")
    func configurationReadBack() {
        // The simulated part keeps production-test bits D7...D5 at 0; a part that reads 0xe0 is not one.
        let bus = SimulatedI2CBus(number: 1)
        bus.attach(OverridingDevice(RegisterImage(), overrides: [0x01: 0xE0]), at: 0x48)
        #expect(throws: I2CError.self) { try LM75(sleep: { _ in }).setUp(bus: bus, address: 0x48) }
    }

    @Test("the factory takes the validated options")
    func factory() throws {
        let made = try #require(LM75.descriptor.make(DriverOptions(["resolution": .choice("0.125")])) as? LM75)
        #expect(made.resolution == .eighth)
        let defaults = try #require(LM75.descriptor.make(DriverOptions()) as? LM75)
        #expect(defaults.resolution == .half)
    }
}

/// 256 plain registers, all 0: a part of some other kind.
private final class RegisterImage: SimulatedI2CDevice, @unchecked Sendable {
    func readRegister(_ register: UInt8) -> UInt8 { 0 }
}
