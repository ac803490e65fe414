import SensorgateCore

// MARK: - Calibration, compensation and heater set-point (sections 3.3, 3.4)

extension BME680 {
    /// The trimming parameters of one part, named as in the datasheet (tables 11-14).
    public struct Calibration: Sendable, Equatable {
        public var parT1: UInt16
        public var parT2: Int16
        public var parT3: Int8
        public var parP1: UInt16
        public var parP2: Int16
        public var parP3: Int8
        public var parP4: Int16
        public var parP5: Int16
        public var parP6: Int8
        public var parP7: Int8
        public var parP8: Int16
        public var parP9: Int16
        public var parP10: UInt8
        /// 12 bits: 0xE3 and the low nibble of 0xE2.
        public var parH1: UInt16
        /// 12 bits: 0xE1 and the high nibble of 0xE2.
        public var parH2: UInt16
        public var parH3: Int8
        public var parH4: Int8
        public var parH5: Int8
        public var parH6: UInt8
        public var parH7: Int8
        public var parG1: Int8
        public var parG2: Int16
        public var parG3: Int8
        /// `res_heat_range`, 0x02 bits 5:4 (0...3).
        public var resHeatRange: UInt8
        /// `res_heat_val`, 0x00, signed.
        public var resHeatVal: Int8
        /// `range_switching_error`, 0x04 bits 7:4, a signed 4-bit value (-8...7).
        public var rangeSwitchingError: Int8

        public init(parT1: UInt16, parT2: Int16, parT3: Int8,
                    parP1: UInt16, parP2: Int16, parP3: Int8, parP4: Int16, parP5: Int16, parP6: Int8,
                    parP7: Int8, parP8: Int16, parP9: Int16, parP10: UInt8,
                    parH1: UInt16, parH2: UInt16, parH3: Int8, parH4: Int8, parH5: Int8, parH6: UInt8, parH7: Int8,
                    parG1: Int8, parG2: Int16, parG3: Int8,
                    resHeatRange: UInt8, resHeatVal: Int8, rangeSwitchingError: Int8) {
            self.parT1 = parT1
            self.parT2 = parT2
            self.parT3 = parT3
            self.parP1 = parP1
            self.parP2 = parP2
            self.parP3 = parP3
            self.parP4 = parP4
            self.parP5 = parP5
            self.parP6 = parP6
            self.parP7 = parP7
            self.parP8 = parP8
            self.parP9 = parP9
            self.parP10 = parP10
            self.parH1 = parH1
            self.parH2 = parH2
            self.parH3 = parH3
            self.parH4 = parH4
            self.parH5 = parH5
            self.parH6 = parH6
            self.parH7 = parH7
            self.parG1 = parG1
            self.parG2 = parG2
            self.parG3 = parG3
            self.resHeatRange = resHeatRange
            self.resHeatVal = resHeatVal
            self.rangeSwitchingError = rangeSwitchingError
        }

        /// Parses the three calibration blocks: `coeff1` read from 0x8A...0xA0, `coeff2` from
        /// 0xE1...0xEE and `coeff3` from 0x00...0x04. Nil if a block has the wrong length.
        public init?(coeff1 a: [UInt8], coeff2 b: [UInt8], coeff3 c: [UInt8]) {
            guard a.count == BME680.coeff1Length, b.count == BME680.coeff2Length, c.count == BME680.coeff3Length
            else { return nil }
            // Offsets are register - 0x8A, register - 0xE1 and register - 0x00.
            func s8(_ byte: UInt8) -> Int8 { Int8(bitPattern: byte) }
            parT2 = RegisterBytes.int16LE(a[0], a[1])        // 0x8A/0x8B
            parT3 = s8(a[2])                                 // 0x8C
            parP1 = RegisterBytes.uint16LE(a[4], a[5])       // 0x8E/0x8F
            parP2 = RegisterBytes.int16LE(a[6], a[7])        // 0x90/0x91
            parP3 = s8(a[8])                                 // 0x92
            parP4 = RegisterBytes.int16LE(a[10], a[11])      // 0x94/0x95
            parP5 = RegisterBytes.int16LE(a[12], a[13])      // 0x96/0x97
            parP7 = s8(a[14])                                // 0x98
            parP6 = s8(a[15])                                // 0x99
            parP8 = RegisterBytes.int16LE(a[18], a[19])      // 0x9C/0x9D
            parP9 = RegisterBytes.int16LE(a[20], a[21])      // 0x9E/0x9F
            parP10 = a[22]                                   // 0xA0
            parH2 = UInt16(b[0]) << 4 | UInt16(b[1] >> 4)    // 0xE1, 0xE2<7:4>
            parH1 = UInt16(b[2]) << 4 | UInt16(b[1] & 0x0F)  // 0xE3, 0xE2<3:0>
            parH3 = s8(b[3])                                 // 0xE4
            parH4 = s8(b[4])                                 // 0xE5
            parH5 = s8(b[5])                                 // 0xE6
            parH6 = b[6]                                     // 0xE7
            parH7 = s8(b[7])                                 // 0xE8
            parT1 = RegisterBytes.uint16LE(b[8], b[9])       // 0xE9/0xEA
            parG2 = RegisterBytes.int16LE(b[10], b[11])      // 0xEB/0xEC
            parG1 = s8(b[12])                                // 0xED
            parG3 = s8(b[13])                                // 0xEE
            resHeatVal = s8(c[0])                            // 0x00
            resHeatRange = (c[2] >> 4) & 0b11                // 0x02<5:4>
            rangeSwitchingError = s8(c[4]) >> 4              // 0x04<7:4>, arithmetic shift keeps the sign
        }

        /// The three blocks that hold these values (unused bytes and bits 0), in the order
        /// ``init(coeff1:coeff2:coeff3:)`` takes them.
        public var blocks: (coeff1: [UInt8], coeff2: [UInt8], coeff3: [UInt8]) {
            func le(_ value: UInt16) -> [UInt8] { RegisterBytes.bytesLE(value) }
            func le(_ value: Int16) -> [UInt8] { RegisterBytes.bytesLE(value) }
            func u(_ value: Int8) -> UInt8 { UInt8(bitPattern: value) }
            var a = [UInt8](repeating: 0, count: BME680.coeff1Length)
            a.replaceSubrange(0...1, with: le(parT2))
            a[2] = u(parT3)
            a.replaceSubrange(4...5, with: le(parP1))
            a.replaceSubrange(6...7, with: le(parP2))
            a[8] = u(parP3)
            a.replaceSubrange(10...11, with: le(parP4))
            a.replaceSubrange(12...13, with: le(parP5))
            a[14] = u(parP7)
            a[15] = u(parP6)
            a.replaceSubrange(18...19, with: le(parP8))
            a.replaceSubrange(20...21, with: le(parP9))
            a[22] = parP10
            var b = [UInt8](repeating: 0, count: BME680.coeff2Length)
            b[0] = UInt8(truncatingIfNeeded: parH2 >> 4)
            b[1] = UInt8(truncatingIfNeeded: parH2 & 0x0F) << 4 | UInt8(truncatingIfNeeded: parH1 & 0x0F)
            b[2] = UInt8(truncatingIfNeeded: parH1 >> 4)
            b[3] = u(parH3)
            b[4] = u(parH4)
            b[5] = u(parH5)
            b[6] = parH6
            b[7] = u(parH7)
            b.replaceSubrange(8...9, with: le(parT1))
            b.replaceSubrange(10...11, with: le(parG2))
            b[12] = u(parG1)
            b[13] = u(parG3)
            var c = [UInt8](repeating: 0, count: BME680.coeff3Length)
            c[0] = u(resHeatVal)
            c[2] = (resHeatRange & 0b11) << 4
            c[4] = UInt8(bitPattern: rangeSwitchingError << 4)
            return (a, b, c)
        }

        /// Why the calibration cannot be used, or nil. A part that reads all zeros or all
        /// ones (a bus without the part, an NVM not yet copied) would divide by zero in
        /// the pressure formula or give a constant temperature.
        public func implausibility(coeff1: [UInt8], coeff2: [UInt8]) -> String? {
            let bytes = coeff1 + coeff2
            if bytes.allSatisfy({ $0 == 0x00 }) { return "every calibration byte reads 0x00" }
            if bytes.allSatisfy({ $0 == 0xFF }) { return "every calibration byte reads 0xff" }
            if parT1 == 0 { return "par_t1 is 0" }
            if parP1 == 0 { return "par_p1 is 0" }
            return nil
        }
    }

    /// The integer temperature compensation (section 3.3.1), bit for bit: the temperature
    /// in 0.01 °C and `t_fine`, which pressure and humidity take. Arithmetic wraps like the
    /// reference code instead of trapping, so garbage input cannot crash.
    public static func compensateTemperature(adcT: Int32, calibration c: Calibration)
        -> (hundredthsCelsius: Int32, tFine: Int32) {
        let var1 = (adcT >> 3) &- (Int32(c.parT1) << 1)
        let var2 = (var1 &* Int32(c.parT2)) >> 11
        let var3 = ((((var1 >> 1) &* (var1 >> 1)) >> 12) &* (Int32(c.parT3) << 4)) >> 14
        let tFine = var2 &+ var3
        return ((tFine &* 5 &+ 128) >> 8, tFine)
    }

    /// The integer pressure compensation (section 3.3.2), bit for bit: pressure in Pa,
    /// or 0 where the formula would divide by zero.
    public static func compensatePressure(adcP: Int32, tFine: Int32, calibration c: Calibration) -> Int32 {
        var var1 = (tFine >> 1) &- 64_000
        var var2 = ((((var1 >> 2) &* (var1 >> 2)) >> 11) &* Int32(c.parP6)) >> 2
        var2 = var2 &+ ((var1 &* Int32(c.parP5)) << 1)
        var2 = (var2 >> 2) &+ (Int32(c.parP4) << 16)
        var1 = (((((var1 >> 2) &* (var1 >> 2)) >> 13) &* (Int32(c.parP3) << 5)) >> 3) &+ ((Int32(c.parP2) &* var1) >> 1)
        var1 = var1 >> 18
        var1 = ((32_768 &+ var1) &* Int32(c.parP1)) >> 15
        guard var1 != 0 else { return 0 }
        var pressure = 1_048_576 &- adcP
        pressure = (pressure &- (var2 >> 12)) &* 3125
        // The reference code divides before doubling once the product could overflow.
        if pressure >= 1 << 30 {
            let (quotient, overflow) = pressure.dividedReportingOverflow(by: var1)
            if overflow { return 0 }
            pressure = quotient << 1
        } else {
            let (quotient, overflow) = (pressure << 1).dividedReportingOverflow(by: var1)
            if overflow { return 0 }
            pressure = quotient
        }
        var1 = (Int32(c.parP9) &* (((pressure >> 3) &* (pressure >> 3)) >> 13)) >> 12
        var2 = ((pressure >> 2) &* Int32(c.parP8)) >> 13
        let var3 = ((pressure >> 8) &* (pressure >> 8) &* (pressure >> 8) &* Int32(c.parP10)) >> 17
        return pressure &+ ((var1 &+ var2 &+ var3 &+ (Int32(c.parP7) << 7)) >> 4)
    }

    /// The integer humidity compensation (section 3.3.3), bit for bit: relative humidity
    /// in 0.001 %RH, clamped by the formula to 0...100000. `temp_scaled` is the compensated
    /// temperature in 0.01 °C from `t_fine`.
    public static func compensateHumidity(adcH: Int32, tFine: Int32, calibration c: Calibration) -> Int32 {
        let tempScaled = (tFine &* 5 &+ 128) >> 8
        let var1 = adcH &- (Int32(c.parH1) << 4) &- (((tempScaled &* Int32(c.parH3)) / 100) >> 1)
        let var2 = (Int32(c.parH2) &* (((tempScaled &* Int32(c.parH4)) / 100)
            &+ (((tempScaled &* ((tempScaled &* Int32(c.parH5)) / 100)) >> 6) / 100) &+ (1 << 14))) >> 10
        let var3 = var1 &* var2
        let var4 = ((Int32(c.parH6) << 7) &+ ((tempScaled &* Int32(c.parH7)) / 100)) >> 4
        let var5 = ((var3 >> 14) &* (var3 >> 14)) >> 10
        let var6 = (var4 &* var5) >> 1
        let humidity = (((var3 &+ var6) >> 10) &* 1000) >> 12
        return min(max(humidity, 0), 100_000)
    }

    /// `const_array1_int` of the BME680's integer gas resistance formula (section 3.4.1),
    /// indexed by `gas_range`. (The BME688 uses another formula without these tables.)
    public static let gasRangeArray1: [Int64] = [
        2_147_483_647, 2_147_483_647, 2_147_483_647, 2_147_483_647, 2_147_483_647, 2_126_008_810, 2_147_483_647,
        2_130_303_777, 2_147_483_647, 2_147_483_647, 2_143_188_679, 2_136_746_228, 2_147_483_647, 2_126_008_810,
        2_147_483_647, 2_147_483_647,
    ]
    /// `const_array2_int`, indexed by `gas_range`.
    public static let gasRangeArray2: [Int64] = [
        4_096_000_000, 2_048_000_000, 1_024_000_000, 512_000_000, 255_744_255, 127_110_228, 64_000_000, 32_258_064,
        16_016_016, 8_000_000, 4_000_000, 2_000_000, 1_000_000, 500_000, 250_000, 125_000,
    ]

    /// The BME680's integer gas resistance formula (section 3.4.1), bit for bit: the
    /// resistance in Ω from the 10-bit `gas_adc`, the 4-bit `gas_range` and the
    /// range switching error.
    public static func gasResistance(adc: UInt16, range: UInt8, calibration c: Calibration) -> UInt32 {
        let index = Int(range & 0x0F)
        let var1 = ((1340 + 5 * Int64(c.rangeSwitchingError)) * gasRangeArray1[index]) >> 16
        let var2 = (Int64(adc & 0x3FF) << 15) - 16_777_216 + var1
        let var3 = (gasRangeArray2[index] * var1) >> 9
        // var1 is at least 1300 · 2^31 / 2^16, so var2 stays positive for every 10-bit adc.
        guard var2 > 0 else { return 0 }
        return UInt32(clamping: (var3 + (var2 >> 1)) / var2)
    }

    /// The target heater resistance code `res_heat_x` for `target` °C at `ambient` °C, by
    /// the datasheet's floating-point formula (section 3.3.5), truncated like its
    /// `(uint8_t)` cast and clamped to a byte. The set-point needs no bit-exactness, and the
    /// integer variant weighs `par_g3` differently between datasheet and reference code.
    public static func heaterResistance(target: Int, ambient: Int, calibration c: Calibration) -> UInt8 {
        let var1 = Double(c.parG1) / 16 + 49
        let var2 = Double(c.parG2) / 32768 * 0.0005 + 0.00235
        let var3 = Double(c.parG3) / 1024
        let var4 = var1 * (1 + var2 * Double(target))
        let var5 = var4 + var3 * Double(ambient)
        let code = 3.4 * (var5 * (4 / (4 + Double(c.resHeatRange))) * (1 / (1 + Double(c.resHeatVal) * 0.002)) - 25)
        guard code.isFinite else { return 0 }
        return UInt8(min(max(code, 0), 255).rounded(.towardZero))
    }

    /// `gas_wait_x` for a heater-on time of `milliseconds` (section 5.3.3.3): bits 5:0 a
    /// count of 1 ms steps, bits 7:6 its multiplication factor ×1, ×4, ×16 or ×64. Takes
    /// the smallest factor that holds the time, rounding the count up so the heater is on
    /// at least as long as asked; clamped to 1...4032 ms.
    public static func gasWait(milliseconds: Int) -> UInt8 {
        let wanted = min(max(milliseconds, 1), 4032)
        for (bits, factor) in [(0, 1), (1, 4), (2, 16), (3, 64)] {
            let count = (wanted + factor - 1) / factor
            if count <= 0x3F { return UInt8(bits << 6 | count) }
        }
        return 0xFF
    }

    /// The heater-on time a `gas_wait_x` value encodes, in milliseconds.
    public static func gasWaitMilliseconds(_ code: UInt8) -> Int {
        Int(code & 0x3F) * [1, 4, 16, 64][Int(code >> 6)]
    }

    /// The raw values of one burst read of 0x1F...0x2B.
    public struct RawSample: Sendable, Equatable {
        /// 20-bit `press_adc`.
        public var pressure: UInt32
        /// 20-bit `temp_adc`.
        public var temperature: UInt32
        /// 16-bit `hum_adc`.
        public var humidity: UInt32
        /// 10-bit `gas_adc`.
        public var gas: UInt16
        /// `gas_range_r`, 4 bits.
        public var gasRange: UInt8
        /// `gas_valid_r`: the gas slot held a real conversion.
        public var gasValid: Bool
        /// `heat_stab_r`: the heater reached its target before the conversion.
        public var heaterStable: Bool

        public init(pressure: UInt32, temperature: UInt32, humidity: UInt32, gas: UInt16, gasRange: UInt8,
                    gasValid: Bool, heaterStable: Bool) {
            self.pressure = pressure
            self.temperature = temperature
            self.humidity = humidity
            self.gas = gas
            self.gasRange = gasRange
            self.gasValid = gasValid
            self.heaterStable = heaterStable
        }

        /// Splits the 13 data bytes (`press_msb` ... `gas_r_lsb`); nil for another length.
        public init?(data: [UInt8]) {
            guard data.count == BME680.dataLength else { return nil }
            pressure = RegisterBytes.uint20(msb: data[0], lsb: data[1], xlsb: data[2])
            temperature = RegisterBytes.uint20(msb: data[3], lsb: data[4], xlsb: data[5])
            humidity = UInt32(RegisterBytes.uint16BE(data[6], data[7]))
            let gasLSB = data[12]
            gas = UInt16(data[11]) << 2 | UInt16(gasLSB >> 6)
            gasValid = gasLSB & GasBit.gasValid != 0
            heaterStable = gasLSB & GasBit.heatStab != 0
            gasRange = gasLSB & GasBit.gasRangeMask
        }

        /// The 13 data register bytes that hold these values (unused bits and the three
        /// reserved registers 0x27...0x29 read 0).
        public var data: [UInt8] {
            let gasLSB = UInt8(truncatingIfNeeded: gas & 0b11) << 6 | (gasValid ? GasBit.gasValid : 0)
                | (heaterStable ? GasBit.heatStab : 0) | gasRange & GasBit.gasRangeMask
            return [UInt8(truncatingIfNeeded: pressure >> 12), UInt8(truncatingIfNeeded: pressure >> 4),
                    UInt8(truncatingIfNeeded: pressure << 4),
                    UInt8(truncatingIfNeeded: temperature >> 12), UInt8(truncatingIfNeeded: temperature >> 4),
                    UInt8(truncatingIfNeeded: temperature << 4),
                    UInt8(truncatingIfNeeded: humidity >> 8), UInt8(truncatingIfNeeded: humidity),
                    0, 0, 0,
                    UInt8(truncatingIfNeeded: gas >> 2), gasLSB]
        }
    }

    /// One compensated measurement.
    public struct Measurement: Sendable, Equatable {
        /// °C, resolution 0.01.
        public var temperature: Double
        /// %RH, resolution 0.001.
        public var humidity: Double
        /// hPa, resolution 0.01.
        public var pressure: Double
        /// Ω; NaN when the reading has no valid gas conversion (heater not stable).
        public var gasResistance: Double

        public init(temperature: Double, humidity: Double, pressure: Double, gasResistance: Double) {
            self.temperature = temperature
            self.humidity = humidity
            self.pressure = pressure
            self.gasResistance = gasResistance
        }

        /// Equal, with NaN gas resistances equal to each other.
        public static func == (lhs: Measurement, rhs: Measurement) -> Bool {
            lhs.temperature == rhs.temperature && lhs.humidity == rhs.humidity && lhs.pressure == rhs.pressure
                && (lhs.gasResistance == rhs.gasResistance || (lhs.gasResistance.isNaN && rhs.gasResistance.isNaN))
        }
    }

    /// Why a data read cannot be published.
    public typealias DecodeFailure = BoschDecodeFailure

    /// Turns the 13 data bytes of 0x1F...0x2B into physical values with the integer
    /// formulas, rejecting skipped measurements and values outside the part's range.
    /// A gas slot without a valid conversion on a stable heater gives a NaN gas resistance.
    public static func decode(data: [UInt8], calibration: Calibration) throws(DecodeFailure) -> Measurement {
        guard let raw = RawSample(data: data) else { throw .wrongLength(data.count, expected: dataLength) }
        return try decode(raw, calibration: calibration)
    }

    /// Compensates raw values; see ``decode(data:calibration:)``.
    public static func decode(_ raw: RawSample, calibration: Calibration) throws(DecodeFailure) -> Measurement {
        if raw.temperature == skippedTemperatureOrPressure { throw .skipped(channel: "temperature", raw: raw.temperature) }
        if raw.pressure == skippedTemperatureOrPressure { throw .skipped(channel: "pressure", raw: raw.pressure) }
        if raw.humidity == skippedHumidity { throw .skipped(channel: "humidity", raw: raw.humidity) }

        let (hundredths, tFine) = compensateTemperature(adcT: Int32(raw.temperature), calibration: calibration)
        let pascal = compensatePressure(adcP: Int32(raw.pressure), tFine: tFine, calibration: calibration)
        let milliPercent = compensateHumidity(adcH: Int32(raw.humidity), tFine: tFine, calibration: calibration)

        let temperature = Double(hundredths) / 100
        let pressure = Double(pascal) / 100
        let humidity = Double(milliPercent) / 1000
        guard temperatureRange.contains(temperature) else {
            throw .outOfRange(channel: "temperature", value: temperature, unit: "°C", range: temperatureRange)
        }
        guard pressureRange.contains(pressure) else {
            throw .outOfRange(channel: "pressure", value: pressure, unit: "hPa", range: pressureRange)
        }
        guard humidityRange.contains(humidity) else {
            throw .outOfRange(channel: "humidity", value: humidity, unit: "%", range: humidityRange)
        }
        let gas = raw.gasValid && raw.heaterStable
            ? Double(gasResistance(adc: raw.gas, range: raw.gasRange, calibration: calibration))
            : .nan
        return Measurement(temperature: temperature, humidity: humidity, pressure: pressure, gasResistance: gas)
    }
}
