import Testing
import SensorDrivers
import SensorgateCore
import Simulation

/// An AHT20 driver on a simulated bus with a simulated part at 0x38, on a manual clock
/// that the driver's waits advance.
struct AHT20Rig {
    let clock = ManualClock()
    let bus = SimulatedI2CBus(number: 1)
    let values: PhysicalValues
    let device: SimulatedAHT20
    let recorder: SleepRecorder
    let driver: AHT20
    let address: UInt8 = 0x38

    init(_ values: [String: Double] = [:], variant: AHT20.Variant = .aht20, calibrated: Bool = true) {
        self.values = PhysicalValues(values)
        device = SimulatedAHT20(variant: variant, calibrated: calibrated, clock: clock, values: self.values.provider)
        recorder = SleepRecorder(clock: clock)
        driver = AHT20(variant: variant, sleep: recorder.sleeper)
        bus.attach(device, at: address)
    }
}

@Suite("AHT20 driver")
struct AHT20Tests {
    /// Status 0x1C (calibrated, idle), humidity 0x80000, temperature 0x60000, CRC by hand.
    static let example: [UInt8] = [0x1C, 0x80, 0x00, 0x06, 0x00, 0x00, 0x4E]

    @Test("setUp of a calibrated part reads the status byte and sends nothing")
    func setUpCalibrated() throws {
        let rig = AHT20Rig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == ["transfer  -> 1"])
        #expect(rig.bus.log[0].read == [0x18])
        #expect(rig.recorder.sleeps.isEmpty)
    }

    @Test("setUp of an uncalibrated part sends its variant's initialisation command, then checks again",
          arguments: [(AHT20.Variant.aht20, [UInt8(0xBE), 0x08, 0x00]), (.aht10, [0xE1, 0x08, 0x00])])
    func setUpInitialises(variant: AHT20.Variant, command: [UInt8]) throws {
        let rig = AHT20Rig(variant: variant, calibrated: false)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        let log = rig.bus.log
        #expect(summary(log) == ["transfer  -> 1", "transfer " + command.map { hexByte($0) }.joined(separator: " "),
                                 "transfer  -> 1"])
        #expect(log[0].read == [0x00] && log[2].read == [0x18])
        #expect(rig.recorder.sleeps == [.milliseconds(10)])
        #expect(rig.device.isCalibrated)
    }

    @Test("a read triggers with 0xAC 0x33 0x00, waits 80 ms and reads 7 bytes (6 on the AHT10)",
          arguments: [(AHT20.Variant.aht20, 7), (.aht10, 6)])
    func readBytes(variant: AHT20.Variant, count: Int) throws {
        let rig = AHT20Rig(["temperature": 22.5, "humidity": 40], variant: variant)
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        let log = rig.bus.log
        #expect(log.count == 2)
        #expect(log[0].written == [0xAC, 0x33, 0x00] && log[0].read.isEmpty)
        #expect(log[1].written.isEmpty && log[1].read.count == count)
        #expect(rig.recorder.sleeps == [.milliseconds(80)])
        // Resolution: 200 / 2^20 °C and 100 / 2^20 %.
        #expect(abs(values[0] - 22.5) < 0.0002 && abs(values[1] - 40) < 0.0001)
    }

    @Test("worked example: humidity 0x80000 is 50 %, temperature 0x60000 is 25 °C")
    func workedExample() throws {
        // RH = 524288 / 2^20 · 100 = 50 %; T = 393216 / 2^20 · 200 − 50 = 0.375 · 200 − 50 = 25 °C.
        // CRC-8 (0x31, from 0xFF) of 1C 80 00 06 00 00 by hand: 0x4E.
        #expect(AHT20.crc.checksum(Self.example.prefix(6)) == 0x4E)
        let signals = AHT20.signals(Self.example)
        #expect(signals.humidity == 0x80000 && signals.temperature == 0x60000)
        #expect(try AHT20.decode(Self.example, variant: .aht20, bus: 1, address: 0x38) == [25, 50])
        #expect(try AHT20.decode(Array(Self.example.prefix(6)), variant: .aht10, bus: 1, address: 0x38) == [25, 50])
    }

    @Test("a CRC mismatch is a crcMismatch error, never a reading")
    func crcMismatch() throws {
        var corrupted = Self.example
        corrupted[6] = 0x4F
        #expect(throws: I2CError(.crcMismatch, bus: 1, address: 0x38, "AHT20 reply has CRC 0x4f, its bytes give 0x4e")) {
            try AHT20.decode(corrupted, variant: .aht20, bus: 1, address: 0x38)
        }
        let rig = AHT20Rig()
        rig.device.corruptNextCRCs(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .crcMismatch, "a corrupted reply was read")
        #expect(try rig.driver.read(bus: rig.bus, address: rig.address).count == 2)
    }

    @Test("a status still busy after the 80 ms wait is a failed read")
    func busy() throws {
        let rig = AHT20Rig()
        rig.device.slowNextMeasurements(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .timeout, "a busy reply was read")
        #expect(rig.bus.log.last?.read.first.map { $0 & AHT20.StatusBit.busy != 0 } == true)
        #expect(try rig.driver.read(bus: rig.bus, address: rig.address).count == 2)
    }

    @Test("a NACK of the read or of the trigger command is an error value")
    func nack() throws {
        let rig = AHT20Rig()
        rig.device.nackNextReads(1)
        #expect(throws: I2CError.self) { try rig.driver.read(bus: rig.bus, address: rig.address) }
        #expect(rig.bus.log.last?.failure == .nack)
        rig.bus.nackNext(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .nack, "read through a NACK")
    }

    @Test("an implausible temperature (signal 0: −50 °C, below the operating range) is refused")
    func implausible() throws {
        let rig = AHT20Rig()
        rig.device.implausibleNextMeasurements(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .invalidReply, "−50 °C accepted")
        // An uncalibrated status with valid data is refused too.
        var uncalibrated = Self.example
        uncalibrated[0] = 0x10
        uncalibrated[6] = AHT20.crc.checksum(uncalibrated.prefix(6))
        #expect(throws: I2CError.self) { try AHT20.decode(uncalibrated, variant: .aht20, bus: 1, address: 0x38) }
    }

    @Test("a part that stays uncalibrated after initialisation fails setUp")
    func initialisationIgnored() {
        // An AHT10 does not take the AHT20's 0xBE: it NACKs it.
        let rig = AHT20Rig(variant: .aht10, calibrated: false)
        let aht20Driver = AHT20(variant: .aht20, sleep: rig.recorder.sleeper)
        #expect(throws: I2CError.self) { try aht20Driver.setUp(bus: rig.bus, address: rig.address) }
        #expect(!rig.device.isCalibrated)
    }

    @Test("the factory takes the validated options")
    func factory() throws {
        let made = try #require(AHT20.descriptor.make(DriverOptions(["variant": .choice("aht10")])) as? AHT20)
        #expect(made.variant == .aht10)
        let defaults = try #require(AHT20.descriptor.make(DriverOptions()) as? AHT20)
        #expect(defaults.variant == .aht20)
    }
}

private func hexByte(_ byte: UInt8) -> String { "0x" + String(byte, radix: 16).leftPadded(to: 2) }
