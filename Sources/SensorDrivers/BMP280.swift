import SensorgateCore

/// Bosch BMP280 pressure and temperature sensor, over I2C: the BME280 without humidity.
///
/// Datasheet: Bosch Sensortec, "BMP280 Digital Pressure Sensor", BST-BMP280-DS001
/// (rev. 1.26, 05/2021),
/// <https://www.bosch-sensortec.com/media/boschsensortec/downloads/datasheets/bst-bmp280-ds001.pdf>.
/// Section numbers below refer to it.
///
/// Register map, calibration layout and compensation formulas are the BME280's (memory map
/// section 4.2, compensation section 3.11.3 is the BME280's section 4.2.3 without
/// humidity), so the driver reuses ``BME280``'s register names and integer compensation.
/// It runs the part in forced mode with oversampling x1 for both channels and the filter
/// off, like the BME280 driver; the chip id is 0x58 (section 4.3.1).
///
/// Default address 0x76 (SDO to GND), 0x77 with SDO to VDDIO (section 5.2); default
/// poll interval 5 s.
public final class BMP280: SensorDriver, @unchecked Sendable {
    /// The catalog entry: default address 0x76 (SDO to GND), 0x77 with SDO to VDDIO.
    public static let descriptor = DriverDescriptor(
        name: "bmp280",
        part: "BMP280",
        summary: "Bosch BMP280 temperature and pressure sensor",
        defaultAddress: 0x76,
        allowedAddresses: [0x76, 0x77],
        defaultInterval: .seconds(5),
        minimumInterval: .milliseconds(100),
        channels: [
            ChannelDescriptor(name: "temperature", unit: "°C", deviceClass: "temperature", decimals: 2),
            ChannelDescriptor(name: "pressure", unit: "hPa", deviceClass: "pressure", decimals: 2),
        ],
        // 0x56 and 0x57 are engineering samples (the Linux bmp280 driver accepts them too).
        identity: ChipIdentity(register: BME280.Register.id, expected: [UInt16(chipID), 0x56, 0x57]),
        make: { _ in BMP280() }
    )

    /// The value of register `id` (0xD0) on a BMP280 (section 4.3.1).
    public static let chipID: UInt8 = 0x58
    /// Number of calibration bytes at 0x88...0x9F (section 3.11.2, table 17).
    public static let calibrationLength = 24
    /// Number of data bytes at 0xF7...0xFC (press, temp).
    public static let dataLength = 6
    /// `ctrl_meas` as written by `setUp`: `osrs_t` = x1, `osrs_p` = x1, sleep mode.
    public static let ctrlMeasSleep = BME280.ctrlMeasSleep
    /// `ctrl_meas` as written by `read`: `osrs_t` = x1, `osrs_p` = x1, forced mode.
    public static let ctrlMeasForced = BME280.ctrlMeasForced
    /// The maximum measurement time at x1/x1 (section 3.8.1, table 13: 6.4 ms), as the
    /// BME280's formula gives it without humidity.
    public static let maximumMeasurementTime = BME280.maximumMeasurementTime(
        temperature: .x1, pressure: .x1, humidity: .skipped)
    /// The operating range (section 1): a value outside is a broken reply.
    public static let temperatureRange = BME280.temperatureRange
    public static let pressureRange = BME280.pressureRange

    /// Compensates the 6 data bytes of 0xF7...0xFC into `[temperature °C, pressure hPa]`
    /// with the BME280's integer formulas, rejecting skipped and out-of-range values.
    public static func decode(data: [UInt8], calibration: BME280.Calibration) throws(BME280.DecodeFailure) -> [Double] {
        guard data.count == dataLength else { throw .wrongLength(data.count, expected: dataLength) }
        let pressureRaw = RegisterBytes.uint20(msb: data[0], lsb: data[1], xlsb: data[2])
        let temperatureRaw = RegisterBytes.uint20(msb: data[3], lsb: data[4], xlsb: data[5])
        let skipped = BME280.skippedTemperatureOrPressure
        if temperatureRaw == skipped { throw .skipped(channel: "temperature", raw: temperatureRaw) }
        if pressureRaw == skipped { throw .skipped(channel: "pressure", raw: pressureRaw) }
        let (hundredths, tFine) = BME280.compensateTemperature(adcT: Int32(temperatureRaw), calibration: calibration)
        let pressureQ24_8 = BME280.compensatePressure(adcP: Int32(pressureRaw), tFine: tFine, calibration: calibration)
        let temperature = Double(hundredths) / 100
        let pressure = Double(pressureQ24_8) / 256 / 100
        guard temperatureRange.contains(temperature) else {
            throw .outOfRange(channel: "temperature", value: temperature, unit: "°C", range: temperatureRange)
        }
        guard pressureRange.contains(pressure) else {
            throw .outOfRange(channel: "pressure", value: pressure, unit: "hPa", range: pressureRange)
        }
        return [temperature, pressure]
    }

    private let sleep: Sleeper
    private let lock = Mutex()
    private var calibration: BME280.Calibration?

    /// Does no I/O.
    public init(sleep: @escaping Sleeper = sleepThread) {
        self.sleep = sleep
    }

    /// Checks the chip id, soft-resets the part, waits for the NVM copy, reads the
    /// calibration and leaves the part in sleep mode with oversampling x1, filter off.
    public func setUp(bus: any I2CBus, address: UInt8) throws(I2CError) {
        lock.withLock { calibration = nil }
        let id = try bus.readByteData(address: address, register: BME280.Register.id)
        guard id == Self.chipID else {
            let hint = id == BME280.chipID ? ": 0x60 is a BME280, use driver bme280" : ""
            throw I2CError(.invalidReply, bus: bus.number, address: address,
                           "chip id \(hex(id)) in register 0xd0 is not a BMP280 (expected 0x58)\(hint)")
        }
        try bus.writeByteData(address: address, register: BME280.Register.reset, value: BME280.resetCommand)
        sleep(BME280.startupTime)
        guard try BME280.waitForStatusClear(BME280.StatusBit.imUpdate, bus: bus, address: address,
                                            polls: BME280.nvmCopyPolls, sleep: sleep) else {
            throw I2CError(.timeout, bus: bus.number, address: address,
                           "BMP280 still copying its NVM calibration (status im_update set) after reset")
        }
        let bytes = try bus.readRegisters(address: address, register: BME280.Register.calib00, count: Self.calibrationLength)
        guard let parsed = BME280.Calibration(temperatureAndPressure: bytes) else {
            throw I2CError(.invalidReply, bus: bus.number, address: address,
                           "BMP280 calibration has \(bytes.count) bytes, expected \(Self.calibrationLength)")
        }
        if let problem = parsed.implausibility(calib00: bytes) {
            throw I2CError(.invalidReply, bus: bus.number, address: address, "BMP280 calibration unusable: \(problem)")
        }
        try bus.writeByteData(address: address, register: BME280.Register.config, value: BME280.configSetting)
        try bus.writeByteData(address: address, register: BME280.Register.ctrlMeas, value: Self.ctrlMeasSleep)
        lock.withLock { calibration = parsed }
    }

    /// One forced measurement: `[temperature °C, pressure hPa]`. Runs `setUp` first if it
    /// has not succeeded yet.
    public func read(bus: any I2CBus, address: UInt8) throws(I2CError) -> [Double] {
        var known = lock.withLock { calibration }
        if known == nil {
            try setUp(bus: bus, address: address)
            known = lock.withLock { calibration }
        }
        guard let calibration = known else {
            throw I2CError(.invalidReply, bus: bus.number, address: address, "BMP280 has no calibration")
        }
        try bus.writeByteData(address: address, register: BME280.Register.ctrlMeas, value: Self.ctrlMeasForced)
        sleep(Self.maximumMeasurementTime)
        guard try BME280.waitForStatusClear(BME280.StatusBit.measuring, bus: bus, address: address,
                                            polls: BME280.measurementPolls, sleep: sleep) else {
            throw I2CError(.timeout, bus: bus.number, address: address,
                           "BMP280 measurement still running (status measuring set) after the maximum measurement time")
        }
        let data = try bus.readRegisters(address: address, register: BME280.Register.pressMSB, count: Self.dataLength)
        do {
            return try Self.decode(data: data, calibration: calibration)
        } catch {
            throw I2CError(.invalidReply, bus: bus.number, address: address, "BMP280 \(error)")
        }
    }
}
