import Testing
import SensorDrivers
import SensorgateCore
import Simulation

/// An SHT4x driver on a simulated bus with a simulated part at 0x44, on a manual clock.
struct SHT4xRig {
    let clock = ManualClock()
    let bus = SimulatedI2CBus(number: 1)
    let values: PhysicalValues
    let device: SimulatedSHT4x
    let recorder: SleepRecorder
    let driver: SHT4x
    let address: UInt8 = 0x44

    init(_ values: [String: Double] = [:], precision: SHT4x.Precision = .high) {
        self.values = PhysicalValues(values)
        device = SimulatedSHT4x(serialNumber: 0x0A1B_2C3D, clock: clock, values: self.values.provider)
        recorder = SleepRecorder(clock: clock)
        driver = SHT4x(precision: precision, sleep: recorder.sleeper)
        bus.attach(device, at: address)
    }
}

@Suite("SHT4x driver")
struct SHT4xTests {
    @Test("setUp soft-resets (0x94) and reads the serial number (0x89), CRCs checked")
    func setUp() throws {
        let rig = SHT4xRig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == ["transfer 0x94", "transfer 0x89", "transfer  -> 6"])
        // 0x0A1B with CRC 0xC6, 0x2C3D with CRC 0x60 (by hand, polynomial 0x31, init 0xFF).
        #expect(rig.bus.log[2].read == [0x0A, 0x1B, 0xC6, 0x2C, 0x3D, 0x60])
        #expect(rig.driver.serialNumber == 0x0A1B_2C3D)
        #expect(rig.recorder.sleeps == [.milliseconds(1), .milliseconds(1)])
    }

    @Test("a read sends the command of its precision and waits its maximum duration",
          arguments: [(SHT4x.Precision.high, UInt8(0xFD), Interval.microseconds(8_300)),
                      (.medium, 0xF6, .microseconds(4_500)), (.low, 0xE0, .microseconds(1_600))])
    func readBytes(precision: SHT4x.Precision, command: UInt8, wait: Interval) throws {
        let rig = SHT4xRig(["temperature": -10.25, "humidity": 88.5], precision: precision)
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(rig.bus.log.map(\.written) == [[command], []])
        #expect(rig.bus.log[1].read.count == 6)
        #expect(rig.recorder.sleeps == [wait])
        #expect(abs(values[0] - -10.25) < 0.003 && abs(values[1] - 88.5) < 0.002)
    }

    @Test("worked example: 0x6666 is 25 °C, 0x8000 is 56.501 % (RH = -6 + 125 · S / 65535)")
    func workedExample() throws {
        // T = -45 + 175 · 0.4 = 25 °C; RH = -6 + 125 · 32768 / 65535 = 56.50095 %.
        let values = try SHT4x.decode([0x66, 0x66, 0x93, 0x80, 0x00, 0xA2], bus: 1, address: 0x44)
        #expect(values[0] == 25)
        #expect(abs(values[1] - 56.500954) < 1e-6)
    }

    @Test("humidity is cropped to 0...100 %: raw 0xFFFF would be 119 %, raw 0 -6 %")
    func cropped() throws {
        #expect(SHT4x.humidity(raw: 0xFFFF) == 100)
        #expect(SHT4x.humidity(raw: 0) == 0)
        let values = try SHT4x.decode([0x66, 0x66, 0x93, 0xFF, 0xFF, 0xAC], bus: 1, address: 0x44)
        #expect(values[1] == 100)
    }

    @Test("a CRC mismatch is a crcMismatch error, never a reading")
    func crcMismatch() {
        let rig = SHT4xRig()
        rig.device.corruptNextCRCs(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .crcMismatch, "a corrupted reply was read")
    }

    @Test("a NACK is an error value, and the next read works")
    func nack() throws {
        let rig = SHT4xRig(["temperature": 30])
        rig.device.nackNextReads(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .nack, "read through a NACK")
        #expect(abs(try rig.driver.read(bus: rig.bus, address: rig.address)[0] - 30) < 0.003)
    }

    @Test("an implausible temperature (raw 0xFFFF: 130 °C, above the part's range) is refused")
    func implausible() {
        #expect(failureCode { try SHT4x.decode([0xFF, 0xFF, 0xAC, 0x80, 0x00, 0xA2], bus: 1, address: 0x44) } == .invalidReply, "130 °C accepted")
    }

    @Test("the factory takes the validated precision")
    func factory() throws {
        let driver = try #require(SHT4x.descriptor.make(DriverOptions(["precision": .choice("low")])) as? SHT4x)
        #expect(driver.precision == .low)
    }
}
