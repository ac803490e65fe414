import Testing
import SensorDrivers
import SensorgateCore
import Simulation

/// A TMP102 driver on a simulated bus with a simulated part at 0x48, on a manual clock
/// that the driver's waits advance.
struct TMP102Rig {
    let clock = ManualClock()
    let bus = SimulatedI2CBus(number: 1)
    let values: PhysicalValues
    let device: SimulatedTMP102
    let recorder: SleepRecorder
    let driver: TMP102
    let address: UInt8 = 0x48

    init(_ values: [String: Double] = [:], extended: Bool = false) {
        self.values = PhysicalValues(values)
        device = SimulatedTMP102(clock: clock, values: self.values.provider)
        recorder = SleepRecorder(clock: clock)
        driver = TMP102(extended: extended, sleep: recorder.sleeper)
        bus.attach(device, at: address)
    }
}

@Suite("TMP102 driver")
struct TMP102Tests {
    @Test("setUp writes the power-up configuration with EM as set, reads it back, waits one conversion",
          arguments: [(false, "writeWordData 0x01 0x60 0xa0"), (true, "writeWordData 0x01 0x60 0xb0")])
    func setUpBytes(extended: Bool, write: String) throws {
        let rig = TMP102Rig(extended: extended)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == [write, "readWordData 0x01 -> 2"])
        #expect(rig.device.configurationValue == (extended ? 0x60B0 : 0x60A0))
        #expect(rig.recorder.sleeps == [.milliseconds(35)])
    }

    @Test("a read is one 2-byte read of the temperature register (0x00), in either format",
          arguments: [false, true])
    func readBytes(extended: Bool) throws {
        let rig = TMP102Rig(["temperature": 135.3], extended: extended)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.clearLog()
        if extended {
            // 135.3 / 0.0625 = 2164.8 -> 2164 steps = 135.25 °C.
            #expect(try rig.driver.read(bus: rig.bus, address: rig.address) == [135.25])
        } else {
            // The normal format saturates at 127.9375 °C: refused, not published.
            #expect(throws: I2CError.self) { try rig.driver.read(bus: rig.bus, address: rig.address) }
        }
        #expect(summary(rig.bus.log) == ["readWordData 0x00 -> 2"])
        #expect(rig.bus.log[0].read.last.map { $0 & 1 == 1 } == extended, "bit D0 flags the format")
    }

    @Test("the datasheet's 12-bit table (table 5), left-justified in the register",
          arguments: [(UInt16(0x640), 100.0), (0x500, 80), (0x4B0, 75), (0x320, 50), (0x190, 25), (0x004, 0.25),
                      (0x000, 0), (0xFFC, -0.25), (0xE70, -25), (0xC90, -55)])
    func normalTable(twelveBits: UInt16, celsius: Double) throws {
        // E.g. 50 °C = 0011 0010 0000 (0x320); D15...D4 hold it, so the register reads 0x3200.
        let register = twelveBits << 4
        #expect(try TMP102.decode(register, bus: 1, address: 0x48) == [celsius])
        #expect(SimulatedTMP102.temperatureRegister(celsius: celsius, extended: false) == register)
    }

    @Test("the datasheet's 13-bit table (table 6): D15...D3 and the flag D0",
          arguments: [(UInt16(0x0960), 150.0), (0x0800, 128), (0x07FF, 127.9375), (0x0190, 25), (0x1FFC, -0.25),
                      (0x1C90, -55)])
    func extendedTable(thirteenBits: UInt16, celsius: Double) throws {
        // E.g. 150 °C = 0 1001 0110 0000 (0x0960); the register reads 0x0960 << 3 | 1 = 0x4B01.
        let register = thirteenBits << 3 | 1
        #expect(try TMP102.decode(register, bus: 1, address: 0x48) == [celsius])
        #expect(SimulatedTMP102.temperatureRegister(celsius: celsius, extended: true) == register)
    }

    @Test("a part whose configuration does not read back as a TMP102's is refused")
    func notATMP102() {
        // An LM75 at the address: 8-bit configuration, reads back 0x00 0x00 in a 2-byte read.
        let bus = SimulatedI2CBus(number: 1)
        bus.attach(SimulatedLM75(values: { _ in 21 }), at: 0x48)
        do {
            try TMP102(sleep: { _ in }).setUp(bus: bus, address: 0x48)
            Issue.record("an LM75 taken for a TMP102")
        } catch {
            #expect(error.code == .invalidReply)
        }
    }

    @Test("a NACK is an error value")
    func nack() throws {
        let rig = TMP102Rig()
        rig.bus.nackNext(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .nack, "read through a NACK")
        #expect(try rig.driver.read(bus: rig.bus, address: rig.address).count == 1)
    }

    @Test("an implausible temperature (+255.9375 °C, beyond the operating range) is refused")
    func implausible() throws {
        let rig = TMP102Rig(extended: true)
        rig.device.implausibleNextReads(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .invalidReply, "+255.9 °C accepted")
    }

    @Test("the factory takes the validated options")
    func factory() throws {
        let made = try #require(TMP102.descriptor.make(DriverOptions(["mode": .choice("extended")])) as? TMP102)
        #expect(made.extended && made.configuration == 0x60B0)
        let defaults = try #require(TMP102.descriptor.make(DriverOptions()) as? TMP102)
        #expect(!defaults.extended && defaults.configuration == 0x60A0)
    }
}
