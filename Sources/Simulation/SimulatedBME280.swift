import SensorgateCore
import SensorDrivers

/// A Bosch BME280 at the register level, computed from physical values.
///
/// It holds the part's register image: calibration (0x88...0xA1, 0xE1...0xE7), chip id,
/// `reset`, `ctrl_hum`, `status`, `ctrl_meas`, `config` and the data registers. Writing
/// forced mode to `ctrl_meas` starts a measurement: the part asks `values` for
/// `temperature` (°C), `humidity` (%RH) and `pressure` (hPa) (nil means 21 °C, 50 %,
/// 1013.25 hPa) and finds the raw ADC values that the datasheet's integer compensation
/// maps back to them, by bisection over the monotonic formulas; the driver therefore reads
/// the physical values back within the formulas' resolution. The results appear in
/// the data registers, and `status.measuring` clears, once the measurement time has
/// passed on `clock`. Normal mode measures every measurement time plus `t_sb`.
///
/// Like the real part: `ctrl_hum` takes effect at the next `ctrl_meas` write; a skipped
/// measurement leaves 0x80000 (0x8000 for humidity) in its data registers; a soft reset
/// (0xB6 to 0xE0) restores the reset values and sets `status.im_update` while the
/// calibration is copied from NVM, during which the calibration registers read 0; multi-byte
/// writes are register/value pairs. Not modelled: the IIR filter (outputs are unfiltered)
/// and SPI.
public final class SimulatedBME280: SimulatedI2CDevice, @unchecked Sendable {
    /// The trimming values of a real part: temperature and pressure from the worked
    /// example of the BMP280 datasheet (same formulas), humidity typical of production parts.
    public static let referenceCalibration = BME280.Calibration(
        digT1: 27504, digT2: 26435, digT3: -1000,
        digP1: 36477, digP2: -10685, digP3: 3024, digP4: 2855, digP5: 140, digP6: -7,
        digP7: 15500, digP8: -14600, digP9: 6000,
        digH1: 75, digH2: 362, digH3: 0, digH4: 313, digH5: 50, digH6: 30)

    /// What a channel reads when `values` returns nil.
    public static func defaultValue(_ channel: String) -> Double {
        switch channel {
        case "temperature": 21
        case "humidity": 50
        case "pressure": 1013.25
        default: 0
        }
    }

    /// `t_sb[2:0]` of `config` in microseconds (table 27).
    static let standbyMicroseconds: [Int] = [500, 62_500, 125_000, 250_000, 500_000, 1_000_000, 10_000, 20_000]

    public let calibration: BME280.Calibration
    public var writeLayout: SimulatedWriteLayout { .registerValuePairs }

    private let clock: any MonotonicClock
    private let values: @Sendable (String) -> Double?
    private let calib00: [UInt8]
    private let calib26: [UInt8]
    private let lock = Mutex()

    // Register image.
    private var id: UInt8
    private var ctrlHum: UInt8 = 0
    private var ctrlMeas: UInt8 = 0
    private var config: UInt8 = 0
    private var data: [UInt8] = SimulatedBME280.resetData
    /// `osrs_h` as latched by the last `ctrl_meas` write.
    private var humidityOversampling = BME280.Oversampling.skipped

    // Timing state.
    private var nvmCopyEnds: Timestamp?
    private var forcedEnds: Timestamp?
    private var forcedSample: BME280.RawSample?
    private var normalStart: Timestamp?
    private var normalCompleted = 0

    // Knobs.
    private var nvmDuration = Interval.microseconds(500)
    private var measurementDuration: Interval?
    private var measurements = 0

    static let resetData: [UInt8] = [0x80, 0x00, 0x00, 0x80, 0x00, 0x00, 0x80, 0x00]

    /// - Parameters:
    ///   - calibration: the part's trimming values.
    ///   - chipID: what register 0xD0 reads; 0x58 makes it look like a BMP280.
    ///   - clock: the time base of measurement and NVM copy durations.
    ///   - values: the physical values by channel name; called while the bus is locked.
    public init(calibration: BME280.Calibration = SimulatedBME280.referenceCalibration,
                chipID: UInt8 = BME280.chipID,
                clock: any MonotonicClock = SystemClock(),
                values: @escaping @Sendable (String) -> Double?) {
        self.calibration = calibration
        self.calib00 = calibration.calib00Bytes
        self.calib26 = calibration.calib26Bytes
        self.id = chipID
        self.clock = clock
        self.values = values
    }

    // MARK: Knobs for tests

    /// How long `status.im_update` stays set after a reset (default 0.5 ms). Make it
    /// very long to simulate an NVM copy that never finishes.
    public var nvmCopyTime: Interval {
        get { lock.withLock { nvmDuration } }
        set { lock.withLock { nvmDuration = newValue } }
    }

    /// How long a measurement takes; nil (the default) means the datasheet's typical time
    /// for the oversampling in use (8 ms at x1/x1/x1).
    public var measurementTime: Interval? {
        get { lock.withLock { measurementDuration } }
        set { lock.withLock { measurementDuration = newValue } }
    }

    /// How many measurements the part has completed.
    public var measurementCount: Int { lock.withLock { measurements } }

    /// A power glitch: every register returns to its reset value and the NVM copy runs again.
    public func powerCycle() {
        lock.withLock { resetLocked(now: clock.now()) }
    }

    // MARK: SimulatedI2CDevice

    public func beginTransaction() {
        lock.withLock { advance(to: clock.now()) }
    }

    public func readRegister(_ register: UInt8) -> UInt8 {
        lock.withLock {
            let copying = nvmCopyEnds != nil
            switch register {
            case 0x88...0xA1:
                return copying ? 0 : calib00[Int(register - 0x88)]
            case 0xE1...0xE7:
                return copying ? 0 : calib26[Int(register - 0xE1)]
            case BME280.Register.id:
                return id
            case BME280.Register.ctrlHum:
                return ctrlHum
            case BME280.Register.status:
                var status: UInt8 = 0
                if copying { status |= BME280.StatusBit.imUpdate }
                if isMeasuring(now: clock.now()) { status |= BME280.StatusBit.measuring }
                return status
            case BME280.Register.ctrlMeas:
                return ctrlMeas
            case BME280.Register.config:
                return config
            case 0xF7...0xFE:
                return data[Int(register - 0xF7)]
            default:
                // `reset` and the reserved registers read 0.
                return 0
            }
        }
    }

    public func writeRegister(_ register: UInt8, value: UInt8) {
        lock.withLock {
            let now = clock.now()
            switch register {
            case BME280.Register.reset:
                if value == BME280.resetCommand { resetLocked(now: now) }
            case BME280.Register.ctrlHum:
                ctrlHum = value & 0b111
            case BME280.Register.config:
                config = value & 0b1111_1101
            case BME280.Register.ctrlMeas:
                writeCtrlMeas(value, now: now)
            default:
                break // read-only or reserved
            }
        }
    }

    // MARK: Behaviour (lock held)

    private func resetLocked(now: Timestamp) {
        ctrlHum = 0
        ctrlMeas = 0
        config = 0
        data = Self.resetData
        humidityOversampling = .skipped
        forcedEnds = nil
        forcedSample = nil
        normalStart = nil
        normalCompleted = 0
        nvmCopyEnds = now + nvmDuration
    }

    private func writeCtrlMeas(_ value: UInt8, now: Timestamp) {
        advance(to: now)
        ctrlMeas = value
        humidityOversampling = BME280.Oversampling(bits: ctrlHum)
        switch value & 0b11 {
        case 0b01, 0b10:
            normalStart = nil
            forcedSample = sample()
            forcedEnds = now + duration()
        case 0b11:
            if normalStart == nil {
                normalStart = now
                normalCompleted = 0
            }
        default:
            normalStart = nil
        }
    }

    private var temperatureOversampling: BME280.Oversampling { BME280.Oversampling(bits: ctrlMeas >> 5) }
    private var pressureOversampling: BME280.Oversampling { BME280.Oversampling(bits: ctrlMeas >> 2) }

    private func duration() -> Interval {
        measurementDuration ?? BME280.typicalMeasurementTime(
            temperature: temperatureOversampling, pressure: pressureOversampling, humidity: humidityOversampling)
    }

    private func cycle() -> Interval {
        duration() + .microseconds(Self.standbyMicroseconds[Int(config >> 5)])
    }

    private func isMeasuring(now: Timestamp) -> Bool {
        if let ends = forcedEnds, now < ends { return true }
        if let start = normalStart, now >= start {
            let length = cycle().nanoseconds
            guard length > 0 else { return false }
            return (now - start).nanoseconds % length < duration().nanoseconds
        }
        return false
    }

    /// Completes what has finished by `now`: the NVM copy, a forced measurement, normal-mode cycles.
    private func advance(to now: Timestamp) {
        if let ends = nvmCopyEnds, now >= ends { nvmCopyEnds = nil }
        if let ends = forcedEnds, now >= ends {
            if let raw = forcedSample { data = raw.data }
            forcedEnds = nil
            forcedSample = nil
            measurements += 1
            ctrlMeas &= ~0b11 // back to sleep mode
        }
        if let start = normalStart, now >= start + duration() {
            let length = cycle().nanoseconds
            let completed = length > 0 ? Int((now - start - duration()).nanoseconds / length) + 1 : 1
            if completed > normalCompleted {
                // Only the latest result is visible; earlier unobserved cycles still count.
                measurements += completed - normalCompleted
                normalCompleted = completed
                data = sample().data
            }
        }
    }

    /// The raw values for the physical values now, honouring skipped measurements.
    private func sample() -> BME280.RawSample {
        let celsius = values("temperature") ?? Self.defaultValue("temperature")
        let percent = values("humidity") ?? Self.defaultValue("humidity")
        let hectopascal = values("pressure") ?? Self.defaultValue("pressure")
        let (adcT, tFine) = Self.rawTemperature(celsius: celsius, calibration: calibration)
        let adcP = Self.rawPressure(hectopascal: hectopascal, tFine: tFine, calibration: calibration)
        let adcH = Self.rawHumidity(percent: percent, tFine: tFine, calibration: calibration)
        return BME280.RawSample(
            pressure: pressureOversampling == .skipped ? BME280.skippedTemperatureOrPressure : adcP,
            temperature: temperatureOversampling == .skipped ? BME280.skippedTemperatureOrPressure : adcT,
            humidity: humidityOversampling == .skipped ? BME280.skippedHumidity : adcH)
    }

    // MARK: Inverting the compensation

    /// The 20-bit `adc_T` whose `t_fine` is closest to `celsius` (T = t_fine / 5120 °C),
    /// and that `t_fine`.
    public static func rawTemperature(celsius: Double, calibration: BME280.Calibration) -> (UInt32, Int32) {
        let target = celsius * 5120
        let adc = bisect(upTo: 0xFFFFF, avoiding: BME280.skippedTemperatureOrPressure, target: target, increasing: true) {
            Double(BME280.compensateTemperature(adcT: Int32($0), calibration: calibration).tFine)
        }
        return (adc, BME280.compensateTemperature(adcT: Int32(adc), calibration: calibration).tFine)
    }

    /// The 20-bit `adc_P` whose compensated pressure is closest to `hectopascal`.
    public static func rawPressure(hectopascal: Double, tFine: Int32, calibration: BME280.Calibration) -> UInt32 {
        bisect(upTo: 0xFFFFF, avoiding: BME280.skippedTemperatureOrPressure, target: hectopascal * 25_600,
               increasing: false) {
            Double(BME280.compensatePressure(adcP: Int32($0), tFine: tFine, calibration: calibration))
        }
    }

    /// The 16-bit `adc_H` whose compensated humidity is closest to `percent`.
    public static func rawHumidity(percent: Double, tFine: Int32, calibration: BME280.Calibration) -> UInt32 {
        bisect(upTo: 0xFFFF, avoiding: BME280.skippedHumidity, target: percent * 1024, increasing: true) {
            Double(BME280.compensateHumidity(adcH: Int32($0), tFine: tFine, calibration: calibration))
        }
    }

    /// The input in `0...upTo` (never `avoiding`) whose output is closest to `target`, for a
    /// monotonic `f`; out-of-reach targets give the nearest end.
    static func bisect(upTo upper: UInt32, avoiding marker: UInt32, target: Double, increasing: Bool,
                       _ f: (UInt32) -> Double) -> UInt32 {
        // Orient so the search runs over a nondecreasing function.
        func g(_ x: UInt32) -> Double { increasing ? f(x) : -f(x) }
        let goal = increasing ? target : -target
        var low: UInt32 = 0
        var high: UInt32 = upper
        // Smallest x with g(x) >= goal, or `upper` if none.
        while low < high {
            let mid = low + (high - low) / 2
            if g(mid) >= goal { high = mid } else { low = mid + 1 }
        }
        var best = low
        if low > 0, abs(g(low - 1) - goal) < abs(g(low) - goal) { best = low - 1 }
        if best == marker {
            let below = best - 1
            let above = best + 1
            best = abs(g(below) - goal) <= abs(g(above) - goal) ? below : above
        }
        return best
    }
}
