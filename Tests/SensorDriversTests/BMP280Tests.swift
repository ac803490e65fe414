import Testing
import SensorDrivers
import SensorgateCore
import Simulation

/// A BMP280 driver on a simulated bus with a simulated part at 0x76, on a manual clock.
struct BMP280Rig {
    let clock = ManualClock()
    let bus = SimulatedI2CBus(number: 1)
    let values: PhysicalValues
    let device: SimulatedBME280
    let recorder: SleepRecorder
    let driver: BMP280
    let address: UInt8 = 0x76

    init(_ values: [String: Double] = [:], chipID: UInt8 = BMP280.chipID) {
        self.values = PhysicalValues(values)
        device = chipID == BMP280.chipID
            ? SimulatedBMP280.make(clock: clock, values: self.values.provider)
            : SimulatedBME280(chipID: chipID, clock: clock, values: self.values.provider)
        recorder = SleepRecorder(clock: clock)
        driver = BMP280(sleep: recorder.sleeper)
        bus.attach(device, at: address)
    }
}

@Suite("BMP280 driver")
struct BMP280Tests {
    @Test("setUp and read: exact transactions, no humidity registers")
    func transactions() throws {
        let rig = BMP280Rig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == [
            "readByteData 0xd0 -> 1",
            "writeByteData 0xe0 0xb6",
            "readByteData 0xf3 -> 1",
            "readBlock 0x88 -> 24",
            "writeByteData 0xf5 0x00",
            "writeByteData 0xf4 0x24",
        ])
        rig.bus.clearLog()
        _ = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == ["writeByteData 0xf4 0x25", "readByteData 0xf3 -> 1", "readBlock 0xf7 -> 6"])
        // 2 ms start-up, then 1.25 + 2.3 (T x1) + 2.3 + 0.575 (P x1) = 6.425 ms, the datasheet's 6.4 ms.
        #expect(rig.recorder.sleeps == [.milliseconds(2), .microseconds(6_425)])
    }

    @Test("worked example of the datasheet: adc_T 519888, adc_P 415148 give 25.08 °C and 1006.53 hPa")
    func workedExample() throws {
        // adc_P 415148 = 0x655AC -> 0x65 0x5A 0xC0; adc_T 519888 = 0x7EED0 -> 0x7E 0xED 0x00.
        // The BME280's compensation gives 2508 (0.01 °C) and 25767233 / 256 Pa = 1006.5325 hPa.
        let values = try BMP280.decode(data: [0x65, 0x5A, 0xC0, 0x7E, 0xED, 0x00], calibration: datasheetCalibration)
        #expect(values[0] == 25.08)
        #expect(abs(values[1] - 1006.5325) < 0.0001)
    }

    @Test("the BMP280's 24 calibration bytes parse into the BME280's layout with no humidity terms")
    func calibration() throws {
        let bytes = Array(datasheetCalibration.calib00Bytes.prefix(BMP280.calibrationLength))
        let parsed = try #require(BME280.Calibration(temperatureAndPressure: bytes))
        #expect(parsed.digT1 == 27504 && parsed.digP9 == 6000)
        #expect(parsed.digH1 == 0 && parsed.digH2 == 0)
        #expect(BME280.Calibration(temperatureAndPressure: bytes + [0]) == nil)
    }

    @Test("values read back from the simulated part", arguments: [(-12.5, 650.0), (21.0, 1013.25), (40.0, 1090.0)])
    func readsBack(celsius: Double, hectopascal: Double) throws {
        let rig = BMP280Rig(["temperature": celsius, "pressure": hectopascal])
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(abs(values[0] - celsius) <= 0.006)
        #expect(abs(values[1] - hectopascal) <= 0.01)
    }

    @Test("a BME280 (chip id 0x60) is refused with a hint to use its driver")
    func wrongChip() {
        let rig = BMP280Rig(chipID: BME280.chipID)
        do {
            try rig.driver.setUp(bus: rig.bus, address: rig.address)
            Issue.record("a BME280 was taken for a BMP280")
        } catch {
            #expect(error.code == .invalidReply)
            #expect(error.message.contains("use driver bme280"))
        }
    }

    @Test("a NACK is an error value")
    func nack() {
        let rig = BMP280Rig()
        rig.bus.nackNext(1)
        do {
            try rig.driver.setUp(bus: rig.bus, address: rig.address)
            Issue.record("set up through a NACK")
        } catch {
            #expect(error.code == .nack)
        }
    }

    @Test("a floating bus (every data byte 0xff; the part has no CRC) is caught by the range check")
    func floatingBus() {
        do {
            _ = try BMP280.decode(data: [UInt8](repeating: 0xFF, count: 6), calibration: datasheetCalibration)
            Issue.record("an all-0xff data block decoded")
        } catch {
            guard case .outOfRange(let channel, _, _, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(channel == "temperature")
        }
    }

    @Test("a skipped measurement (0x80000, the reset value) is refused")
    func skipped() {
        #expect(throws: BME280.DecodeFailure.skipped(channel: "temperature", raw: 0x80000)) {
            try BMP280.decode(data: [0x65, 0x5A, 0xC0, 0x80, 0x00, 0x00], calibration: datasheetCalibration)
        }
    }
}
