import SensorgateCore

/// Vishay VEML7700 ambient light sensor, over I2C.
///
/// Datasheet: Vishay, "VEML7700 High Accuracy Ambient Light Sensor With I2C Interface",
/// document 84286, <https://www.vishay.com/docs/84286/veml7700.pdf>; application note:
/// Vishay, "Designing the VEML7700 Into an Application", document 84323,
/// <https://www.vishay.com/docs/84323/designingveml7700.pdf>.
///
/// The part has 16-bit registers sent least significant byte first (datasheet, "Command
/// Register Format"), so the driver reads and writes them as plain SMBus words. `setUp`
/// writes the configuration register ALS_CONF_0 (gain, integration time, interrupt off,
/// ALS_SD 0: powered on) and turns power-saving mode off, reads the configuration back (the
/// part has no id register to check) and waits one integration time plus a margin, so the
/// first `read` finds a finished measurement. The part then measures continuously; a `read`
/// takes the latest ALS count.
///
/// Lux = count × resolution, the resolution by gain and integration time from the
/// application note's table (0.0036 lx/count at gain 2 and 800 ms, doubling with every
/// halving of either); above 1000 lx the application note's fourth-order polynomial
/// corrects the non-linearity at high illuminance. A count of 0xFFFF is saturated and
/// refused: lower the gain or the integration time.
///
/// Fixed address 0x10; default poll interval 5 s.
public final class VEML7700: SensorDriver, @unchecked Sendable {
    /// `gain`: ALS_GAIN, the sensitivity.
    public static let gainOption = DriverOption(
        name: "gain", kind: .choice(Gain.allCases.map(\.rawValue)), defaultValue: .choice(Gain.eighth.rawValue),
        meaning: "ALS gain: x1_8 or x1_4 for most light levels (up to 120 klx), x1 or x2 only below about 100 lx")
    /// `integration_time`: ALS_IT, the measurement time.
    public static let integrationTimeOption = DriverOption(
        name: "integration_time", kind: .choice(IntegrationTime.allCases.map(\.rawValue)),
        defaultValue: .choice(IntegrationTime.ms100.rawValue),
        meaning: "ALS integration time: longer is finer (0.0036 lx/count at 800 ms and gain x2) but saturates sooner")

    /// The catalog entry: the part answers at 0x10 only.
    public static let descriptor = DriverDescriptor(
        name: "veml7700",
        part: "VEML7700",
        summary: "Vishay VEML7700 ambient light sensor",
        defaultAddress: 0x10,
        allowedAddresses: [0x10],
        defaultInterval: .seconds(5),
        // Covers the longest integration time, 800 ms: reading faster repeats values.
        minimumInterval: .seconds(1),
        channels: [
            ChannelDescriptor(name: "illuminance", unit: "lx", deviceClass: "illuminance", decimals: 4),
        ],
        options: [gainOption, integrationTimeOption],
        make: { options in
            VEML7700(gain: Gain(rawValue: options.choice(gainOption)) ?? .eighth,
                     integrationTime: IntegrationTime(rawValue: options.choice(integrationTimeOption)) ?? .ms100)
        }
    )

    // MARK: Registers (datasheet, table "Command Register Format")

    /// The command codes, named as in the datasheet.
    public enum Register {
        /// ALS_CONF_0: gain <12:11>, integration time <9:6>, persistence <5:4>,
        /// interrupt enable <1>, shut down <0>.
        public static let alsConf0: UInt8 = 0x00
        /// ALS_WH: high threshold window.
        public static let alsWH: UInt8 = 0x01
        /// ALS_WL: low threshold window.
        public static let alsWL: UInt8 = 0x02
        /// Power saving: PSM <2:1>, PSM_EN <0>.
        public static let powerSaving: UInt8 = 0x03
        /// ALS: the 16-bit ambient light count, read-only.
        public static let als: UInt8 = 0x04
        /// WHITE: the 16-bit white channel count, read-only.
        public static let white: UInt8 = 0x05
        /// ALS_INT: threshold interrupt flags, read-only.
        public static let alsInt: UInt8 = 0x06
    }

    /// ALS_SD, bit 0 of ALS_CONF_0: 1 shuts the part down.
    public static let shutDown: UInt16 = 1 << 0
    /// Power saving off (PSM_EN 0): a new result every integration time.
    public static let powerSavingOff: UInt16 = 0x0000
    /// The count of a saturated measurement (or of a bus with nothing driving it).
    public static let saturatedCount: UInt16 = 0xFFFF
    /// The resolution at the part's highest sensitivity, gain 2 and 800 ms (application note,
    /// table "Resolution and maximum detection range").
    public static let finestResolution = 0.0036
    /// Above this many lux the application note applies its non-linearity correction.
    public static let correctionThreshold = 1000.0

    /// ALS_GAIN, bits 12:11.
    public enum Gain: String, Sendable, CaseIterable {
        case eighth = "x1_8"
        case quarter = "x1_4"
        case one = "x1"
        case two = "x2"

        public var bits: UInt16 {
            switch self {
            case .one: 0b00
            case .two: 0b01
            case .eighth: 0b10
            case .quarter: 0b11
            }
        }

        public var factor: Double {
            switch self {
            case .eighth: 0.125
            case .quarter: 0.25
            case .one: 1
            case .two: 2
            }
        }
    }

    /// ALS_IT, bits 9:6.
    public enum IntegrationTime: String, Sendable, CaseIterable {
        case ms25 = "25ms"
        case ms50 = "50ms"
        case ms100 = "100ms"
        case ms200 = "200ms"
        case ms400 = "400ms"
        case ms800 = "800ms"

        public var bits: UInt16 {
            switch self {
            case .ms25: 0b1100
            case .ms50: 0b1000
            case .ms100: 0b0000
            case .ms200: 0b0001
            case .ms400: 0b0010
            case .ms800: 0b0011
            }
        }

        public var milliseconds: Int {
            switch self {
            case .ms25: 25
            case .ms50: 50
            case .ms100: 100
            case .ms200: 200
            case .ms400: 400
            case .ms800: 800
            }
        }

        public var interval: Interval { .milliseconds(milliseconds) }
    }

    /// ALS_CONF_0 for `gain` and `integrationTime`: persistence 1, interrupt off, powered on.
    public static func configuration(gain: Gain, integrationTime: IntegrationTime) -> UInt16 {
        gain.bits << 11 | integrationTime.bits << 6
    }

    // MARK: Decoding (application note, "Calculating the Lux Level")

    /// Lux per count at `gain` and `integrationTime`: 0.0036 at x2 and 800 ms, doubling
    /// with every halving of gain or time (1.8432 at x1/8 and 25 ms).
    public static func resolution(gain: Gain, integrationTime: IntegrationTime) -> Double {
        finestResolution * (2 / gain.factor) * (800 / Double(integrationTime.milliseconds))
    }

    /// The application note's correction of the part's non-linearity at high illuminance:
    /// 6.0135e-13·lx⁴ − 9.3924e-9·lx³ + 8.1488e-5·lx² + 1.0023·lx.
    public static func corrected(_ lux: Double) -> Double {
        (((6.0135e-13 * lux - 9.3924e-9) * lux + 8.1488e-5) * lux + 1.0023) * lux
    }

    /// The illuminance of `count` at the settings, corrected above 1000 lx.
    public static func illuminance(count: UInt16, gain: Gain, integrationTime: IntegrationTime) -> Double {
        let lux = Double(count) * resolution(gain: gain, integrationTime: integrationTime)
        return lux > correctionThreshold ? corrected(lux) : lux
    }

    /// `[illuminance lx]` from the ALS register, refusing a saturated count.
    public static func decode(_ count: UInt16, gain: Gain, integrationTime: IntegrationTime,
                              bus: Int, address: UInt8) throws(I2CError) -> [Double] {
        guard count != saturatedCount else {
            throw I2CError(.invalidReply, bus: bus, address: address,
                           "VEML7700 ALS count 0xffff is saturated (lower the gain or the integration time) "
                               + "or nothing is driving the bus")
        }
        return [illuminance(count: count, gain: gain, integrationTime: integrationTime)]
    }

    // MARK: Driver

    public let gain: Gain
    public let integrationTime: IntegrationTime
    private let sleep: Sleeper

    /// Does no I/O.
    public init(gain: Gain = .eighth, integrationTime: IntegrationTime = .ms100, sleep: @escaping Sleeper = sleepThread) {
        self.gain = gain
        self.integrationTime = integrationTime
        self.sleep = sleep
    }

    /// ALS_CONF_0 as `setUp` writes it.
    public var configuration: UInt16 { Self.configuration(gain: gain, integrationTime: integrationTime) }

    /// How long `setUp` waits for the first result: one integration time, 10 % for the
    /// internal oscillator's tolerance and 3 ms for the start after power-on (a margin
    /// chosen here; the datasheet gives no figure for the first conversion).
    public var firstResultWait: Interval {
        integrationTime.interval + .microseconds(integrationTime.milliseconds * 100) + .milliseconds(3)
    }

    /// Powers the part on with the driver's gain and integration time, turns power saving
    /// off, reads the configuration back and waits for the first result.
    public func setUp(bus: any I2CBus, address: UInt8) throws(I2CError) {
        try bus.writeWordData(address: address, register: Register.alsConf0, value: configuration)
        try bus.writeWordData(address: address, register: Register.powerSaving, value: Self.powerSavingOff)
        let readBack = try bus.readWordData(address: address, register: Register.alsConf0)
        guard readBack == configuration else {
            throw I2CError(.invalidReply, bus: bus.number, address: address,
                           "VEML7700 ALS_CONF_0 reads 0x\(String(readBack, radix: 16)) after writing "
                               + "0x\(String(configuration, radix: 16)): not a VEML7700, or it did not take the setting")
        }
        sleep(firstResultWait)
    }

    /// The latest result: `[illuminance lx]`.
    public func read(bus: any I2CBus, address: UInt8) throws(I2CError) -> [Double] {
        let count = try bus.readWordData(address: address, register: Register.als)
        return try Self.decode(count, gain: gain, integrationTime: integrationTime, bus: bus.number, address: address)
    }
}
