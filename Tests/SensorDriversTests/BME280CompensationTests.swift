import Testing
import SensorDrivers
import SensorgateCore

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
        #expect(throws: BME280.DecodeFailure.wrongLength(3, expected: 8)) {
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
