import SensorgateCore

/// Texas Instruments INA226 current, voltage and power monitor with alert (shunt and bus
/// voltage, averaged, with an internal multiplier for current and power), over I2C.
///
/// Datasheet: Texas Instruments, "INA226 High-Side or Low-Side Measurement, Bi-Directional
/// Current and Power Monitor with I2C Compatible Interface", SBOS547 (2011),
/// <https://www.ti.com/lit/ds/symlink/ina226.pdf>. Sections are named as in it ("Register
/// Maps", "Programming", "Configure/Measure/Calculate Example"); their numbers differ
/// between revisions.
///
/// The part converts continuously (MODE = 111, the power-up mode) and averages `averaging`
/// conversions of 1.1 ms each for shunt and bus (the power-up conversion times): `setUp`
/// checks the manufacturer id (0x5449, "TI") and the die id (0x226x), writes the
/// configuration and the calibration register (CAL = 0.00512 / (Current_LSB × R), computed
/// by ``ShuntCalibration``), reads both back and waits one averaged conversion. A read is
/// five register reads: mask/enable (for the math overflow flag OVF, which makes the
/// reading fail: "current and power data may be invalid"), bus voltage (1.25 mV, 15 bits:
/// bit 15 set is no bus voltage and is refused), shunt voltage (signed, 2.5 µV), current
/// (signed, Current_LSB) and power (25 × Current_LSB). Registers are 16 bits, most
/// significant byte first, read and written as byte-swapped SMBus words.
///
/// The shunt range is fixed at ±81.92 mV; a `max_current` beyond 81.92 mV / `shunt_ohms`
/// is cut to it (``ShuntCalibration``).
///
/// Addresses 0x40...0x4F, by A1 and A0 each tied to GND, VS, SDA or SCL (0x40 with both to
/// GND); default poll interval 1 s.
public final class INA226: SensorDriver, @unchecked Sendable {
    /// AVG[2:0]: how many conversions the part averages into one result.
    public static let averagingChoices = [1, 4, 16, 64, 128, 256, 512, 1024]

    // MARK: Options and catalog entry

    public static let shuntOhmsOption = DriverOption(
        name: "shunt_ohms", kind: .number(0.0001...10), defaultValue: .number(0.1),
        meaning: "the shunt resistor in ohms (0.1 on the common breakout boards)")
    public static let maxCurrentOption = DriverOption(
        name: "max_current", kind: .number(0.001...100), defaultValue: .number(0.8),
        meaning: "the largest current expected in amperes: sets the current LSB (max_current / 32768); "
            + "at most 81.92 mV / shunt_ohms")
    public static let averagingOption = DriverOption(
        name: "averaging", kind: .choice(averagingChoices.map(String.init)), defaultValue: .choice("16"),
        meaning: "conversions averaged into one result (AVG); a result takes averaging × 2.2 ms")

    /// The catalog entry: 0x40 with A1 and A0 to GND, up to 0x4F.
    public static let descriptor = DriverDescriptor(
        name: "ina226",
        part: "INA226",
        summary: "Texas Instruments INA226 current, voltage and power monitor",
        defaultAddress: 0x40,
        allowedAddresses: Array(0x40...0x4F),
        defaultInterval: .seconds(1),
        // The default 16 averages of 2.2 ms make a result every 35 ms; with more averaging,
        // faster polls repeat the last result.
        minimumInterval: .milliseconds(40),
        channels: [
            ChannelDescriptor(name: "bus_voltage", unit: "V", deviceClass: "voltage", decimals: 5),
            ChannelDescriptor(name: "shunt_voltage", unit: "mV", deviceClass: "voltage", decimals: 4),
            ChannelDescriptor(name: "current", unit: "A", deviceClass: "current", decimals: 6),
            ChannelDescriptor(name: "power", unit: "W", deviceClass: "power", decimals: 5),
        ],
        options: [shuntOhmsOption, maxCurrentOption, averagingOption],
        // No identity for `i2c scan`, although the part has a manufacturer id (0x5449 at 0xFE):
        // reading it sends the byte 0xFE, which an HTU21D/Si7021 at 0x40 takes as its soft
        // reset command, and a scan must not change what it looks at. setUp checks the ids.
        make: { options in
            INA226(shuntOhms: options.number(shuntOhmsOption), maxCurrent: options.number(maxCurrentOption),
                   averaging: Int(options.choice(averagingOption)) ?? 16)
        }
    )

    // MARK: Registers ("Register Maps")

    /// The register pointers, named as in the datasheet.
    public enum Register {
        public static let configuration: UInt8 = 0x00
        public static let shuntVoltage: UInt8 = 0x01
        public static let busVoltage: UInt8 = 0x02
        public static let power: UInt8 = 0x03
        public static let current: UInt8 = 0x04
        public static let calibration: UInt8 = 0x05
        public static let maskEnable: UInt8 = 0x06
        public static let alertLimit: UInt8 = 0x07
        public static let manufacturerID: UInt8 = 0xFE
        public static let dieID: UInt8 = 0xFF
    }

    /// The manufacturer id register: "TI" in ASCII.
    public static let manufacturerID: UInt16 = 0x5449
    /// Die id bits 15...4 (DID); bits 3...0 are the revision.
    public static let dieID: UInt16 = 0x226
    /// Configuration bit 14 reads 1 (reserved, part of the power-up value 0x4127).
    public static let configurationReserved: UInt16 = 1 << 14
    /// VBUSCT and VSHCT = 100: 1.1 ms conversions (the power-up value).
    public static let conversionTimeCode: UInt16 = 0b100
    /// MODE = 111: shunt and bus, continuous.
    public static let continuousShuntAndBus: UInt16 = 0b111
    /// The calibration constant: CAL = 0.00512 / (Current_LSB × R).
    public static let calibrationConstant = 0.00512
    /// Power_LSB = 25 × Current_LSB.
    public static let powerRatio = 25.0
    /// ±81.92 mV: the shunt voltage register's full scale (32768 × 2.5 µV).
    public static let fullScaleShunt = 0.08192
    /// Mask/enable bit 2, OVF: the current or power computation overflowed.
    public static let overflowFlag: UInt16 = 1 << 2
    /// Mask/enable bit 3, CVRF: a conversion completed.
    public static let conversionReadyFlag: UInt16 = 1 << 3

    /// The configuration register for `averaging` (AVG), 1.1 ms conversions, continuous.
    public static func configuration(averaging: Int) -> UInt16 {
        let code = UInt16(averagingChoices.firstIndex(of: averaging) ?? 0)
        return configurationReserved | code << 9 | conversionTimeCode << 6 | conversionTimeCode << 3 | continuousShuntAndBus
    }

    /// One averaged result: `averaging` shunt and bus conversions of 1.1 ms, with 10 % for
    /// the conversion time's tolerance (recalled, not re-checked against the datasheet).
    public static func resultTime(averaging: Int) -> Interval {
        .microseconds(averaging * 2 * 1_210)
    }

    /// The calibration for the shunt and the max current.
    public static func calibration(shuntOhms: Double, maxCurrent: Double) -> ShuntCalibration {
        ShuntCalibration(maxCurrent: maxCurrent, shuntOhms: shuntOhms, constant: calibrationConstant, powerRatio: powerRatio,
                         fullScaleShunt: fullScaleShunt, largestRegister: 0x7FFF)
    }

    // MARK: Decoding

    /// The data registers as read.
    public struct Registers: Sendable, Equatable {
        public var shuntVoltage: UInt16
        public var busVoltage: UInt16
        public var power: UInt16
        public var current: UInt16
        public var maskEnable: UInt16

        public init(shuntVoltage: UInt16, busVoltage: UInt16, power: UInt16, current: UInt16, maskEnable: UInt16 = 0) {
            self.shuntVoltage = shuntVoltage
            self.busVoltage = busVoltage
            self.power = power
            self.current = current
            self.maskEnable = maskEnable
        }
    }

    /// `[bus_voltage V, shunt_voltage mV, current A, power W]`; OVF or bus voltage bit 15 refused.
    public static func decode(_ registers: Registers, calibration: ShuntCalibration,
                              bus: Int, address: UInt8) throws(I2CError) -> [Double] {
        guard registers.maskEnable & overflowFlag == 0 else {
            throw I2CError(.invalidReply, bus: bus, address: address,
                           "INA226 math overflow (OVF in mask/enable 0x\(String(registers.maskEnable, radix: 16))): "
                               + "current and power out of range (max_current too small for the load?)")
        }
        guard registers.busVoltage & 0x8000 == 0 else {
            throw I2CError(.invalidReply, bus: bus, address: address,
                           "INA226 bus voltage 0x\(String(registers.busVoltage, radix: 16)) has bit 15 set, which the part never sets")
        }
        let busVolts = Double(registers.busVoltage) * 0.00125
        let shuntMillivolts = Double(Int16(bitPattern: registers.shuntVoltage)) * 0.0025
        let amperes = Double(Int16(bitPattern: registers.current)) * calibration.currentLSB
        let watts = Double(registers.power) * calibration.powerLSB
        return [busVolts, shuntMillivolts, amperes, watts]
    }

    // MARK: Driver

    public let shuntOhms: Double
    public let maxCurrent: Double
    public let averaging: Int
    public let calibration: ShuntCalibration
    private let sleep: Sleeper

    /// Does no I/O. An `averaging` not in ``averagingChoices`` takes 16.
    public init(shuntOhms: Double = 0.1, maxCurrent: Double = 0.8, averaging: Int = 16,
                sleep: @escaping Sleeper = sleepThread) {
        self.shuntOhms = shuntOhms
        self.maxCurrent = maxCurrent
        self.averaging = Self.averagingChoices.contains(averaging) ? averaging : 16
        calibration = Self.calibration(shuntOhms: shuntOhms, maxCurrent: maxCurrent)
        self.sleep = sleep
    }

    /// The configuration register this driver writes.
    public var configurationValue: UInt16 { Self.configuration(averaging: averaging) }

    /// Checks the ids, writes the configuration and calibration, reads both back, waits one result.
    public func setUp(bus: any I2CBus, address: UInt8) throws(I2CError) {
        let manufacturer = try bus.readUInt16BE(address: address, register: Register.manufacturerID)
        let die = try bus.readUInt16BE(address: address, register: Register.dieID)
        guard manufacturer == Self.manufacturerID, die >> 4 == Self.dieID else {
            throw I2CError(.invalidReply, bus: bus.number, address: address,
                           "manufacturer id 0x\(String(manufacturer, radix: 16)) and die id 0x\(String(die, radix: 16)) "
                               + "are not an INA226's (0x5449, 0x226x)")
        }
        try bus.writeUInt16BE(address: address, register: Register.configuration, value: configurationValue)
        try bus.writeUInt16BE(address: address, register: Register.calibration, value: calibration.register)
        let configuration = try bus.readUInt16BE(address: address, register: Register.configuration)
        let calibrationRead = try bus.readUInt16BE(address: address, register: Register.calibration)
        guard configuration == configurationValue, calibrationRead == calibration.register else {
            throw I2CError(.invalidReply, bus: bus.number, address: address,
                           "INA226 configuration 0x\(String(configuration, radix: 16)) and calibration "
                               + "0x\(String(calibrationRead, radix: 16)) read back after writing "
                               + "0x\(String(configurationValue, radix: 16)) and 0x\(String(calibration.register, radix: 16))")
        }
        sleep(Self.resultTime(averaging: averaging))
    }

    /// The latest result: `[bus_voltage V, shunt_voltage mV, current A, power W]`.
    public func read(bus: any I2CBus, address: UInt8) throws(I2CError) -> [Double] {
        let maskEnable = try bus.readUInt16BE(address: address, register: Register.maskEnable)
        let busVoltage = try bus.readUInt16BE(address: address, register: Register.busVoltage)
        let shuntVoltage = try bus.readUInt16BE(address: address, register: Register.shuntVoltage)
        let current = try bus.readUInt16BE(address: address, register: Register.current)
        let power = try bus.readUInt16BE(address: address, register: Register.power)
        return try Self.decode(Registers(shuntVoltage: shuntVoltage, busVoltage: busVoltage, power: power, current: current,
                                         maskEnable: maskEnable),
                               calibration: calibration, bus: bus.number, address: address)
    }
}
