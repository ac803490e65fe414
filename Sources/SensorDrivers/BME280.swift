import SensorgateCore

/// Bosch BME280 combined humidity, pressure and temperature sensor, over I2C.
///
/// Datasheet: Bosch Sensortec, "BME280 Combined humidity and pressure sensor",
/// BST-BME280-DS002 (rev. 1.6, 09/2018),
/// <https://www.bosch-sensortec.com/media/boschsensortec/downloads/datasheets/bst-bme280-ds002.pdf>.
/// Section numbers below refer to it.
///
/// The driver runs the part in forced mode (section 3.3.3): every `read` starts one
/// measurement with oversampling x1 for temperature, pressure and humidity and the IIR
/// filter off (the "weather monitoring" setting of section 3.5.1), waits the maximum
/// measurement time of appendix 9.1, then burst-reads the eight data registers
/// (section 4, "burst read is strongly recommended") so all three values come from
/// the same measurement. Between reads the part sleeps.
///
/// Default address 0x76 (SDO to GND), 0x77 with SDO to VDDIO; default poll interval 5 s.
public final class BME280: SensorDriver, @unchecked Sendable {
    /// The catalog entry: default address 0x76 (SDO to GND), 0x77 with SDO to VDDIO.
    public static let descriptor = DriverDescriptor(
        name: "bme280",
        part: "BME280",
        summary: "Bosch BME280 temperature, humidity and pressure sensor",
        defaultAddress: 0x76,
        allowedAddresses: [0x76, 0x77],
        defaultInterval: .seconds(5),
        minimumInterval: .milliseconds(100),
        channels: [
            ChannelDescriptor(name: "temperature", unit: "°C", deviceClass: "temperature", decimals: 2),
            ChannelDescriptor(name: "humidity", unit: "%", deviceClass: "humidity", decimals: 2),
            ChannelDescriptor(name: "pressure", unit: "hPa", deviceClass: "pressure", decimals: 2),
        ],
        identity: ChipIdentity(register: Register.id, expected: [UInt16(chipID)]),
        make: { _ in BME280() }
    )

    // MARK: Register map (section 5.3, table 18)

    /// Register addresses, named as in the datasheet's memory map.
    public enum Register {
        /// `calib00`: first of the 26 calibration bytes 0x88...0xA1 (`dig_T1`...`dig_H1`).
        public static let calib00: UInt8 = 0x88
        /// `calib26`: first of the 7 humidity calibration bytes 0xE1...0xE7 (`dig_H2`...`dig_H6`).
        public static let calib26: UInt8 = 0xE1
        /// `id`: chip identification, 0x60 for a BME280.
        public static let id: UInt8 = 0xD0
        /// `reset`: writing 0xB6 performs a power-on reset.
        public static let reset: UInt8 = 0xE0
        /// `ctrl_hum`: humidity oversampling; takes effect only after a write to `ctrl_meas`.
        public static let ctrlHum: UInt8 = 0xF2
        /// `status`: bit 3 `measuring`, bit 0 `im_update`.
        public static let status: UInt8 = 0xF3
        /// `ctrl_meas`: temperature and pressure oversampling and the mode.
        public static let ctrlMeas: UInt8 = 0xF4
        /// `config`: standby time, IIR filter, 3-wire SPI.
        public static let config: UInt8 = 0xF5
        /// `press_msb`: first of the 8 data registers 0xF7...0xFE (press, temp, hum).
        public static let pressMSB: UInt8 = 0xF7
        /// `temp_msb`.
        public static let tempMSB: UInt8 = 0xFA
        /// `hum_msb`.
        public static let humMSB: UInt8 = 0xFD
    }

    /// The value of register `id` (0xD0) on a BME280.
    public static let chipID: UInt8 = 0x60
    /// The value that, written to `reset` (0xE0), resets the part.
    public static let resetCommand: UInt8 = 0xB6
    /// Bits of register `status` (0xF3).
    public enum StatusBit {
        /// Set while a conversion runs; cleared when the results are in the data registers.
        public static let measuring: UInt8 = 1 << 3
        /// Set while the NVM calibration data are copied to the image registers.
        public static let imUpdate: UInt8 = 1 << 0
    }

    /// Number of calibration bytes at 0x88...0xA1.
    public static let calib00Length = 26
    /// Number of calibration bytes at 0xE1...0xE7.
    public static let calib26Length = 7
    /// Number of data bytes at 0xF7...0xFE.
    public static let dataLength = 8
    /// The raw 20-bit value of a temperature or pressure measurement that was skipped.
    public static let skippedTemperatureOrPressure: UInt32 = 0x80000
    /// The raw 16-bit value of a humidity measurement that was skipped.
    public static let skippedHumidity: UInt32 = 0x8000

    /// `mode[1:0]` of `ctrl_meas` (section 5.4.5).
    public enum Mode: UInt8, Sendable {
        case sleep = 0b00
        case forced = 0b01
        case normal = 0b11
    }

    /// `osrs_x[2:0]` (tables 20, 22, 23). 0b101 and above all mean x16.
    public enum Oversampling: UInt8, Sendable {
        case skipped = 0b000, x1 = 0b001, x2 = 0b010, x4 = 0b011, x8 = 0b100, x16 = 0b101

        /// Decodes the three register bits.
        public init(bits: UInt8) { self = Oversampling(rawValue: bits & 0b111) ?? .x16 }

        /// How many samples are averaged; 0 when skipped.
        public var factor: Int {
            switch self {
            case .skipped: 0
            case .x1: 1
            case .x2: 2
            case .x4: 4
            case .x8: 8
            case .x16: 16
            }
        }
    }

    /// The oversampling this driver configures for each of temperature, pressure and humidity.
    public static let oversampling = Oversampling.x1
    /// `ctrl_hum` as written: `osrs_h` = x1.
    public static let ctrlHumSetting: UInt8 = oversampling.rawValue
    /// `config` as written: standby 0.5 ms (unused in forced mode), filter off, no 3-wire SPI.
    public static let configSetting: UInt8 = 0x00
    /// `ctrl_meas` as written by `setUp`: `osrs_t` = x1, `osrs_p` = x1, sleep mode.
    public static let ctrlMeasSleep: UInt8 = ctrlMeas(temperature: oversampling, pressure: oversampling, mode: .sleep)
    /// `ctrl_meas` as written by `read`: `osrs_t` = x1, `osrs_p` = x1, forced mode.
    public static let ctrlMeasForced: UInt8 = ctrlMeas(temperature: oversampling, pressure: oversampling, mode: .forced)

    /// The `ctrl_meas` byte: `osrs_t[7:5]`, `osrs_p[4:2]`, `mode[1:0]`.
    public static func ctrlMeas(temperature: Oversampling, pressure: Oversampling, mode: Mode) -> UInt8 {
        temperature.rawValue << 5 | pressure.rawValue << 2 | mode.rawValue
    }

    /// Maximum measurement time from appendix 9.1:
    /// 1.25 ms + 2.3 ms·T + (2.3 ms·P + 0.575 ms) + (2.3 ms·H + 0.575 ms), where a
    /// skipped measurement contributes nothing. 9.3 ms for x1/x1/x1.
    public static func maximumMeasurementTime(temperature: Oversampling, pressure: Oversampling,
                                              humidity: Oversampling) -> Interval {
        var microseconds = 1_250 + 2_300 * temperature.factor
        if pressure != .skipped { microseconds += 2_300 * pressure.factor + 575 }
        if humidity != .skipped { microseconds += 2_300 * humidity.factor + 575 }
        return .microseconds(microseconds)
    }

    /// Typical measurement time from appendix 9.1: 1 ms + 2 ms·T + (2 ms·P + 0.5 ms) + (2 ms·H + 0.5 ms).
    public static func typicalMeasurementTime(temperature: Oversampling, pressure: Oversampling,
                                              humidity: Oversampling) -> Interval {
        var microseconds = 1_000 + 2_000 * temperature.factor
        if pressure != .skipped { microseconds += 2_000 * pressure.factor + 500 }
        if humidity != .skipped { microseconds += 2_000 * humidity.factor + 500 }
        return .microseconds(microseconds)
    }

    /// Start-up time after power-on or soft reset (table 1, `t_startup`): 2 ms.
    public static let startupTime = Interval.milliseconds(2)
    /// How often `status` is polled for `im_update` to clear after a reset before giving up.
    public static let nvmCopyPolls = 10
    /// How often `status` is polled for `measuring` to clear after the wait before giving up.
    public static let measurementPolls = 10
    /// The pause between two polls of `status`.
    public static let pollInterval = Interval.milliseconds(1)

    /// The physical ranges of the part (section 1, "operating range"); a value outside
    /// is a broken reply, not a measurement.
    public static let temperatureRange: ClosedRange<Double> = -40...85
    public static let pressureRange: ClosedRange<Double> = 300...1100
    public static let humidityRange: ClosedRange<Double> = 0...100

    // MARK: Driver

    private let sleep: Sleeper
    private let lock = Mutex()
    private var calibration: Calibration?

    /// Does no I/O. `sleep` is how the driver waits for the part; tests inject one
    /// that advances a manual clock.
    public init(sleep: @escaping Sleeper = sleepThread) {
        self.sleep = sleep
    }

    /// The calibration read by the last successful `setUp`, if any.
    public var currentCalibration: Calibration? { lock.withLock { calibration } }

    /// Checks the chip id, soft-resets the part, waits for the NVM copy, reads the
    /// calibration and configures oversampling x1 with the filter off, leaving the part
    /// in sleep mode until the first `read`.
    public func setUp(bus: any I2CBus, address: UInt8) throws(I2CError) {
        lock.withLock { calibration = nil }

        let id = try bus.readByteData(address: address, register: Register.id)
        guard id == Self.chipID else {
            throw I2CError(.invalidReply, bus: bus.number, address: address, Self.describeWrongChipID(id))
        }

        try bus.writeByteData(address: address, register: Register.reset, value: Self.resetCommand)
        sleep(Self.startupTime)
        guard try waitForStatusClear(StatusBit.imUpdate, bus: bus, address: address, polls: Self.nvmCopyPolls) else {
            throw I2CError(.timeout, bus: bus.number, address: address,
                           "BME280 still copying its NVM calibration (status im_update set) after reset and \(Self.nvmCopyPolls) polls")
        }

        let low = try bus.readRegisters(address: address, register: Register.calib00, count: Self.calib00Length)
        let high = try bus.readRegisters(address: address, register: Register.calib26, count: Self.calib26Length)
        guard let parsed = Calibration(calib00: low, calib26: high) else {
            throw I2CError(.invalidReply, bus: bus.number, address: address,
                           "BME280 calibration has \(low.count)+\(high.count) bytes, expected \(Self.calib00Length)+\(Self.calib26Length)")
        }
        if let problem = parsed.implausibility(calib00: low) {
            throw I2CError(.invalidReply, bus: bus.number, address: address, "BME280 calibration unusable: \(problem)")
        }

        // ctrl_hum first: it only takes effect with the following ctrl_meas write (section 5.4.3).
        try bus.writeByteData(address: address, register: Register.ctrlHum, value: Self.ctrlHumSetting)
        try bus.writeByteData(address: address, register: Register.config, value: Self.configSetting)
        try bus.writeByteData(address: address, register: Register.ctrlMeas, value: Self.ctrlMeasSleep)

        lock.withLock { calibration = parsed }
    }

    /// Polls the status register until `bit` is clear, `polls` times at most with
    /// ``pollInterval`` between reads; false if it never cleared.
    private func waitForStatusClear(_ bit: UInt8, bus: any I2CBus, address: UInt8, polls: Int) throws(I2CError) -> Bool {
        try Self.waitForStatusClear(bit, bus: bus, address: address, polls: polls, sleep: sleep)
    }

    /// The status poll of the BME280 and BMP280 (same register, same bits).
    static func waitForStatusClear(_ bit: UInt8, bus: any I2CBus, address: UInt8, polls: Int,
                                   sleep: Sleeper) throws(I2CError) -> Bool {
        for poll in 0..<polls {
            if poll > 0 { sleep(Self.pollInterval) }
            let status = try bus.readByteData(address: address, register: Register.status)
            if status & bit == 0 { return true }
        }
        return false
    }

    /// Runs one forced measurement and returns `[temperature °C, humidity %RH, pressure hPa]`,
    /// the order of `descriptor.channels`. Runs `setUp` first if it has not succeeded yet.
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
            throw I2CError(.invalidReply, bus: bus.number, address: address, "BME280 has no calibration")
        }

        try bus.writeByteData(address: address, register: Register.ctrlHum, value: Self.ctrlHumSetting)
        try bus.writeByteData(address: address, register: Register.ctrlMeas, value: Self.ctrlMeasForced)
        sleep(Self.maximumMeasurementTime(temperature: Self.oversampling, pressure: Self.oversampling,
                                          humidity: Self.oversampling))
        guard try waitForStatusClear(StatusBit.measuring, bus: bus, address: address, polls: Self.measurementPolls) else {
            throw I2CError(.timeout, bus: bus.number, address: address,
                           "BME280 measurement still running (status measuring set) after the maximum measurement time and \(Self.measurementPolls) polls")
        }

        let data = try bus.readRegisters(address: address, register: Register.pressMSB, count: Self.dataLength)
        let measurement: Measurement
        do {
            measurement = try Self.decode(data: data, calibration: calibration)
        } catch {
            throw I2CError(.invalidReply, bus: bus.number, address: address, "BME280 \(error)")
        }
        return [measurement.temperature, measurement.humidity, measurement.pressure]
    }

    /// What to tell a user whose part answered with `id` instead of 0x60.
    static func describeWrongChipID(_ id: UInt8) -> String {
        let found: String
        switch id {
        case 0x58: found = "0x58 is a BMP280 (temperature and pressure only, no humidity)"
        case 0x56, 0x57: found = "\(hex(id)) is a BMP280 engineering sample (no humidity)"
        case 0x61: found = "0x61 is a BME680/BME688, which needs its own driver"
        case 0x55: found = "0x55 is a BMP180/BMP085"
        case 0x00, 0xFF: found = "\(hex(id)) suggests another kind of device or a floating bus"
        default: found = "\(hex(id)) is not a known Bosch sensor id"
        }
        return "chip id \(hex(id)) in register 0xd0 is not a BME280 (expected 0x60): \(found)"
    }
}
