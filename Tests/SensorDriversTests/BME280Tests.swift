import Testing
import SensorDrivers
import SensorgateCore
import Simulation

/// The BMP280 datasheet's worked example (section 8.1/8.2, table "compensation example"):
/// BME280 uses the same temperature and pressure formulas and calibration layout.
let datasheetCalibration = BME280.Calibration(
    digT1: 27504, digT2: 26435, digT3: -1000,
    digP1: 36477, digP2: -10685, digP3: 3024, digP4: 2855, digP5: 140, digP6: -7,
    digP7: 15500, digP8: -14600, digP9: 6000,
    digH1: 75, digH2: 362, digH3: 0, digH4: 313, digH5: 50, digH6: 30)

@Suite("BME280 compensation and decoding")
struct BME280CompensationTests {
    @Test("temperature: datasheet example adc_T 519888 gives 25.08 °C and t_fine 128422")
    func temperatureWorkedExample() {
        let result = BME280.compensateTemperature(adcT: 519_888, calibration: datasheetCalibration)
        #expect(result.hundredthsCelsius == 2508)
        #expect(result.tFine == 128_422)
    }

    @Test("pressure: datasheet example adc_P 415148 gives 25767233/256 Pa, ~100653 Pa")
    func pressureWorkedExample() {
        let q24_8 = BME280.compensatePressure(adcP: 415_148, tFine: 128_422, calibration: datasheetCalibration)
        // The exact output of the 64-bit integer formula (checked with an independent
        // arbitrary-precision evaluation of the same formula).
        #expect(q24_8 == 25_767_233)
        let pascal = Double(q24_8) / 256
        // The datasheet lists 100653.27 Pa for its floating-point formula.
        #expect(abs(pascal - 100_653.27) < 0.05)
    }

    /// Hand computation of the humidity formula for adc_H = 30000, t_fine = 128422 and
    /// dig_H1...H6 = 75, 362, 0, 313, 50, 30:
    ///   v      = 128422 − 76800                                          = 51622
    ///   scaled = ((30000·2^14 − 313·2^20 − 50·51622) + 16384) >> 15      = 4905
    ///   inner  = ((51622·30 >> 10) · ((51622·0 >> 11) + 32768)) >> 10     = 48448
    ///   factor = ((48448 + 2097152) · 362 + 8192) >> 14                   = 47405
    ///   v      = 4905 · 47405                                             = 232521525
    ///   v     −= ((((v >> 15)^2) >> 7) · 75) >> 4                         = 230678058
    ///   H      = v >> 12 = 56317 (Q22.10)                                 = 54.997 %RH
    @Test("humidity: hand-computed example adc_H 30000 gives 56317/1024 %RH")
    func humidityHandComputed() {
        let q22_10 = BME280.compensateHumidity(adcH: 30_000, tFine: 128_422, calibration: datasheetCalibration)
        #expect(q22_10 == 56_317)
        #expect(abs(Double(q22_10) / 1024 - 54.997) < 0.001)
    }

    @Test("humidity is clamped to 0...100 %RH by the formula", arguments: [
        (Int32(0), UInt32(0)), (20_000, 0), (40_000, 102_400), (65_535, 102_400),
    ])
    func humidityClamps(adcH: Int32, expected: UInt32) {
        #expect(BME280.compensateHumidity(adcH: adcH, tFine: 128_422, calibration: datasheetCalibration) == expected)
    }

    @Test("pressure returns 0 instead of dividing by zero when dig_P1 is 0")
    func pressureDivisionByZero() {
        var calibration = datasheetCalibration
        calibration.digP1 = 0
        #expect(BME280.compensatePressure(adcP: 415_148, tFine: 128_422, calibration: calibration) == 0)
    }

    @Test("compensation never traps, whatever the calibration and raw values",
          arguments: [Int16.min, -1, 0, 1, Int16.max])
    func compensationNeverTraps(extreme: Int16) {
        let calibration = BME280.Calibration(
            digT1: UInt16(bitPattern: extreme), digT2: extreme, digT3: extreme,
            digP1: UInt16(bitPattern: extreme), digP2: extreme, digP3: extreme, digP4: extreme, digP5: extreme,
            digP6: extreme, digP7: extreme, digP8: extreme, digP9: extreme,
            digH1: UInt8(truncatingIfNeeded: extreme), digH2: extreme, digH3: UInt8(truncatingIfNeeded: extreme),
            digH4: extreme >> 4, digH5: extreme >> 4, digH6: Int8(truncatingIfNeeded: extreme))
        for adc: Int32 in [0, 1, 0x7FFFF, 0x80000, 0xFFFFF] {
            let t = BME280.compensateTemperature(adcT: adc, calibration: calibration)
            let p = BME280.compensatePressure(adcP: adc, tFine: t.tFine, calibration: calibration)
            let h = BME280.compensateHumidity(adcH: adc & 0xFFFF, tFine: t.tFine, calibration: calibration)
            #expect(h <= 102_400)
            _ = p
        }
        for tFine: Int32 in [Int32.min, -1, 0, Int32.max] {
            _ = BME280.compensatePressure(adcP: 0, tFine: tFine, calibration: calibration)
            #expect(BME280.compensateHumidity(adcH: 0xFFFF, tFine: tFine, calibration: calibration) <= 102_400)
        }
    }

    @Test("calibration bytes parse field by field, little-endian")
    func calibrationParsing() throws {
        // dig_T1 = 0x6B70 (27504), dig_T2 = 0x6743 (26435), dig_T3 = 0xFC18 (-1000), ...
        let low: [UInt8] = [0x70, 0x6B, 0x43, 0x67, 0x18, 0xFC,
                            0x7D, 0x8E, 0x43, 0xD6, 0xD0, 0x0B, 0x27, 0x0B, 0x8C, 0x00,
                            0xF9, 0xFF, 0x8C, 0x3C, 0xF8, 0xC6, 0x70, 0x17, 0x00, 0x4B]
        // dig_H2 = 362, dig_H3 = 0, dig_H4 = 313 = 0x139 (0x13, low nibble 9),
        // dig_H5 = 50 = 0x032 (0x03, low nibble 2), dig_H6 = 30.
        let high: [UInt8] = [0x6A, 0x01, 0x00, 0x13, 0x29, 0x03, 0x1E]
        let calibration = try #require(BME280.Calibration(calib00: low, calib26: high))
        #expect(calibration == datasheetCalibration)
        #expect(calibration.calib00Bytes == low)
        #expect(calibration.calib26Bytes == high)
    }

    @Test("dig_H4 and dig_H5 are 12-bit signed: the sign comes from 0xE4 and 0xE6")
    func negativeH4H5() throws {
        let low = datasheetCalibration.calib00Bytes
        let high: [UInt8] = [0x6A, 0x01, 0x00, 0xFF, 0x3A, 0x80, 0xE2]
        let calibration = try #require(BME280.Calibration(calib00: low, calib26: high))
        #expect(calibration.digH4 == -6)      // 0xFF_A as 12-bit signed
        #expect(calibration.digH5 == -2045)   // 0x80_3 as 12-bit signed
        #expect(calibration.digH6 == -30)
        #expect(calibration.calib26Bytes == high)
    }

    @Test("calibration of the wrong length does not parse", arguments: [(25, 7), (26, 6), (0, 0), (27, 7)])
    func calibrationWrongLength(lowCount: Int, highCount: Int) {
        let parsed = BME280.Calibration(calib00: Array(repeating: 1, count: lowCount),
                                        calib26: Array(repeating: 1, count: highCount))
        #expect(parsed == nil)
    }

    @Test("data bytes split into 20-bit pressure and temperature and 16-bit humidity")
    func rawSample() throws {
        let data: [UInt8] = [0x65, 0x5A, 0xC0, 0x7E, 0xED, 0x00, 0x75, 0x30]
        let raw = try #require(BME280.RawSample(data: data))
        #expect(raw == BME280.RawSample(pressure: 415_148, temperature: 519_888, humidity: 30_000))
        #expect(raw.data == data)
        #expect(BME280.RawSample(data: Array(data.prefix(7))) == nil)
    }

    @Test("decode gives °C, %RH and hPa from the data bytes")
    func decode() throws {
        let data: [UInt8] = [0x65, 0x5A, 0xC0, 0x7E, 0xED, 0x00, 0x75, 0x30]
        let measurement = try BME280.decode(data: data, calibration: datasheetCalibration)
        #expect(measurement.temperature == 25.08)
        #expect(measurement.pressure == 25_767_233.0 / 256 / 100)
        #expect(measurement.humidity == 56_317.0 / 1024)
    }

    @Test("a skipped measurement is an error, never a value", arguments: [
        ("temperature", BME280.RawSample(pressure: 415_148, temperature: 0x80000, humidity: 30_000)),
        ("pressure", BME280.RawSample(pressure: 0x80000, temperature: 519_888, humidity: 30_000)),
        ("humidity", BME280.RawSample(pressure: 415_148, temperature: 519_888, humidity: 0x8000)),
    ])
    func skipped(channel: String, raw: BME280.RawSample) {
        #expect(throws: BME280.DecodeFailure.skipped(
            channel: channel, raw: channel == "humidity" ? 0x8000 : 0x80000)) {
            try BME280.decode(raw, calibration: datasheetCalibration)
        }
    }

    @Test("values outside the part's range are errors", arguments: [
        // 187.55 °C, -140.88 °C, 1732 hPa, -66 hPa (wrapped).
        ("temperature", BME280.RawSample(pressure: 415_148, temperature: 0xFFFFF, humidity: 30_000)),
        ("temperature", BME280.RawSample(pressure: 415_148, temperature: 0, humidity: 30_000)),
        ("pressure", BME280.RawSample(pressure: 0, temperature: 519_888, humidity: 30_000)),
        ("pressure", BME280.RawSample(pressure: 0xFFFFF, temperature: 519_888, humidity: 30_000)),
    ])
    func outOfRange(channel: String, raw: BME280.RawSample) {
        do {
            _ = try BME280.decode(raw, calibration: datasheetCalibration)
            Issue.record("decoded an impossible value")
        } catch {
            guard case .outOfRange(let failed, _, _, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(failed == channel)
        }
    }

    @Test("decode rejects a data block of the wrong length")
    func decodeWrongLength() {
        #expect(throws: BME280.DecodeFailure.wrongLength(3)) {
            try BME280.decode(data: [1, 2, 3], calibration: datasheetCalibration)
        }
    }

    @Test("measurement times follow appendix 9.1")
    func measurementTimes() {
        #expect(BME280.maximumMeasurementTime(temperature: .x1, pressure: .x1, humidity: .x1) == .microseconds(9_300))
        // The datasheet's example: T x1, P x4, no humidity: 11.5 ms typical.
        #expect(BME280.typicalMeasurementTime(temperature: .x1, pressure: .x4, humidity: .skipped) == .microseconds(11_500))
        #expect(BME280.maximumMeasurementTime(temperature: .x16, pressure: .x16, humidity: .x16) == .microseconds(112_800))
        #expect(BME280.ctrlMeasForced == 0x25)
        #expect(BME280.ctrlMeasSleep == 0x24)
    }
}

@Suite("BME280 driver on the simulated bus")
struct BME280DriverTests {
    @Test("setUp: exact transactions, in order")
    func setUpTransactions() throws {
        let rig = Rig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == [
            "readByteData 0xd0 -> 1",
            "writeByteData 0xe0 0xb6",
            "readByteData 0xf3 -> 1",
            "readBlock 0x88 -> 26",
            "readBlock 0xe1 -> 7",
            "writeByteData 0xf2 0x01",
            "writeByteData 0xf5 0x00",
            "writeByteData 0xf4 0x24",
        ])
        #expect(rig.recorder.sleeps == [.milliseconds(2)])
        #expect(rig.driver.currentCalibration == SimulatedBME280.referenceCalibration)
        #expect(rig.device.readRegister(BME280.Register.ctrlMeas) == 0x24)
        #expect(rig.device.readRegister(BME280.Register.ctrlHum) == 0x01)
    }

    @Test("read: writes ctrl_hum then forced ctrl_meas, waits 9.3 ms, polls once, burst-reads 8 bytes")
    func readTransactions() throws {
        let rig = Rig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.clearLog()
        _ = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == [
            "writeByteData 0xf2 0x01",
            "writeByteData 0xf4 0x25",
            "readByteData 0xf3 -> 1",
            "readBlock 0xf7 -> 8",
        ])
        #expect(rig.bus.registerWrites(to: rig.address) == [[0xF2, 0x01], [0xF4, 0x25]])
        #expect(rig.recorder.sleeps == [.milliseconds(2), .microseconds(9_300)])
        #expect(rig.device.measurementCount == 1)
    }

    @Test("read polls status until measuring clears, then reads", arguments: [1, 3])
    func pollsMeasuring(extraMilliseconds: Int) throws {
        let rig = Rig()
        rig.device.measurementTime = .microseconds(9_300) + .milliseconds(extraMilliseconds)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.clearLog()
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        let statusReads = rig.bus.log.filter { $0.written == [BME280.Register.status] }.count
        #expect(statusReads == extraMilliseconds + 1)
        #expect(abs(values[0] - 21) <= 0.006)
    }

    @Test("values read back equal the physical values within resolution", arguments: [
        (-40.0, 0.0, 300.0), (-12.34, 12.5, 550.5), (0.0, 33.3, 800.0), (21.0, 50.0, 1013.25),
        (25.08, 54.997, 1006.53), (37.77, 81.81, 1050.0), (60.01, 99.9, 1100.0), (85.0, 100.0, 987.65),
    ])
    func sweep(temperature: Double, humidity: Double, pressure: Double) throws {
        let rig = Rig(values: ["temperature": temperature, "humidity": humidity, "pressure": pressure])
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(values.count == BME280.descriptor.channels.count)
        #expect(abs(values[0] - temperature) <= 0.006, "temperature \(values[0])")
        #expect(abs(values[1] - humidity) <= 0.01, "humidity \(values[1])")
        #expect(abs(values[2] - pressure) <= 0.005, "pressure \(values[2])")
    }

    @Test("successive reads follow a changing physical value")
    func followsChanges() throws {
        let rig = Rig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        for step in 0..<40 {
            let celsius = -5 + Double(step) * 1.37
            rig.values.set("temperature", celsius)
            rig.values.set("pressure", 950 + Double(step))
            let values = try rig.driver.read(bus: rig.bus, address: rig.address)
            #expect(abs(values[0] - celsius) <= 0.006)
            #expect(abs(values[2] - (950 + Double(step))) <= 0.005)
        }
        #expect(rig.device.measurementCount == 40)
    }

    @Test("defaults when the simulation gives no value: 21 °C, 50 %, 1013.25 hPa")
    func defaults() throws {
        let rig = Rig()
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)   // sets up on first read
        #expect(abs(values[0] - 21) <= 0.006)
        #expect(abs(values[1] - 50) <= 0.01)
        #expect(abs(values[2] - 1013.25) <= 0.005)
    }

    @Test("a wrong chip id is an invalid reply naming the part found; nothing is written",
          arguments: [(UInt8(0x58), "BMP280"), (0x61, "BME680"), (0x00, "0x00"), (0x42, "0x42")])
    func wrongChipID(id: UInt8, mentions: String) {
        let rig = Rig(chipID: id)
        do {
            try rig.driver.setUp(bus: rig.bus, address: rig.address)
            Issue.record("accepted chip id \(id)")
        } catch {
            #expect(error.code == .invalidReply)
            #expect(error.message.contains(mentions))
            #expect(error.message.contains("expected 0x60"))
            #expect(error.address == 0x76 && error.bus == 1)
        }
        #expect(rig.bus.registerWrites(to: rig.address).isEmpty)
    }

    @Test("no device at the address: NACK")
    func noDevice() {
        let rig = Rig()
        #expect(throws: I2CError.self) { try rig.driver.setUp(bus: rig.bus, address: 0x77) }
        do {
            try rig.driver.setUp(bus: rig.bus, address: 0x77)
        } catch {
            #expect(error.code == .nack)
            #expect(error.address == 0x77)
        }
    }

    @Test("an injected NACK fails one read; the next read works")
    func injectedNACK() throws {
        let rig = Rig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.nackNext(1)
        do {
            _ = try rig.driver.read(bus: rig.bus, address: rig.address)
            Issue.record("read through a NACK")
        } catch {
            #expect(error.code == .nack)
        }
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(abs(values[0] - 21) <= 0.006)
    }

    @Test("a NACK at any point of setUp is reported and leaves the driver unconfigured", arguments: 0..<8)
    func nackDuringSetUp(transaction: Int) {
        let rig = Rig()
        let bus = InterposingBus(base: rig.bus, nackAt: transaction)
        do {
            try rig.driver.setUp(bus: bus, address: rig.address)
            Issue.record("setUp succeeded through a NACK")
        } catch {
            #expect(error.code == .nack)
        }
        #expect(bus.transactions == transaction + 1)
        #expect(rig.driver.currentCalibration == nil)
    }

    @Test("a stuck bus times out until it is cleared")
    func stuckBus() throws {
        let rig = Rig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.isStuck = true
        for _ in 0..<3 {
            do {
                _ = try rig.driver.read(bus: rig.bus, address: rig.address)
                Issue.record("read on a stuck bus")
            } catch {
                #expect(error.code == .timeout)
            }
        }
        rig.bus.isStuck = false
        _ = try rig.driver.read(bus: rig.bus, address: rig.address)
    }

    @Test("a skipped humidity measurement (raw 0x8000) is an invalid reply")
    func skippedHumidity() throws {
        let rig = Rig()
        rig.bus.attach(OverridingDevice(rig.device, overrides: [0xFD: 0x80, 0xFE: 0x00]), at: rig.address)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        do {
            _ = try rig.driver.read(bus: rig.bus, address: rig.address)
            Issue.record("published a skipped measurement")
        } catch {
            #expect(error.code == .invalidReply)
            #expect(error.message.contains("humidity was not measured"))
        }
    }

    @Test("a skipped temperature measurement (raw 0x80000) is an invalid reply")
    func skippedTemperature() throws {
        let rig = Rig()
        rig.bus.attach(OverridingDevice(rig.device, overrides: [0xFA: 0x80, 0xFB: 0x00, 0xFC: 0x00]), at: rig.address)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(throws: I2CError.self) { try rig.driver.read(bus: rig.bus, address: rig.address) }
    }

    @Test("after a power glitch the next read measures humidity again")
    func brownOut() throws {
        let rig = Rig(values: ["humidity": 42])
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.device.powerCycle()
        rig.clock.advance(by: .milliseconds(1))
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(abs(values[1] - 42) <= 0.01)
    }

    @Test("an NVM copy that never finishes is a bounded timeout")
    func nvmCopyNeverFinishes() {
        let rig = Rig()
        rig.device.nvmCopyTime = .seconds(3600)
        do {
            try rig.driver.setUp(bus: rig.bus, address: rig.address)
            Issue.record("setUp finished without calibration")
        } catch {
            #expect(error.code == .timeout)
            #expect(error.message.contains("im_update"))
        }
        let statusReads = rig.bus.log.filter { $0.written == [BME280.Register.status] }.count
        #expect(statusReads == BME280.nvmCopyPolls)
        #expect(rig.recorder.sleeps.count == BME280.nvmCopyPolls)
        #expect(rig.driver.currentCalibration == nil)
    }

    @Test("a measurement that never finishes is a bounded timeout")
    func measurementNeverFinishes() throws {
        let rig = Rig()
        rig.device.measurementTime = .seconds(60)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.clearLog()
        do {
            _ = try rig.driver.read(bus: rig.bus, address: rig.address)
            Issue.record("read returned during a measurement")
        } catch {
            #expect(error.code == .timeout)
            #expect(error.message.contains("measuring"))
        }
        #expect(rig.bus.log.filter { $0.written == [BME280.Register.status] }.count == BME280.measurementPolls)
        #expect(!rig.bus.log.contains { $0.kind == .readBlock })
    }

    @Test("a physical value outside the part's range is an invalid reply", arguments: [
        ("temperature", 90.0), ("temperature", -45.0), ("pressure", 250.0), ("pressure", 1200.0),
    ])
    func physicalOutOfRange(channel: String, value: Double) throws {
        let rig = Rig(values: [channel: value])
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        do {
            _ = try rig.driver.read(bus: rig.bus, address: rig.address)
            Issue.record("published \(channel) \(value)")
        } catch {
            #expect(error.code == .invalidReply)
            #expect(error.message.contains(channel))
        }
    }

    @Test("calibration registers that read all 0xff (floating bus) are rejected")
    func blankCalibration() {
        let rig = Rig()
        var overrides: [UInt8: UInt8] = [:]
        for register in UInt8(0x88)...0xA1 { overrides[register] = 0xFF }
        rig.bus.attach(OverridingDevice(rig.device, overrides: overrides), at: rig.address)
        do {
            try rig.driver.setUp(bus: rig.bus, address: rig.address)
            Issue.record("accepted blank calibration")
        } catch {
            #expect(error.code == .invalidReply)
            #expect(error.message.contains("0xff"))
        }
    }

    @Test("corrupted data reads give an error or an in-range value, never a crash")
    func corruptedReads() throws {
        let rig = Rig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        var random = SplitMix64(seed: 7)
        var failures = 0
        for _ in 0..<300 {
            let mask = UInt8(truncatingIfNeeded: random.next()) | 1
            let bus = InterposingBus(base: rig.bus, blockReadMask: mask)
            do {
                let values = try rig.driver.read(bus: bus, address: rig.address)
                #expect(BME280.temperatureRange.contains(values[0]))
                #expect(BME280.humidityRange.contains(values[1]))
                #expect(BME280.pressureRange.contains(values[2]))
            } catch {
                #expect(error.code == .invalidReply)
                failures += 1
            }
        }
        #expect(failures > 0)
    }
}

/// Passes transactions to `base`, counting them; NACKs the one numbered `nackAt` (0-based)
/// and XORs the bytes of every block read with `blockReadMask`.
final class InterposingBus: I2CBus {
    let base: any I2CBus
    let nackAt: Int?
    let blockReadMask: UInt8?
    private(set) var transactions = 0

    init(base: any I2CBus, nackAt: Int? = nil, blockReadMask: UInt8? = nil) {
        self.base = base
        self.nackAt = nackAt
        self.blockReadMask = blockReadMask
    }

    var number: Int { base.number }

    private func step(_ address: UInt8) throws(I2CError) {
        defer { transactions += 1 }
        if transactions == nackAt { throw I2CError(.nack, bus: number, address: address, "test NACK") }
    }

    func quick(address: UInt8) throws(I2CError) { try step(address); try base.quick(address: address) }
    func readByte(address: UInt8) throws(I2CError) -> UInt8 { try step(address); return try base.readByte(address: address) }
    func writeByte(address: UInt8, value: UInt8) throws(I2CError) {
        try step(address); try base.writeByte(address: address, value: value)
    }
    func readByteData(address: UInt8, register: UInt8) throws(I2CError) -> UInt8 {
        try step(address); return try base.readByteData(address: address, register: register)
    }
    func writeByteData(address: UInt8, register: UInt8, value: UInt8) throws(I2CError) {
        try step(address); try base.writeByteData(address: address, register: register, value: value)
    }
    func readWordData(address: UInt8, register: UInt8) throws(I2CError) -> UInt16 {
        try step(address); return try base.readWordData(address: address, register: register)
    }
    func writeWordData(address: UInt8, register: UInt8, value: UInt16) throws(I2CError) {
        try step(address); try base.writeWordData(address: address, register: register, value: value)
    }
    func readBlock(address: UInt8, register: UInt8, count: Int) throws(I2CError) -> [UInt8] {
        try step(address)
        let bytes = try base.readBlock(address: address, register: register, count: count)
        guard let mask = blockReadMask else { return bytes }
        return bytes.map { $0 ^ mask }
    }
    func writeBlock(address: UInt8, register: UInt8, bytes: [UInt8]) throws(I2CError) {
        try step(address); try base.writeBlock(address: address, register: register, bytes: bytes)
    }
}
