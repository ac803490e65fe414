import SensorgateCore
import SensorDrivers

/// A Bosch BME680 at the register level, computed from physical values.
///
/// It holds the part's register image: the calibration blocks (0x8A...0xA0, 0xE1...0xEE,
/// 0x00...0x04), chip and variant ids, `reset`, `ctrl_hum`, `ctrl_meas`, `config`,
/// `ctrl_gas_0`/`ctrl_gas_1`, the ten heater set-points (`idac_heat_x`, `res_heat_x`,
/// `gas_wait_x`), `meas_status_0` and the data registers. Writing forced mode to
/// `ctrl_meas` starts a TPHG cycle: the part asks `values` for `temperature` (°C),
/// `humidity` (%RH), `pressure` (hPa) and `gas_resistance` (Ω) (nil means 21 °C, 50 %,
/// 1013.25 hPa, 50 kΩ) and finds the raw values that the datasheet's integer formulas map
/// back to them — by bisection over the monotonic formulas, and for the gas resistance over
/// every `gas_range`, keeping the closest — so the driver reads the physical values back
/// within the formulas' resolution. The results appear in the data registers, with
/// `new_data_0` set, once the cycle has run on `clock`: the TPH conversions (the reference
/// driver's estimate for the oversampling in use) and then the heater-on time of the
/// selected set-point, during which `gas_measuring` is set.
///
/// The gas conversion is valid (`gas_valid_r`) when `run_gas` is on; the heater is stable
/// (`heat_stab_r`) when its set-point has a non-zero `res_heat_x`, `heat_off` is clear and
/// the heater-on time is at least ``heaterSettlingTime`` (25 ms by default: the datasheet
/// says 20...30 ms reach the target). Like the real part: `ctrl_hum` takes effect at the
/// next `ctrl_meas` write; a skipped measurement leaves 0x80000 (0x8000 for humidity) in
/// its data registers; a soft reset (0xB6 to 0xE0) restores the reset values; multi-byte
/// writes are register/value pairs. Not modelled: the IIR filter, the lower resolution of
/// unfiltered temperature and pressure (16 + osrs − 1 bits), the heater warming the part,
/// SPI and its memory pages.
public final class SimulatedBME680: SimulatedI2CDevice, @unchecked Sendable {
    /// The trimming values of a plausible part (in the ranges real parts report; Bosch
    /// publishes no reference image).
    public static let referenceCalibration = BME680.Calibration(
        parT1: 25827, parT2: 26204, parT3: 3,
        parP1: 35877, parP2: -10296, parP3: 88, parP4: 6716, parP5: -126, parP6: 30, parP7: 35,
        parP8: -1497, parP9: -2929, parP10: 30,
        parH1: 765, parH2: 1020, parH3: 0, parH4: 45, parH5: 20, parH6: 120, parH7: -100,
        parG1: -30, parG2: -12000, parG3: 18,
        resHeatRange: 1, resHeatVal: 40, rangeSwitchingError: 1)

    /// What a channel reads when `values` returns nil.
    public static func defaultValue(_ channel: String) -> Double {
        switch channel {
        case "temperature": 21
        case "humidity": 50
        case "pressure": 1013.25
        case "gas_resistance": 50_000
        default: 0
        }
    }

    public let calibration: BME680.Calibration
    public var writeLayout: SimulatedWriteLayout { .registerValuePairs }

    private let clock: any MonotonicClock
    private let values: @Sendable (String) -> Double?
    private let coeff1: [UInt8]
    private let coeff2: [UInt8]
    private let coeff3: [UInt8]
    private let lock = Mutex()

    // Register image.
    private let id: UInt8
    private let variant: UInt8
    private var ctrlHum: UInt8 = 0
    private var ctrlMeas: UInt8 = 0
    private var config: UInt8 = 0
    private var ctrlGas0: UInt8 = 0
    private var ctrlGas1: UInt8 = 0
    private var idacHeat = [UInt8](repeating: 0, count: 10)
    private var resHeat = [UInt8](repeating: 0, count: 10)
    private var gasWait = [UInt8](repeating: 0, count: 10)
    private var data: [UInt8] = SimulatedBME680.resetData
    private var newData = false
    /// `osrs_h` as latched by the last `ctrl_meas` write.
    private var humidityBits: UInt8 = 0

    // Timing state.
    private var tphEnds: Timestamp?
    private var cycleEnds: Timestamp?
    private var pendingSample: BME680.RawSample?

    // Knobs.
    private var settling = Interval.milliseconds(25)
    private var measurements = 0

    static let resetData: [UInt8] = [0x80, 0x00, 0x00, 0x80, 0x00, 0x00, 0x80, 0x00, 0, 0, 0, 0, 0]

    /// - Parameters:
    ///   - calibration: the part's trimming values.
    ///   - chipID: what register 0xD0 reads; 0x60 makes it look like a BME280.
    ///   - variantID: what register 0xF0 reads; 0x01 makes it look like a BME688.
    ///   - clock: the time base of the cycle.
    ///   - values: the physical values by channel name; called while the bus is locked.
    public init(calibration: BME680.Calibration = SimulatedBME680.referenceCalibration,
                chipID: UInt8 = BME680.chipID, variantID: UInt8 = BME680.variantID,
                clock: any MonotonicClock = SystemClock(),
                values: @escaping @Sendable (String) -> Double?) {
        self.calibration = calibration
        (coeff1, coeff2, coeff3) = calibration.blocks
        self.id = chipID
        self.variant = variantID
        self.clock = clock
        self.values = values
    }

    // MARK: Knobs for tests

    /// The heater-on time the hot plate needs to reach its target; a shorter `gas_wait_x`
    /// leaves `heat_stab_r` clear.
    public var heaterSettlingTime: Interval {
        get { lock.withLock { settling } }
        set { lock.withLock { settling = newValue } }
    }

    /// How many TPHG cycles the part has completed.
    public var measurementCount: Int { lock.withLock { measurements } }

    /// `res_heat_0`, `gas_wait_0` and `ctrl_gas_1` as last written.
    public var heaterSetPoint0: (resHeat: UInt8, gasWait: UInt8, ctrlGas1: UInt8) {
        lock.withLock { (resHeat[0], gasWait[0], ctrlGas1) }
    }

    // MARK: SimulatedI2CDevice

    public func beginTransaction() {
        lock.withLock { advance(to: clock.now()) }
    }

    public func readRegister(_ register: UInt8) -> UInt8 {
        lock.withLock {
            switch register {
            case 0x00...0x04: return coeff3[Int(register)]
            case BME680.Register.measStatus0:
                let now = clock.now()
                var status: UInt8 = newData ? BME680.StatusBit.newData0 : 0
                if let ends = cycleEnds, now < ends {
                    status |= BME680.StatusBit.measuring
                    if let tph = tphEnds, now >= tph { status |= BME680.StatusBit.gasMeasuring }
                }
                return status
            case 0x1F...0x2B: return data[Int(register - 0x1F)]
            case 0x50...0x59: return idacHeat[Int(register - 0x50)]
            case 0x5A...0x63: return resHeat[Int(register - 0x5A)]
            case 0x64...0x6D: return gasWait[Int(register - 0x64)]
            case BME680.Register.ctrlGas0: return ctrlGas0
            case BME680.Register.ctrlGas1: return ctrlGas1
            case BME680.Register.ctrlHum: return ctrlHum
            case BME680.Register.ctrlMeas: return ctrlMeas
            case BME680.Register.config: return config
            case 0x8A...0xA0: return coeff1[Int(register - 0x8A)]
            case BME680.Register.id: return id
            case 0xE1...0xEE: return coeff2[Int(register - 0xE1)]
            case BME680.Register.variantID: return variant
            default: return 0 // `reset` and the reserved registers
            }
        }
    }

    public func writeRegister(_ register: UInt8, value: UInt8) {
        lock.withLock {
            let now = clock.now()
            advance(to: now)
            switch register {
            case BME680.Register.reset:
                if value == BME680.resetCommand { resetLocked() }
            case 0x50...0x59: idacHeat[Int(register - 0x50)] = value
            case 0x5A...0x63: resHeat[Int(register - 0x5A)] = value
            case 0x64...0x6D: gasWait[Int(register - 0x64)] = value
            case BME680.Register.ctrlGas0: ctrlGas0 = value & 0b0000_1000
            case BME680.Register.ctrlGas1: ctrlGas1 = value & 0b0001_1111
            case BME680.Register.ctrlHum: ctrlHum = value & 0b0100_0111
            case BME680.Register.config: config = value & 0b0001_1100
            case BME680.Register.ctrlMeas: writeCtrlMeas(value, now: now)
            default: break // read-only or reserved
            }
        }
    }

    // MARK: Behaviour (lock held)

    private func resetLocked() {
        ctrlHum = 0
        ctrlMeas = 0
        config = 0
        ctrlGas0 = 0
        ctrlGas1 = 0
        idacHeat = [UInt8](repeating: 0, count: 10)
        resHeat = [UInt8](repeating: 0, count: 10)
        gasWait = [UInt8](repeating: 0, count: 10)
        data = Self.resetData
        newData = false
        humidityBits = 0
        tphEnds = nil
        cycleEnds = nil
        pendingSample = nil
    }

    private func writeCtrlMeas(_ value: UInt8, now: Timestamp) {
        ctrlMeas = value
        humidityBits = ctrlHum & 0b111
        guard value & 0b11 == BME680.Mode.forced.rawValue, cycleEnds == nil else { return }
        newData = false
        let setPoint = Int(ctrlGas1 & 0x0F) % 10
        let runGas = ctrlGas1 & BME680.runGas != 0
        let heaterOn = runGas ? Interval.milliseconds(BME680.gasWaitMilliseconds(gasWait[setPoint])) : .zero
        let stable = runGas && ctrlGas0 & 0b1000 == 0 && resHeat[setPoint] != 0 && heaterOn >= settling
        let tph = tphTime()
        tphEnds = now + tph
        cycleEnds = now + tph + heaterOn
        pendingSample = sample(gasValid: runGas, heaterStable: stable)
    }

    /// The reference driver's estimate of the TPH conversions (see ``BME680/measurementTime``)
    /// for the oversampling latched now.
    private func tphTime() -> Interval {
        func samples(_ bits: UInt8) -> Int { bits == 0 ? 0 : 1 << Int(min(bits, 5) - 1) }
        let count = samples(ctrlMeas >> 5) + samples((ctrlMeas >> 2) & 0b111) + samples(humidityBits)
        return .microseconds(count * 1_963 + 477 * 4 + 477 * 5 + 1_000)
    }

    /// Completes a cycle that has finished by `now`.
    private func advance(to now: Timestamp) {
        guard let ends = cycleEnds, now >= ends else { return }
        if let raw = pendingSample { data = raw.data }
        newData = true
        cycleEnds = nil
        tphEnds = nil
        pendingSample = nil
        measurements += 1
        ctrlMeas &= ~0b11 // back to sleep mode
    }

    /// The raw values for the physical values now, honouring skipped measurements.
    private func sample(gasValid: Bool, heaterStable: Bool) -> BME680.RawSample {
        let celsius = values("temperature") ?? Self.defaultValue("temperature")
        let percent = values("humidity") ?? Self.defaultValue("humidity")
        let hectopascal = values("pressure") ?? Self.defaultValue("pressure")
        let ohms = values("gas_resistance") ?? Self.defaultValue("gas_resistance")
        let (adcT, tFine) = Self.rawTemperature(celsius: celsius, calibration: calibration)
        let adcP = Self.rawPressure(hectopascal: hectopascal, tFine: tFine, calibration: calibration)
        let adcH = Self.rawHumidity(percent: percent, tFine: tFine, calibration: calibration)
        let (gas, range) = gasValid ? Self.rawGas(ohms: ohms, calibration: calibration) : (0, 0)
        return BME680.RawSample(
            pressure: (ctrlMeas >> 2) & 0b111 == 0 ? BME680.skippedTemperatureOrPressure : adcP,
            temperature: ctrlMeas >> 5 == 0 ? BME680.skippedTemperatureOrPressure : adcT,
            humidity: humidityBits == 0 ? BME680.skippedHumidity : adcH,
            gas: gas, gasRange: range, gasValid: gasValid, heaterStable: heaterStable)
    }

    // MARK: Inverting the formulas

    /// The 20-bit `temp_adc` whose `t_fine` is closest to `celsius` (T = t_fine / 5120 °C),
    /// and that `t_fine`.
    public static func rawTemperature(celsius: Double, calibration: BME680.Calibration) -> (UInt32, Int32) {
        let adc = SimulatedBME280.bisect(upTo: 0xFFFFF, avoiding: BME680.skippedTemperatureOrPressure,
                                         target: celsius * 5120, increasing: true) {
            Double(BME680.compensateTemperature(adcT: Int32($0), calibration: calibration).tFine)
        }
        return (adc, BME680.compensateTemperature(adcT: Int32(adc), calibration: calibration).tFine)
    }

    /// The 20-bit `press_adc` whose compensated pressure is closest to `hectopascal`.
    public static func rawPressure(hectopascal: Double, tFine: Int32, calibration: BME680.Calibration) -> UInt32 {
        SimulatedBME280.bisect(upTo: 0xFFFFF, avoiding: BME680.skippedTemperatureOrPressure,
                               target: hectopascal * 100, increasing: false) {
            Double(BME680.compensatePressure(adcP: Int32($0), tFine: tFine, calibration: calibration))
        }
    }

    /// The 16-bit `hum_adc` whose compensated humidity is closest to `percent`.
    public static func rawHumidity(percent: Double, tFine: Int32, calibration: BME680.Calibration) -> UInt32 {
        SimulatedBME280.bisect(upTo: 0xFFFF, avoiding: BME680.skippedHumidity, target: percent * 1000, increasing: true) {
            Double(BME680.compensateHumidity(adcH: Int32($0), tFine: tFine, calibration: calibration))
        }
    }

    /// The 10-bit `gas_adc` and `gas_range` whose resistance is closest to `ohms`, over all
    /// sixteen ranges (the part picks its range itself).
    public static func rawGas(ohms: Double, calibration: BME680.Calibration) -> (adc: UInt16, range: UInt8) {
        var best: (adc: UInt16, range: UInt8, error: Double) = (0, 0, .infinity)
        for range in UInt8(0)...15 {
            let adc = SimulatedBME280.bisect(upTo: 0x3FF, avoiding: .max, target: ohms, increasing: false) {
                Double(BME680.gasResistance(adc: UInt16($0), range: range, calibration: calibration))
            }
            let error = abs(Double(BME680.gasResistance(adc: UInt16(adc), range: range, calibration: calibration)) - ohms)
            if error < best.error { best = (UInt16(adc), range, error) }
        }
        return (best.adc, best.range)
    }
}
