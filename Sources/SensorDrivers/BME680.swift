import SensorgateCore

/// Bosch BME680 gas, humidity, pressure and temperature sensor, over I2C.
///
/// Datasheet: Bosch Sensortec, "BME680 Low power gas, pressure, temperature & humidity
/// sensor", BST-BME680-DS001 (rev. 1.0, 07/2017),
/// <https://www.bosch-sensortec.com/media/boschsensortec/downloads/datasheets/bst-bme680-ds001.pdf>.
/// Section numbers below refer to it.
///
/// The driver runs the part in forced mode (section 3.1): `setUp` programs heater
/// set-point 0 — `res_heat_0` from the target temperature by the formula of section 3.3.5,
/// `gas_wait_0` from the heater-on time — and selects it (`ctrl_gas_1`: `run_gas` 1,
/// `nb_conv` 0). Every `read` then starts one TPHG cycle (temperature, pressure, humidity,
/// then the heater and one gas conversion) with the oversampling of the datasheet's
/// configuration example (section 3.2.1: temperature x2, pressure x16, humidity x1) and
/// the IIR filter off, waits the cycle's duration, checks `new_data_0` and burst-reads
/// the 13 data registers so every value comes from the same cycle.
///
/// A gas conversion whose heater did not reach its target (`heat_stab_r` 0) or that was
/// a dummy slot (`gas_valid_r` 0) is no measurement (section 3.4), but temperature,
/// pressure and humidity of the same cycle are: the reading publishes them and NaN for
/// `gas_resistance`, which the gateway does not publish and its filters and windows take as
/// a missing reading (the whole reading failing would lose three good values).
///
/// The heater set-point is computed for an ambient 25 °C (the reference code's default);
/// the ambient term is small (`par_g3 / 1024` per °C of a resistance near 80), a few
/// degrees of heater temperature over the part's whole operating range.
///
/// Default address 0x76 (SDO to GND), 0x77 with SDO to VDDIO; default poll interval 10 s,
/// since every heater pulse warms the part a little.
public final class BME680: SensorDriver, @unchecked Sendable {
    /// `heater_temperature`: the hot plate's target temperature.
    public static let heaterTemperatureOption = DriverOption(
        name: "heater_temperature", kind: .integer(200...400), defaultValue: .integer(320),
        meaning: "target temperature of the gas sensor's hot plate in °C (typically 200...400, section 3.3.5)")
    /// `heater_duration`: how long the heater runs before the gas conversion.
    public static let heaterDurationOption = DriverOption(
        name: "heater_duration", kind: .duration(Interval.milliseconds(1)...Interval.milliseconds(4032)),
        defaultValue: .duration(.milliseconds(150)),
        meaning: "heater-on time before each gas conversion, whole milliseconds (about 20...30 ms reach the target)")

    /// The catalog entry: default address 0x76 (SDO to GND), 0x77 with SDO to VDDIO.
    public static let descriptor = DriverDescriptor(
        name: "bme680",
        part: "BME680",
        summary: "Bosch BME680 temperature, humidity, pressure and gas resistance sensor",
        defaultAddress: 0x76,
        allowedAddresses: [0x76, 0x77],
        defaultInterval: .seconds(10),
        // A cycle takes 43 ms of TPH conversions plus the heater-on time (150 ms by default).
        minimumInterval: .seconds(1),
        channels: [
            ChannelDescriptor(name: "temperature", unit: "°C", deviceClass: "temperature", decimals: 2),
            ChannelDescriptor(name: "humidity", unit: "%", deviceClass: "humidity", decimals: 3),
            ChannelDescriptor(name: "pressure", unit: "hPa", deviceClass: "pressure", decimals: 2),
            ChannelDescriptor(name: "gas_resistance", unit: "Ω", decimals: 0),
        ],
        options: [heaterTemperatureOption, heaterDurationOption],
        identity: ChipIdentity(register: Register.id, expected: [UInt16(chipID)]),
        make: { options in
            BME680(heaterTemperature: options.integer(heaterTemperatureOption),
                   heaterDuration: options.duration(heaterDurationOption))
        }
    )

    // MARK: Register map (section 5.2, table 20)

    /// Register addresses, named as in the datasheet's memory map.
    public enum Register {
        /// `res_heat_val`: first of the heater calibration bytes 0x00...0x04.
        public static let coeff3: UInt8 = 0x00
        /// `meas_status_0`: `new_data_0` <7>, `gas_measuring` <6>, `measuring` <5>.
        public static let measStatus0: UInt8 = 0x1D
        /// `press_msb`: first of the 13 data registers 0x1F...0x2B (press, temp, hum, gas_r).
        public static let pressMSB: UInt8 = 0x1F
        /// `gas_r_lsb`: `gas_r` <7:6>, `gas_valid_r` <5>, `heat_stab_r` <4>, `gas_range_r` <3:0>.
        public static let gasRLSB: UInt8 = 0x2B
        /// `res_heat_0`: target heater resistance of set-point 0 (0x5A...0x63 for 0...9).
        public static let resHeat0: UInt8 = 0x5A
        /// `gas_wait_0`: heater-on time of set-point 0 (0x64...0x6D for 0...9).
        public static let gasWait0: UInt8 = 0x64
        /// `ctrl_gas_0`: `heat_off` <3>.
        public static let ctrlGas0: UInt8 = 0x70
        /// `ctrl_gas_1`: `run_gas` <4>, `nb_conv` <3:0>.
        public static let ctrlGas1: UInt8 = 0x71
        /// `ctrl_hum`: `osrs_h` <2:0>; takes effect only after a write to `ctrl_meas`.
        public static let ctrlHum: UInt8 = 0x72
        /// `ctrl_meas`: `osrs_t` <7:5>, `osrs_p` <4:2>, `mode` <1:0>.
        public static let ctrlMeas: UInt8 = 0x74
        /// `config`: `filter` <4:2>.
        public static let config: UInt8 = 0x75
        /// `coeff1`: first of the calibration bytes 0x8A...0xA0 (`par_t2` ... `par_p10`).
        public static let coeff1: UInt8 = 0x8A
        /// `id`: chip identification, 0x61 for a BME680.
        public static let id: UInt8 = 0xD0
        /// `reset`: writing 0xB6 performs a power-on reset.
        public static let reset: UInt8 = 0xE0
        /// `coeff2`: first of the calibration bytes 0xE1...0xEE (`par_h2` ... `par_g3`).
        public static let coeff2: UInt8 = 0xE1
        /// `variant_id`: 0x00 on a BME680, 0x01 on a BME688, which shares the chip id. Not in
        /// the BME680 datasheet; from the BME688 datasheet and Bosch's BME68x reference code.
        public static let variantID: UInt8 = 0xF0
    }

    /// The value of register `id` (0xD0) on a BME680 (and a BME688).
    public static let chipID: UInt8 = 0x61
    /// The value of `variant_id` (0xF0) on a BME680.
    public static let variantID: UInt8 = 0x00
    /// The value that, written to `reset` (0xE0), resets the part.
    public static let resetCommand: UInt8 = 0xB6

    /// Bits of `meas_status_0` (0x1D, section 5.3.5).
    public enum StatusBit {
        /// Set when the data registers hold a finished measurement not yet superseded.
        public static let newData0: UInt8 = 1 << 7
        /// Set while the gas conversion runs.
        public static let gasMeasuring: UInt8 = 1 << 6
        /// Set while a TPHG cycle runs.
        public static let measuring: UInt8 = 1 << 5
    }

    /// Bits of `gas_r_lsb` (0x2B, sections 5.3.5.4...5.3.5.6).
    public enum GasBit {
        public static let gasValid: UInt8 = 1 << 5
        public static let heatStab: UInt8 = 1 << 4
        public static let gasRangeMask: UInt8 = 0x0F
    }

    /// `run_gas` in `ctrl_gas_1`.
    public static let runGas: UInt8 = 1 << 4

    /// Lengths of the calibration blocks at 0x8A, 0xE1 and 0x00.
    public static let coeff1Length = 23
    public static let coeff2Length = 14
    public static let coeff3Length = 5
    /// Number of data bytes at 0x1F...0x2B.
    public static let dataLength = 13
    /// The raw 20-bit value of a temperature or pressure measurement that was skipped.
    public static let skippedTemperatureOrPressure: UInt32 = 0x80000
    /// The raw 16-bit value of a humidity measurement that was skipped.
    public static let skippedHumidity: UInt32 = 0x8000

    /// `mode` <1:0> of `ctrl_meas`.
    public enum Mode: UInt8, Sendable {
        case sleep = 0b00
        case forced = 0b01
    }

    /// `osrs_x` <2:0> (section 5.3.2): 0 skips, 1...5 are x1, x2, x4, x8, x16.
    public static func oversamplingBits(_ factor: Int) -> UInt8 {
        switch factor {
        case 1: 0b001
        case 2: 0b010
        case 4: 0b011
        case 8: 0b100
        case 16: 0b101
        default: 0b000
        }
    }

    /// The oversampling of the datasheet's configuration example (section 3.2.1).
    public static let temperatureOversampling = 2
    public static let pressureOversampling = 16
    public static let humidityOversampling = 1
    /// `ctrl_hum` as written: `osrs_h` x1.
    public static let ctrlHumSetting: UInt8 = oversamplingBits(humidityOversampling)
    /// `config` as written: filter off.
    public static let configSetting: UInt8 = 0x00
    /// `ctrl_meas` as written by `setUp`: `osrs_t` x2, `osrs_p` x16, sleep mode (0x54).
    public static let ctrlMeasSleep = ctrlMeas(mode: .sleep)
    /// `ctrl_meas` as written by `read`: the same oversampling, forced mode (0x55).
    public static let ctrlMeasForced = ctrlMeas(mode: .forced)
    /// `ctrl_gas_1` as written: `run_gas` 1, `nb_conv` 0 (heater set-point 0).
    public static let ctrlGas1Setting: UInt8 = runGas // nb_conv<3:0> = 0

    static func ctrlMeas(mode: Mode) -> UInt8 {
        oversamplingBits(temperatureOversampling) << 5 | oversamplingBits(pressureOversampling) << 2 | mode.rawValue
    }

    /// The duration of the temperature, pressure and humidity part of a cycle, as Bosch's
    /// reference driver computes it (the datasheet gives no formula; this is from the
    /// BME680 API's `bme680_get_profile_dur`, not confirmed against the datasheet):
    /// 1.963 ms per oversampling sample, 4 × 0.477 ms switching, 5 × 0.477 ms for the gas
    /// conversion and 1 ms wake-up. 42.59 ms at x2/x16/x1.
    public static var measurementTime: Interval {
        let samples = temperatureOversampling + pressureOversampling + humidityOversampling
        return .microseconds(samples * 1_963 + 477 * 4 + 477 * 5 + 1_000)
    }

    /// Start-up time after a soft reset (the reference driver waits 10 ms; table 1 gives
    /// 2 ms for power-on).
    public static let startupTime = Interval.milliseconds(10)
    /// How often `meas_status_0` is polled for `new_data_0` after the wait before giving up.
    public static let measurementPolls = 10
    /// The pause between two polls of `meas_status_0`.
    public static let pollInterval = Interval.milliseconds(1)
    /// The ambient temperature the heater set-point is computed for.
    public static let nominalAmbientTemperature = 25

    /// The operating ranges (section 1.1, table 1); a value outside is a broken reply.
    public static let temperatureRange: ClosedRange<Double> = -40...85
    public static let pressureRange: ClosedRange<Double> = 300...1100
    public static let humidityRange: ClosedRange<Double> = 0...100

    // MARK: Driver

    /// The hot plate's target temperature in °C, 200...400.
    public let heaterTemperature: Int
    /// `gas_wait_0` as written: the heater-on time, rounded up to what the register holds.
    public let gasWaitSetting: UInt8
    private let sleep: Sleeper
    private let lock = Mutex()
    private var calibration: Calibration?

    /// Does no I/O. `heaterTemperature` is clamped to 200...400 °C and `heaterDuration`
    /// rounded up to whole milliseconds within 1...4032 ms.
    public init(heaterTemperature: Int = 320, heaterDuration: Interval = .milliseconds(150),
                sleep: @escaping Sleeper = sleepThread) {
        self.heaterTemperature = min(max(heaterTemperature, 200), 400)
        let milliseconds = (heaterDuration.nanoseconds + 999_999) / 1_000_000
        self.gasWaitSetting = Self.gasWait(milliseconds: Int(clamping: milliseconds))
        self.sleep = sleep
    }

    /// The heater-on time `gas_wait_0` holds.
    public var heaterDuration: Interval { .milliseconds(Self.gasWaitMilliseconds(gasWaitSetting)) }

    /// The time `read` waits before it looks for the result: the TPH conversions and the heater.
    public var cycleTime: Interval { Self.measurementTime + heaterDuration }

    /// The calibration read by the last successful `setUp`, if any.
    public var currentCalibration: Calibration? { lock.withLock { calibration } }

    /// Checks the chip and variant ids, soft-resets the part, reads the calibration, sets oversampling
    /// and filter, and programs and selects heater set-point 0, leaving the part in sleep
    /// mode until the first `read`.
    public func setUp(bus: any I2CBus, address: UInt8) throws(I2CError) {
        lock.withLock { calibration = nil }

        let id = try bus.readByteData(address: address, register: Register.id)
        guard id == Self.chipID else {
            throw I2CError(.invalidReply, bus: bus.number, address: address, Self.describeWrongChipID(id))
        }
        // A BME688 has the same chip id but another gas resistance formula and heater control.
        let variant = try bus.readByteData(address: address, register: Register.variantID)
        guard variant == Self.variantID else {
            throw I2CError(.invalidReply, bus: bus.number, address: address,
                           "variant id \(hex(variant)) in register 0xf0 is not a BME680's (0x00)"
                               + (variant == 0x01 ? ": 0x01 is a BME688, whose gas conversion this driver does not decode" : ""))
        }
        try bus.writeByteData(address: address, register: Register.reset, value: Self.resetCommand)
        sleep(Self.startupTime)

        let coeff1 = try bus.readRegisters(address: address, register: Register.coeff1, count: Self.coeff1Length)
        let coeff2 = try bus.readRegisters(address: address, register: Register.coeff2, count: Self.coeff2Length)
        let coeff3 = try bus.readRegisters(address: address, register: Register.coeff3, count: Self.coeff3Length)
        guard let parsed = Calibration(coeff1: coeff1, coeff2: coeff2, coeff3: coeff3) else {
            throw I2CError(.invalidReply, bus: bus.number, address: address,
                           "BME680 calibration has \(coeff1.count)+\(coeff2.count)+\(coeff3.count) bytes, "
                               + "expected \(Self.coeff1Length)+\(Self.coeff2Length)+\(Self.coeff3Length)")
        }
        if let problem = parsed.implausibility(coeff1: coeff1, coeff2: coeff2) {
            throw I2CError(.invalidReply, bus: bus.number, address: address, "BME680 calibration unusable: \(problem)")
        }

        // ctrl_hum first: it only takes effect with the following ctrl_meas write (section 5.3.2.1).
        try bus.writeByteData(address: address, register: Register.ctrlHum, value: Self.ctrlHumSetting)
        try bus.writeByteData(address: address, register: Register.ctrlMeas, value: Self.ctrlMeasSleep)
        try bus.writeByteData(address: address, register: Register.config, value: Self.configSetting)
        let resHeat = Self.heaterResistance(target: heaterTemperature, ambient: Self.nominalAmbientTemperature,
                                            calibration: parsed)
        try bus.writeByteData(address: address, register: Register.resHeat0, value: resHeat)
        try bus.writeByteData(address: address, register: Register.gasWait0, value: gasWaitSetting)
        try bus.writeByteData(address: address, register: Register.ctrlGas1, value: Self.ctrlGas1Setting)

        lock.withLock { calibration = parsed }
    }

    /// Runs one forced TPHG cycle and returns `[temperature °C, humidity %RH, pressure hPa,
    /// gas resistance Ω]`, the order of `descriptor.channels`; the gas resistance is NaN
    /// when the cycle has no valid gas conversion. Runs `setUp` first if it has not
    /// succeeded yet.
    ///
    /// `ctrl_hum` is written before every `ctrl_meas` so that a part that lost its
    /// settings in a brown-out measures humidity again on the next read.
    public func read(bus: any I2CBus, address: UInt8) throws(I2CError) -> [Double] {
        var known = lock.withLock { calibration }
        if known == nil {
            try setUp(bus: bus, address: address)
            known = lock.withLock { calibration }
        }
        guard let calibration = known else {
            throw I2CError(.invalidReply, bus: bus.number, address: address, "BME680 has no calibration")
        }

        try bus.writeByteData(address: address, register: Register.ctrlHum, value: Self.ctrlHumSetting)
        try bus.writeByteData(address: address, register: Register.ctrlMeas, value: Self.ctrlMeasForced)
        sleep(cycleTime)
        var finished = false
        for poll in 0..<Self.measurementPolls {
            if poll > 0 { sleep(Self.pollInterval) }
            let status = try bus.readByteData(address: address, register: Register.measStatus0)
            if status & Self.StatusBit.newData0 != 0 {
                finished = true
                break
            }
        }
        guard finished else {
            throw I2CError(.timeout, bus: bus.number, address: address,
                           "BME680 has no new data (meas_status_0 new_data_0 clear) \(cycleTime) after starting "
                               + "a measurement and \(Self.measurementPolls) polls")
        }

        let data = try bus.readRegisters(address: address, register: Register.pressMSB, count: Self.dataLength)
        let measurement: Measurement
        do {
            measurement = try Self.decode(data: data, calibration: calibration)
        } catch {
            throw I2CError(.invalidReply, bus: bus.number, address: address, "BME680 \(error)")
        }
        return [measurement.temperature, measurement.humidity, measurement.pressure, measurement.gasResistance]
    }

    /// What to tell a user whose part answered with `id` instead of 0x61.
    static func describeWrongChipID(_ id: UInt8) -> String {
        let found: String
        switch id {
        case 0x60: found = "0x60 is a BME280 (no gas sensor), which has its own driver"
        case 0x58: found = "0x58 is a BMP280 (temperature and pressure only)"
        case 0x55: found = "0x55 is a BMP180/BMP085"
        case 0x00, 0xFF: found = "\(hex(id)) suggests another kind of device or a floating bus"
        default: found = "\(hex(id)) is not a known Bosch sensor id"
        }
        return "chip id \(hex(id)) in register 0xd0 is not a BME680 (expected 0x61): \(found)"
    }
}
