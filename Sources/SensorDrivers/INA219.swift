import SensorgateCore

/// Texas Instruments INA219 current, voltage and power monitor (shunt and bus voltage,
/// with an internal multiplier for current and power), over I2C.
///
/// Datasheet: Texas Instruments, "INA219 Zerø-Drift, Bidirectional Current/Power Monitor
/// With I2C Interface", SBOS448G (2015), <https://www.ti.com/lit/ds/symlink/ina219.pdf>.
/// Section numbers below refer to it.
///
/// The part converts continuously (MODE = 111, the power-up mode): `setUp` writes the
/// configuration (bus range, the PGA, 12-bit conversions) and the calibration register
/// (section 8.5.1, computed by ``ShuntCalibration``), reads both back and waits one
/// conversion of shunt and bus; a read is four register reads: bus voltage, shunt
/// voltage, current, power. Registers are 16 bits, most significant byte first, read and
/// written as byte-swapped SMBus words (``I2CBus/readUInt16BE(address:register:)``).
///
/// The PGA is chosen from the options: the smallest shunt range (40, 80, 160 or 320 mV,
/// section 8.3.1.2) that holds `max_current × shunt_ohms`, else 320 mV. The bus voltage
/// register's OVF flag (section 8.6.3.2: the current or power computation overflowed,
/// "current and power data may be meaningless") makes the reading fail (`.invalidReply`);
/// its CNVR flag is not checked: in continuous mode the registers always hold the latest
/// complete conversion, and CNVR only says whether the power register was read since
/// (the datasheet's own example has it clear). The four registers are read one after the
/// other: a conversion ending between two reads mixes two conversions by at most one
/// conversion's change.
///
/// Addresses 0x40...0x4F by A1, A0 (section 8.5.5.1; 0x40 with both to GND); default poll
/// interval 1 s.
public final class INA219: SensorDriver, @unchecked Sendable {
    /// The bus voltage range, BRNG (section 8.6.2.1).
    public enum BusRange: String, Sendable, CaseIterable {
        case volts16 = "16V"
        case volts32 = "32V"
    }

    /// The PGA's shunt voltage range, PG[1:0] (section 8.6.2.1).
    public enum ShuntRange: Sendable, CaseIterable {
        case millivolts40, millivolts80, millivolts160, millivolts320

        public var volts: Double {
            switch self {
            case .millivolts40: 0.04
            case .millivolts80: 0.08
            case .millivolts160: 0.16
            case .millivolts320: 0.32
            }
        }

        /// PG[1:0]: gain 1, /2, /4, /8.
        public var code: UInt16 {
            switch self {
            case .millivolts40: 0b00
            case .millivolts80: 0b01
            case .millivolts160: 0b10
            case .millivolts320: 0b11
            }
        }

        /// The smallest range holding `volts`, else the largest.
        public static func holding(_ volts: Double) -> ShuntRange {
            allCases.first { volts <= $0.volts } ?? .millivolts320
        }
    }

    // MARK: Options and catalog entry

    public static let shuntOhmsOption = DriverOption(
        name: "shunt_ohms", kind: .number(0.0001...10), defaultValue: .number(0.1),
        meaning: "the shunt resistor in ohms (0.1 on the common breakout boards)")
    public static let maxCurrentOption = DriverOption(
        name: "max_current", kind: .number(0.001...100), defaultValue: .number(3.2),
        meaning: "the largest current expected in amperes: sets the PGA range and the current LSB (max_current / 32768)")
    public static let busRangeOption = DriverOption(
        name: "bus_range", kind: .choice(BusRange.allCases.map(\.rawValue)), defaultValue: .choice(BusRange.volts32.rawValue),
        meaning: "the bus voltage range (BRNG); the input itself is rated to 26 V")

    /// The catalog entry: 0x40 with A1 and A0 to GND, up to 0x4F.
    public static let descriptor = DriverDescriptor(
        name: "ina219",
        part: "INA219",
        summary: "Texas Instruments INA219 current, voltage and power monitor",
        defaultAddress: 0x40,
        allowedAddresses: Array(0x40...0x4F),
        defaultInterval: .seconds(1),
        // A conversion of shunt and bus takes about 1.1 ms; faster polls repeat values.
        minimumInterval: .milliseconds(10),
        channels: [
            ChannelDescriptor(name: "bus_voltage", unit: "V", deviceClass: "voltage", decimals: 3),
            ChannelDescriptor(name: "shunt_voltage", unit: "mV", deviceClass: "voltage", decimals: 2),
            ChannelDescriptor(name: "current", unit: "A", deviceClass: "current", decimals: 6),
            ChannelDescriptor(name: "power", unit: "W", deviceClass: "power", decimals: 5),
        ],
        options: [shuntOhmsOption, maxCurrentOption, busRangeOption],
        make: { options in
            INA219(shuntOhms: options.number(shuntOhmsOption), maxCurrent: options.number(maxCurrentOption),
                   busRange: BusRange(rawValue: options.choice(busRangeOption)) ?? .volts32)
        }
    )

    // MARK: Registers (section 8.6)

    /// The register pointers, named as in the datasheet.
    public enum Register {
        public static let configuration: UInt8 = 0x00
        public static let shuntVoltage: UInt8 = 0x01
        public static let busVoltage: UInt8 = 0x02
        public static let power: UInt8 = 0x03
        public static let current: UInt8 = 0x04
        public static let calibration: UInt8 = 0x05
    }

    /// BADC and SADC = 0011: one 12-bit conversion, 532 µs (section 8.6.2.1, the power-up value).
    public static let adc12Bit: UInt16 = 0b0011
    /// MODE = 111: shunt and bus, continuous.
    public static let continuousShuntAndBus: UInt16 = 0b111
    /// The calibration constant of section 8.5.1, equation 1.
    public static let calibrationConstant = 0.04096
    /// Power_LSB = 20 × Current_LSB (equation 2).
    public static let powerRatio = 20.0
    /// Bus voltage register bit 0, OVF: the math overflowed.
    public static let overflowFlag: UInt16 = 1 << 0
    /// Bus voltage register bit 1, CNVR: a conversion completed since the power register was read.
    public static let conversionReadyFlag: UInt16 = 1 << 1
    /// A shunt and a bus conversion at 12 bits, at the maximum conversion time (586 µs each,
    /// electrical characteristics as recalled, not re-checked), as `setUp` waits.
    public static let conversionTime = Interval.microseconds(1_200)

    /// The configuration register for `busRange` and `shuntRange`, 12-bit, continuous.
    public static func configuration(busRange: BusRange, shuntRange: ShuntRange) -> UInt16 {
        (busRange == .volts32 ? 1 << 13 : 0) | shuntRange.code << 11 | adc12Bit << 7 | adc12Bit << 3 | continuousShuntAndBus
    }

    /// The calibration for the shunt and the max current within `shuntRange`.
    public static func calibration(shuntOhms: Double, maxCurrent: Double, shuntRange: ShuntRange) -> ShuntCalibration {
        ShuntCalibration(maxCurrent: maxCurrent, shuntOhms: shuntOhms, constant: calibrationConstant, powerRatio: powerRatio,
                         fullScaleShunt: shuntRange.volts, largestRegister: 0xFFFE, smallestStep: 2)
    }

    // MARK: Decoding (section 8.6.3)

    /// The four data registers as read.
    public struct Registers: Sendable, Equatable {
        public var shuntVoltage: UInt16
        public var busVoltage: UInt16
        public var power: UInt16
        public var current: UInt16

        public init(shuntVoltage: UInt16, busVoltage: UInt16, power: UInt16, current: UInt16) {
            self.shuntVoltage = shuntVoltage
            self.busVoltage = busVoltage
            self.power = power
            self.current = current
        }
    }

    /// `[bus_voltage V, shunt_voltage mV, current A, power W]`: bus voltage bits 15...3 in
    /// 4 mV, the shunt voltage signed in 10 µV, current signed and power unsigned in the
    /// calibration's LSBs; OVF set is refused.
    public static func decode(_ registers: Registers, calibration: ShuntCalibration,
                              bus: Int, address: UInt8) throws(I2CError) -> [Double] {
        guard registers.busVoltage & overflowFlag == 0 else {
            throw I2CError(.invalidReply, bus: bus, address: address,
                           "INA219 math overflow (OVF in bus voltage 0x\(String(registers.busVoltage, radix: 16))): "
                               + "current and power out of range (max_current too small for the load?)")
        }
        let busVolts = Double(registers.busVoltage >> 3) * 0.004
        let shuntMillivolts = Double(Int16(bitPattern: registers.shuntVoltage)) * 0.01
        let amperes = Double(Int16(bitPattern: registers.current)) * calibration.currentLSB
        let watts = Double(registers.power) * calibration.powerLSB
        return [busVolts, shuntMillivolts, amperes, watts]
    }

    // MARK: Driver

    public let shuntOhms: Double
    public let maxCurrent: Double
    public let busRange: BusRange
    public let shuntRange: ShuntRange
    public let calibration: ShuntCalibration
    private let sleep: Sleeper

    /// Does no I/O.
    public init(shuntOhms: Double = 0.1, maxCurrent: Double = 3.2, busRange: BusRange = .volts32,
                sleep: @escaping Sleeper = sleepThread) {
        self.shuntOhms = shuntOhms
        self.maxCurrent = maxCurrent
        self.busRange = busRange
        shuntRange = ShuntRange.holding(maxCurrent * shuntOhms)
        calibration = Self.calibration(shuntOhms: shuntOhms, maxCurrent: maxCurrent, shuntRange: shuntRange)
        self.sleep = sleep
    }

    /// The configuration register this driver writes.
    public var configurationValue: UInt16 { Self.configuration(busRange: busRange, shuntRange: shuntRange) }

    /// Writes the configuration and calibration, reads both back, waits one conversion.
    public func setUp(bus: any I2CBus, address: UInt8) throws(I2CError) {
        try bus.writeUInt16BE(address: address, register: Register.configuration, value: configurationValue)
        try bus.writeUInt16BE(address: address, register: Register.calibration, value: calibration.register)
        let configuration = try bus.readUInt16BE(address: address, register: Register.configuration)
        let calibrationRead = try bus.readUInt16BE(address: address, register: Register.calibration)
        guard configuration == configurationValue, calibrationRead == calibration.register else {
            throw I2CError(.invalidReply, bus: bus.number, address: address,
                           "configuration 0x\(String(configuration, radix: 16)) and calibration 0x\(String(calibrationRead, radix: 16)) "
                               + "read back after writing 0x\(String(configurationValue, radix: 16)) and 0x\(String(calibration.register, radix: 16)): "
                               + "not an INA219")
        }
        sleep(Self.conversionTime)
    }

    /// The latest conversion: `[bus_voltage V, shunt_voltage mV, current A, power W]`.
    public func read(bus: any I2CBus, address: UInt8) throws(I2CError) -> [Double] {
        let busVoltage = try bus.readUInt16BE(address: address, register: Register.busVoltage)
        let shuntVoltage = try bus.readUInt16BE(address: address, register: Register.shuntVoltage)
        let current = try bus.readUInt16BE(address: address, register: Register.current)
        let power = try bus.readUInt16BE(address: address, register: Register.power)
        return try Self.decode(Registers(shuntVoltage: shuntVoltage, busVoltage: busVoltage, power: power, current: current),
                               calibration: calibration, bus: bus.number, address: address)
    }
}
