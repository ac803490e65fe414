import Testing
import SensorDrivers
import SensorgateCore
import Simulation

/// An MCP9808 driver on a simulated bus with a simulated part at 0x18, on a manual clock
/// that the driver's waits advance.
struct MCP9808Rig {
    let clock = ManualClock()
    let bus = SimulatedI2CBus(number: 1)
    let values: PhysicalValues
    let device: SimulatedMCP9808
    let recorder: SleepRecorder
    let driver: MCP9808
    let address: UInt8 = 0x18

    init(_ values: [String: Double] = [:], resolution: MCP9808.Resolution = .sixteenth,
         manufacturerID: UInt16 = MCP9808.manufacturerID, deviceID: UInt16 = 0x0400) {
        self.values = PhysicalValues(values)
        device = SimulatedMCP9808(manufacturerID: manufacturerID, deviceID: deviceID, clock: clock,
                                  values: self.values.provider)
        recorder = SleepRecorder(clock: clock)
        driver = MCP9808(resolution: resolution, sleep: recorder.sleeper)
        bus.attach(device, at: address)
    }
}

@Suite("MCP9808 driver")
struct MCP9808Tests {
    @Test("setUp reads the ids, writes CONFIG and the resolution, reads it back and waits one conversion",
          arguments: [(MCP9808.Resolution.half, UInt8(0x00), Interval.milliseconds(30)),
                      (.quarter, 0x01, .milliseconds(65)), (.eighth, 0x02, .milliseconds(130)),
                      (.sixteenth, 0x03, .milliseconds(250))])
    func setUpBytes(resolution: MCP9808.Resolution, bits: UInt8, wait: Interval) throws {
        let rig = MCP9808Rig(resolution: resolution)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == [
            "readWordData 0x06 -> 2", "readWordData 0x07 -> 2", "writeWordData 0x01 0x00 0x00",
            "writeByteData 0x08 0x0" + String(bits), "readByteData 0x08 -> 1",
        ])
        // Wire order is MSB first: the ids arrive as 0x00 0x54 and 0x04 0x00.
        #expect(rig.bus.log[0].read == [0x00, 0x54] && rig.bus.log[1].read == [0x04, 0x00])
        #expect(rig.device.resolutionBits == bits)
        #expect(rig.recorder.sleeps == [wait])
    }

    @Test("an SMBus word read would swap the bytes; the driver's block read does not")
    func byteOrder() throws {
        let rig = MCP9808Rig()
        #expect(try rig.bus.readWordData(address: rig.address, register: MCP9808.Register.manufacturerID) == 0x5400)
        #expect(try rig.bus.readUInt16BE(address: rig.address, register: MCP9808.Register.manufacturerID) == 0x0054)
    }

    @Test("a read is one 2-byte read of T_A (0x05), truncated to the resolution's step",
          arguments: [(MCP9808.Resolution.sixteenth, 22.5625), (.eighth, 22.5), (.quarter, 22.5), (.half, 22.5)])
    func readBytes(resolution: MCP9808.Resolution, expected: Double) throws {
        let rig = MCP9808Rig(["temperature": 22.6], resolution: resolution)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.clearLog()
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == ["readWordData 0x05 -> 2"])
        #expect(values == [expected])
    }

    @Test("worked examples of T_A: flags masked, 13-bit two's complement in 0.0625 °C")
    func workedExample() throws {
        // 0xC1A4: flags 110 (T_A ≥ T_CRIT, T_A > T_UPPER) masked, 0x01A4 = 420 · 0.0625 = 26.25 °C.
        #expect(try MCP9808.decode(0xC1A4, bus: 1, address: 0x18) == [26.25])
        // 0x1F90: sign set, 0x1F90 − 0x2000 = −112 · 0.0625 = −7 °C.
        #expect(try MCP9808.decode(0x1F90, bus: 1, address: 0x18) == [-7])
        // 0x1FFF is one step below zero.
        #expect(MCP9808.temperature(register: 0x1FFF) == -0.0625)
        #expect(SimulatedMCP9808.ambientRegister(celsius: -7, resolutionBits: 0b11) == 0x1F90)
    }

    @Test("another part at the address (wrong manufacturer or device id) is refused",
          arguments: [(UInt16(0x0054), UInt16(0x0200)), (0x1234, 0x0400)])
    func wrongPart(manufacturer: UInt16, device: UInt16) {
        let rig = MCP9808Rig(manufacturerID: manufacturer, deviceID: device)
        do {
            try rig.driver.setUp(bus: rig.bus, address: rig.address)
            Issue.record("another part taken for an MCP9808")
        } catch {
            #expect(error.code == .invalidReply)
        }
    }

    @Test("a NACK is an error value")
    func nack() throws {
        let rig = MCP9808Rig()
        rig.bus.nackNext(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .nack, "read through a NACK")
        #expect(try rig.driver.read(bus: rig.bus, address: rig.address).count == 1)
    }

    @Test("an implausible temperature (+255 °C, beyond the operating range) is refused")
    func implausible() throws {
        #expect(throws: I2CError.self) { try MCP9808.decode(0x0FF0, bus: 1, address: 0x18) }
        let rig = MCP9808Rig()
        rig.device.implausibleNextReads(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .invalidReply, "+255 °C accepted")
    }

    @Test("the factory takes the validated options")
    func factory() throws {
        let made = try #require(MCP9808.descriptor.make(DriverOptions(["resolution": .choice("0.25")])) as? MCP9808)
        #expect(made.resolution == .quarter)
        let defaults = try #require(MCP9808.descriptor.make(DriverOptions()) as? MCP9808)
        #expect(defaults.resolution == .sixteenth)
    }
}
