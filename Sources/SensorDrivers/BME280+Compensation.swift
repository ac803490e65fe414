import SensorgateCore

// MARK: - Calibration and compensation (section 4.2)

extension BME280 {
    /// The trimming parameters of one part (section 4.2.2, table 16).
    public struct Calibration: Sendable, Equatable {
        public var digT1: UInt16
        public var digT2: Int16
        public var digT3: Int16
        public var digP1: UInt16
        public var digP2: Int16
        public var digP3: Int16
        public var digP4: Int16
        public var digP5: Int16
        public var digP6: Int16
        public var digP7: Int16
        public var digP8: Int16
        public var digP9: Int16
        public var digH1: UInt8
        public var digH2: Int16
        public var digH3: UInt8
        /// A 12-bit signed value.
        public var digH4: Int16
        /// A 12-bit signed value.
        public var digH5: Int16
        public var digH6: Int8

        public init(digT1: UInt16, digT2: Int16, digT3: Int16,
                    digP1: UInt16, digP2: Int16, digP3: Int16, digP4: Int16, digP5: Int16, digP6: Int16,
                    digP7: Int16, digP8: Int16, digP9: Int16,
                    digH1: UInt8, digH2: Int16, digH3: UInt8, digH4: Int16, digH5: Int16, digH6: Int8) {
            self.digT1 = digT1
            self.digT2 = digT2
            self.digT3 = digT3
            self.digP1 = digP1
            self.digP2 = digP2
            self.digP3 = digP3
            self.digP4 = digP4
            self.digP5 = digP5
            self.digP6 = digP6
            self.digP7 = digP7
            self.digP8 = digP8
            self.digP9 = digP9
            self.digH1 = digH1
            self.digH2 = digH2
            self.digH3 = digH3
            self.digH4 = digH4
            self.digH5 = digH5
            self.digH6 = digH6
        }

        /// Parses the register contents: `calib00` is the 26 bytes read from 0x88...0xA1,
        /// `calib26` the 7 bytes read from 0xE1...0xE7. Nil if either has the wrong length.
        ///
        /// `dig_H4` and `dig_H5` are 12-bit signed values sharing register 0xE5
        /// (`dig_H4` = 0xE4[7:0] 0xE5[3:0], `dig_H5` = 0xE6[7:0] 0xE5[7:4]); the high byte
        /// carries the sign.
        public init?(calib00: [UInt8], calib26: [UInt8]) {
            guard calib00.count == BME280.calib00Length, calib26.count == BME280.calib26Length else { return nil }
            let a = calib00
            let b = calib26
            digT1 = RegisterBytes.uint16LE(a[0], a[1])
            digT2 = RegisterBytes.int16LE(a[2], a[3])
            digT3 = RegisterBytes.int16LE(a[4], a[5])
            digP1 = RegisterBytes.uint16LE(a[6], a[7])
            digP2 = RegisterBytes.int16LE(a[8], a[9])
            digP3 = RegisterBytes.int16LE(a[10], a[11])
            digP4 = RegisterBytes.int16LE(a[12], a[13])
            digP5 = RegisterBytes.int16LE(a[14], a[15])
            digP6 = RegisterBytes.int16LE(a[16], a[17])
            digP7 = RegisterBytes.int16LE(a[18], a[19])
            digP8 = RegisterBytes.int16LE(a[20], a[21])
            digP9 = RegisterBytes.int16LE(a[22], a[23])
            // a[24] is 0xA0, unused.
            digH1 = a[25]
            digH2 = RegisterBytes.int16LE(b[0], b[1])
            digH3 = b[2]
            digH4 = Int16(Int8(bitPattern: b[3])) * 16 | Int16(b[4] & 0x0F)
            digH5 = Int16(Int8(bitPattern: b[5])) * 16 | Int16(b[4] >> 4)
            digH6 = Int8(bitPattern: b[6])
        }

        /// Parses a BMP280's trimming parameters, the 24 bytes read from 0x88...0x9F: the
        /// same `dig_T1`...`dig_P9` layout as the BME280 (BMP280 datasheet section 3.11.2);
        /// the humidity parameters, which the BMP280 lacks, are 0. Nil for another length.
        public init?(temperatureAndPressure bytes: [UInt8]) {
            guard bytes.count == BMP280.calibrationLength else { return nil }
            self.init(calib00: bytes + [0, 0], calib26: [UInt8](repeating: 0, count: BME280.calib26Length))
        }

        /// The 26 bytes of registers 0x88...0xA1 that hold these values (0xA0 reads 0).
        public var calib00Bytes: [UInt8] {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(BME280.calib00Length)
            bytes += RegisterBytes.bytesLE(digT1)
            for value in [digT2, digT3] { bytes += RegisterBytes.bytesLE(value) }
            bytes += RegisterBytes.bytesLE(digP1)
            for value in [digP2, digP3, digP4, digP5, digP6, digP7, digP8, digP9] { bytes += RegisterBytes.bytesLE(value) }
            bytes.append(0)
            bytes.append(digH1)
            return bytes
        }

        /// The 7 bytes of registers 0xE1...0xE7 that hold these values.
        public var calib26Bytes: [UInt8] {
            let h4 = UInt16(bitPattern: digH4)
            let h5 = UInt16(bitPattern: digH5)
            return RegisterBytes.bytesLE(digH2) + [
                digH3,
                UInt8(truncatingIfNeeded: h4 >> 4),
                UInt8(truncatingIfNeeded: (h5 & 0x0F) << 4 | (h4 & 0x0F)),
                UInt8(truncatingIfNeeded: h5 >> 4),
                UInt8(bitPattern: digH6),
            ]
        }

        /// Why these values cannot come from a working part, or nil. A blank block
        /// (all 0x00 or all 0xFF) is a failed read; `dig_T1` = 0 or `dig_P1` = 0 makes the
        /// compensation meaningless (the pressure formula divides by a multiple of `dig_P1`).
        func implausibility(calib00 bytes: [UInt8]) -> String? {
            if bytes.allSatisfy({ $0 == 0x00 }) { return "registers 0x88...0xa1 all read 0x00" }
            if bytes.allSatisfy({ $0 == 0xFF }) { return "registers 0x88...0xa1 all read 0xff" }
            if digT1 == 0 { return "dig_T1 is 0" }
            if digP1 == 0 { return "dig_P1 is 0" }
            return nil
        }
    }

    /// The datasheet's 32-bit integer temperature compensation (section 4.2.3,
    /// `BME280_compensate_T_int32`, rev. 1.1), bit for bit.
    ///
    /// Returns the temperature in 0.01 °C (5123 is 51.23 °C) and `t_fine`, the fine
    /// temperature that pressure and humidity compensation take. Arithmetic wraps like
    /// the reference C code instead of trapping, so garbage input cannot crash.
    @inlinable
    public static func compensateTemperature(adcT: Int32, calibration c: Calibration)
        -> (hundredthsCelsius: Int32, tFine: Int32) {
        let t1 = Int32(c.digT1)
        let t2 = Int32(c.digT2)
        let t3 = Int32(c.digT3)
        let var1 = (((adcT >> 3) &- (t1 << 1)) &* t2) >> 11
        let d = (adcT >> 4) &- t1
        let var2 = (((d &* d) >> 12) &* t3) >> 14
        let tFine = var1 &+ var2
        return ((tFine &* 5 &+ 128) >> 8, tFine)
    }

    /// The datasheet's 64-bit integer pressure compensation (section 4.2.3,
    /// `BME280_compensate_P_int64`, rev. 1.1), bit for bit.
    ///
    /// Returns pressure in Pa as an unsigned Q24.8 value (24674867 is 96386.2 Pa), or 0
    /// where the reference code returns 0 to avoid dividing by zero.
    @inlinable
    public static func compensatePressure(adcP: Int32, tFine: Int32, calibration c: Calibration) -> UInt32 {
        var var1 = Int64(tFine) &- 128_000
        var var2 = var1 &* var1 &* Int64(c.digP6)
        var2 = var2 &+ ((var1 &* Int64(c.digP5)) << 17)
        var2 = var2 &+ (Int64(c.digP4) << 35)
        var1 = ((var1 &* var1 &* Int64(c.digP3)) >> 8) &+ ((var1 &* Int64(c.digP2)) << 12)
        var1 = (((Int64(1) << 47) &+ var1) &* Int64(c.digP1)) >> 33
        if var1 == 0 { return 0 }
        var p = 1_048_576 &- Int64(adcP)
        let (quotient, overflow) = (((p << 31) &- var2) &* 3125).dividedReportingOverflow(by: var1)
        if overflow { return 0 }
        p = quotient
        var1 = (Int64(c.digP9) &* (p >> 13) &* (p >> 13)) >> 25
        var2 = (Int64(c.digP8) &* p) >> 19
        p = ((p &+ var1 &+ var2) >> 8) &+ (Int64(c.digP7) << 4)
        return UInt32(truncatingIfNeeded: p)
    }

    /// The datasheet's 32-bit integer humidity compensation (section 4.2.3,
    /// `bme280_compensate_H_int32`), bit for bit.
    ///
    /// Returns relative humidity as an unsigned Q22.10 value (47445 is 46.333 %RH),
    /// clamped by the formula to 0...100 %RH.
    @inlinable
    public static func compensateHumidity(adcH: Int32, tFine: Int32, calibration c: Calibration) -> UInt32 {
        let h1 = Int32(c.digH1)
        let h2 = Int32(c.digH2)
        let h3 = Int32(c.digH3)
        let h4 = Int32(c.digH4)
        let h5 = Int32(c.digH5)
        let h6 = Int32(c.digH6)
        var v = tFine &- 76_800
        let scaled = (((adcH << 14) &- (h4 << 20) &- (h5 &* v)) &+ 16_384) >> 15
        let inner = (((v &* h6) >> 10) &* (((v &* h3) >> 11) &+ 32_768)) >> 10
        let factor = ((inner &+ 2_097_152) &* h2 &+ 8_192) >> 14
        v = scaled &* factor
        v = v &- (((((v >> 15) &* (v >> 15)) >> 7) &* h1) >> 4)
        v = min(max(v, 0), 419_430_400)
        return UInt32(v >> 12)
    }

    /// The raw ADC values of one burst read of 0xF7...0xFE.
    public struct RawSample: Sendable, Equatable {
        /// 20-bit `adc_P`.
        public var pressure: UInt32
        /// 20-bit `adc_T`.
        public var temperature: UInt32
        /// 16-bit `adc_H`.
        public var humidity: UInt32

        public init(pressure: UInt32, temperature: UInt32, humidity: UInt32) {
            self.pressure = pressure
            self.temperature = temperature
            self.humidity = humidity
        }

        /// Splits the 8 data bytes (`press_msb` ... `hum_lsb`); nil for another length.
        public init?(data: [UInt8]) {
            guard data.count == BME280.dataLength else { return nil }
            pressure = RegisterBytes.uint20(msb: data[0], lsb: data[1], xlsb: data[2])
            temperature = RegisterBytes.uint20(msb: data[3], lsb: data[4], xlsb: data[5])
            humidity = UInt32(RegisterBytes.uint16BE(data[6], data[7]))
        }

        /// The 8 data register bytes that hold these values (unused XLSB bits 0).
        public var data: [UInt8] {
            [UInt8(truncatingIfNeeded: pressure >> 12), UInt8(truncatingIfNeeded: pressure >> 4),
             UInt8(truncatingIfNeeded: pressure << 4),
             UInt8(truncatingIfNeeded: temperature >> 12), UInt8(truncatingIfNeeded: temperature >> 4),
             UInt8(truncatingIfNeeded: temperature << 4),
             UInt8(truncatingIfNeeded: humidity >> 8), UInt8(truncatingIfNeeded: humidity)]
        }
    }

    /// One compensated measurement.
    public struct Measurement: Sendable, Equatable {
        /// °C, resolution 0.01.
        public var temperature: Double
        /// %RH, resolution 1/1024.
        public var humidity: Double
        /// hPa, resolution 1/25600.
        public var pressure: Double

        public init(temperature: Double, humidity: Double, pressure: Double) {
            self.temperature = temperature
            self.humidity = humidity
            self.pressure = pressure
        }
    }

    /// Why a data read cannot be published.
    public typealias DecodeFailure = BoschDecodeFailure

    /// Turns the 8 data bytes of 0xF7...0xFE into physical values with the integer
    /// reference formulas, rejecting skipped measurements and values outside the
    /// part's physical range.
    public static func decode(data: [UInt8], calibration: Calibration) throws(DecodeFailure) -> Measurement {
        guard let raw = RawSample(data: data) else { throw .wrongLength(data.count, expected: dataLength) }
        return try decode(raw, calibration: calibration)
    }

    /// Compensates raw ADC values; see ``decode(data:calibration:)``.
    public static func decode(_ raw: RawSample, calibration: Calibration) throws(DecodeFailure) -> Measurement {
        if raw.temperature == skippedTemperatureOrPressure { throw .skipped(channel: "temperature", raw: raw.temperature) }
        if raw.pressure == skippedTemperatureOrPressure { throw .skipped(channel: "pressure", raw: raw.pressure) }
        if raw.humidity == skippedHumidity { throw .skipped(channel: "humidity", raw: raw.humidity) }

        let (hundredths, tFine) = compensateTemperature(adcT: Int32(raw.temperature), calibration: calibration)
        let pressureQ24_8 = compensatePressure(adcP: Int32(raw.pressure), tFine: tFine, calibration: calibration)
        let humidityQ22_10 = compensateHumidity(adcH: Int32(raw.humidity), tFine: tFine, calibration: calibration)

        let temperature = Double(hundredths) / 100
        let pressure = Double(pressureQ24_8) / 256 / 100
        let humidity = Double(humidityQ22_10) / 1024
        guard temperatureRange.contains(temperature) else {
            throw .outOfRange(channel: "temperature", value: temperature, unit: "°C", range: temperatureRange)
        }
        guard pressureRange.contains(pressure) else {
            throw .outOfRange(channel: "pressure", value: pressure, unit: "hPa", range: pressureRange)
        }
        guard humidityRange.contains(humidity) else {
            throw .outOfRange(channel: "humidity", value: humidity, unit: "%", range: humidityRange)
        }
        return Measurement(temperature: temperature, humidity: humidity, pressure: pressure)
    }
}
