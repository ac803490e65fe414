import SensorgateCore

/// Sensirion SHT40, SHT41, SHT43 and SHT45 humidity and temperature sensors, over I2C.
///
/// Datasheet: Sensirion, "Datasheet SHT4x" (version 6, February 2023),
/// <https://sensirion.com/resource/datasheet/sht4x>.
/// Section numbers below refer to it.
///
/// Every `read` sends one 8-bit measurement command (section 4.5, table 7), waits the
/// maximum measurement duration for the precision (table 4), then reads temperature and
/// humidity, each word with its CRC (section 4.4). A CRC mismatch is a failed read.
///
/// Default address 0x44 (SHT4x-A), 0x45 (SHT4x-B) and 0x46 (SHT4x-C) by order code;
/// default poll interval 2 s.
public final class SHT4x: SensorDriver, @unchecked Sendable {
    /// `precision`: the measurement command, trading noise for time (table 4).
    public static let precisionOption = DriverOption(
        name: "precision", kind: .choice(Precision.allCases.map(\.rawValue)),
        defaultValue: .choice(Precision.high.rawValue),
        meaning: "measurement precision: high (8.3 ms), medium (4.5 ms) or low (1.6 ms) per reading")

    /// The catalog entry: 0x44 default, 0x45 and 0x46 for the B and C order codes.
    public static let descriptor = DriverDescriptor(
        name: "sht4x",
        part: "SHT4x",
        summary: "Sensirion SHT40/SHT41/SHT43/SHT45 temperature and humidity sensor",
        defaultAddress: 0x44,
        allowedAddresses: [0x44, 0x45, 0x46],
        defaultInterval: .seconds(2),
        // At most 10 % of the time measuring keeps self-heating low: 8.3 ms in every 100 ms.
        minimumInterval: .milliseconds(100),
        channels: [
            ChannelDescriptor(name: "temperature", unit: "°C", deviceClass: "temperature", decimals: 2),
            ChannelDescriptor(name: "humidity", unit: "%", deviceClass: "humidity", decimals: 2),
        ],
        options: [precisionOption],
        make: { options in SHT4x(precision: Precision(rawValue: options.choice(precisionOption)) ?? .high) }
    )

    // MARK: Commands (section 4.5, table 7)

    /// The 8-bit commands, named as in the datasheet.
    public enum Command {
        /// Measure T & RH with high precision (high repeatability).
        public static let measureHighPrecision: UInt8 = 0xFD
        /// Measure T & RH with medium precision (medium repeatability).
        public static let measureMediumPrecision: UInt8 = 0xF6
        /// Measure T & RH with lowest precision (low repeatability).
        public static let measureLowPrecision: UInt8 = 0xE0
        /// Read serial number: two words, each with its CRC.
        public static let readSerialNumber: UInt8 = 0x89
        /// Soft reset.
        public static let softReset: UInt8 = 0x94
    }

    /// The measurement precision (table 4, table 7).
    public enum Precision: String, Sendable, CaseIterable {
        case high, medium, low

        public var command: UInt8 {
            switch self {
            case .high: Command.measureHighPrecision
            case .medium: Command.measureMediumPrecision
            case .low: Command.measureLowPrecision
            }
        }

        /// The maximum measurement duration (table 4).
        public var maximumDuration: Interval {
            switch self {
            case .high: .microseconds(8_300)
            case .medium: .microseconds(4_500)
            case .low: .microseconds(1_600)
            }
        }
    }

    /// Soft reset time, maximum (table 4, `t_SR`).
    public static let softResetTime = Interval.milliseconds(1)
    /// The time the part takes to answer the serial number command.
    public static let commandTime = Interval.milliseconds(1)
    /// The operating range (section 2): a temperature outside is a broken reply.
    public static let temperatureRange: ClosedRange<Double> = -40...125

    // MARK: Decoding (section 4.6)

    /// `T = -45 + 175 · S_T / (2^16 - 1)` in °C.
    public static func temperature(raw: UInt16) -> Double { -45 + 175 * Double(raw) / 65535 }
    /// `RH = -6 + 125 · S_RH / (2^16 - 1)` in %, cropped to 0...100 as section 4.6 advises
    /// (the formula reaches -6...119 %, physically impossible values).
    public static func humidity(raw: UInt16) -> Double { min(max(-6 + 125 * Double(raw) / 65535, 0), 100) }

    /// Turns the 6 bytes of a measurement into `[temperature °C, humidity %]`: CRCs
    /// checked, temperatures outside the operating range rejected.
    public static func decode(_ reply: [UInt8], bus: Int, address: UInt8) throws(I2CError) -> [Double] {
        let words: [UInt16]
        do {
            words = try SensirionWords.decode(reply, words: 2)
        } catch {
            throw SensirionWords.error(error, part: "SHT4x", bus: bus, address: address)
        }
        let celsius = temperature(raw: words[0])
        guard temperatureRange.contains(celsius) else {
            throw I2CError(.invalidReply, bus: bus, address: address,
                           "SHT4x temperature \(celsius) °C is outside the part's range -40...125 °C")
        }
        return [celsius, humidity(raw: words[1])]
    }

    // MARK: Driver

    public let precision: Precision
    private let sleep: Sleeper
    private let lock = Mutex()
    private var serial: UInt32?

    /// Does no I/O.
    public init(precision: Precision = .high, sleep: @escaping Sleeper = sleepThread) {
        self.precision = precision
        self.sleep = sleep
    }

    /// The serial number read by the last successful `setUp`.
    public var serialNumber: UInt32? { lock.withLock { serial } }

    /// Soft-resets the part and reads its serial number, which proves a Sensirion part
    /// answers (both CRCs).
    public func setUp(bus: any I2CBus, address: UInt8) throws(I2CError) {
        lock.withLock { serial = nil }
        try bus.write(address: address, [Command.softReset])
        sleep(Self.softResetTime)
        try bus.write(address: address, [Command.readSerialNumber])
        sleep(Self.commandTime)
        let words = try SensirionWords.read(2, part: "SHT4x", bus: bus, address: address)
        lock.withLock { serial = UInt32(words[0]) << 16 | UInt32(words[1]) }
    }

    /// One measurement: `[temperature °C, humidity %]`.
    public func read(bus: any I2CBus, address: UInt8) throws(I2CError) -> [Double] {
        try bus.write(address: address, [precision.command])
        sleep(precision.maximumDuration)
        let reply = try bus.read(address: address, count: 6)
        return try Self.decode(reply, bus: bus.number, address: address)
    }
}
