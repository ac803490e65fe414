import SensorgateCore

/// Sensirion SHT30, SHT31 and SHT35 humidity and temperature sensors, over I2C.
///
/// Datasheet: Sensirion, "Datasheet SHT3x-DIS" (version 6, 2019),
/// <https://sensirion.com/resource/datasheet/sht3x-d>.
/// Section numbers below refer to it.
///
/// Every `read` sends one single-shot measurement command with clock stretching disabled
/// (section 4.3, table 9), waits the maximum measurement duration for the repeatability
/// (table 4), then reads temperature and humidity, each word with its CRC (section 4.4).
/// Between reads the part idles. Both CRCs are checked: a mismatch is a failed read.
///
/// Default address 0x44 (ADDR to VSS), 0x45 with ADDR to VDD (section 3);
/// default poll interval 2 s.
public final class SHT3x: SensorDriver, @unchecked Sendable {
    /// `repeatability`: the measurement command, trading noise for time (section 2.2, table 4).
    public static let repeatabilityOption = DriverOption(
        name: "repeatability", kind: .choice(Repeatability.allCases.map(\.rawValue)),
        defaultValue: .choice(Repeatability.high.rawValue),
        meaning: "measurement repeatability: high (15 ms), medium (6 ms) or low (4 ms) per reading")
    /// `heater`: the on-chip heater (section 4.10), for plausibility checks and drying
    /// after condensation; it raises the temperature reading by several degrees.
    public static let heaterOption = DriverOption(
        name: "heater", kind: .boolean, defaultValue: .boolean(false),
        meaning: "switch the on-chip heater on (raises the temperature reading)")

    /// The catalog entry: default address 0x44 (ADDR to VSS), 0x45 with ADDR to VDD.
    public static let descriptor = DriverDescriptor(
        name: "sht3x",
        part: "SHT3x",
        summary: "Sensirion SHT30/SHT31/SHT35 temperature and humidity sensor",
        defaultAddress: 0x44,
        allowedAddresses: [0x44, 0x45],
        defaultInterval: .seconds(2),
        // At most 10 % of the time measuring keeps self-heating low (section 2.1, note on
        // self-heating): 15 ms at high repeatability in every 200 ms.
        minimumInterval: .milliseconds(200),
        channels: [
            ChannelDescriptor(name: "temperature", unit: "°C", deviceClass: "temperature", decimals: 2),
            ChannelDescriptor(name: "humidity", unit: "%", deviceClass: "humidity", decimals: 2),
        ],
        options: [repeatabilityOption, heaterOption],
        make: { options in
            SHT3x(repeatability: Repeatability(rawValue: options.choice(repeatabilityOption)) ?? .high,
                  heater: options.boolean(heaterOption))
        }
    )

    // MARK: Commands (section 4)

    /// The 16-bit commands, named as in the datasheet.
    public enum Command {
        /// Single shot, clock stretching disabled, high repeatability (table 9).
        public static let measureHighRepeatability: UInt16 = 0x2400
        /// Single shot, clock stretching disabled, medium repeatability (table 9).
        public static let measureMediumRepeatability: UInt16 = 0x240B
        /// Single shot, clock stretching disabled, low repeatability (table 9).
        public static let measureLowRepeatability: UInt16 = 0x2416
        /// Soft reset (section 4.9).
        public static let softReset: UInt16 = 0x30A2
        /// Heater enable (section 4.10).
        public static let heaterEnable: UInt16 = 0x306D
        /// Heater disable (section 4.10).
        public static let heaterDisable: UInt16 = 0x3066
        /// Read out of the status register (section 4.11).
        public static let readStatus: UInt16 = 0xF32D
    }

    /// Bits of the status register (section 4.11).
    public enum StatusBit {
        /// Bit 13: the heater is on.
        public static let heater: UInt16 = 1 << 13
        /// Bit 1: the last command was not processed.
        public static let commandStatus: UInt16 = 1 << 1
        /// Bit 0: the checksum of the last write transfer failed.
        public static let writeChecksum: UInt16 = 1 << 0
    }

    /// The measurement repeatability (table 4, table 9).
    public enum Repeatability: String, Sendable, CaseIterable {
        case high, medium, low

        /// The single-shot command without clock stretching.
        public var command: UInt16 {
            switch self {
            case .high: Command.measureHighRepeatability
            case .medium: Command.measureMediumRepeatability
            case .low: Command.measureLowRepeatability
            }
        }

        /// The maximum measurement duration (table 4).
        public var maximumDuration: Interval {
            switch self {
            case .high: .milliseconds(15)
            case .medium: .milliseconds(6)
            case .low: .milliseconds(4)
            }
        }
    }

    /// Soft reset time, maximum (table 4, `t_SR`).
    public static let softResetTime = Interval.microseconds(1_500)
    /// The pause a command needs before the next one starts (section 4, "waiting time" between
    /// commands); also covers the heater command taking effect.
    public static let commandTime = Interval.milliseconds(1)
    /// The operating range (section 2): a value outside is a broken reply, not a measurement.
    public static let temperatureRange: ClosedRange<Double> = -40...125
    public static let humidityRange: ClosedRange<Double> = 0...100

    // MARK: Decoding (section 4.13)

    /// `T = -45 + 175 · S_T / (2^16 - 1)` in °C.
    public static func temperature(raw: UInt16) -> Double { -45 + 175 * Double(raw) / 65535 }
    /// `RH = 100 · S_RH / (2^16 - 1)` in %.
    public static func humidity(raw: UInt16) -> Double { 100 * Double(raw) / 65535 }

    /// Turns the 6 bytes of a measurement into `[temperature °C, humidity %]`: CRCs
    /// checked, values outside the operating range rejected.
    public static func decode(_ reply: [UInt8], bus: Int, address: UInt8) throws(I2CError) -> [Double] {
        let words: [UInt16]
        do {
            words = try SensirionWords.decode(reply, words: 2)
        } catch {
            throw SensirionWords.error(error, part: "SHT3x", bus: bus, address: address)
        }
        let celsius = temperature(raw: words[0])
        let percent = humidity(raw: words[1])
        guard temperatureRange.contains(celsius) else {
            throw I2CError(.invalidReply, bus: bus, address: address,
                           "SHT3x temperature \(celsius) °C is outside the part's range -40...125 °C")
        }
        return [celsius, percent]
    }

    // MARK: Driver

    public let repeatability: Repeatability
    public let heater: Bool
    private let sleep: Sleeper

    /// Does no I/O.
    public init(repeatability: Repeatability = .high, heater: Bool = false, sleep: @escaping Sleeper = sleepThread) {
        self.repeatability = repeatability
        self.heater = heater
        self.sleep = sleep
    }

    /// Soft-resets the part, sets the heater as configured and reads the status register,
    /// which proves a Sensirion part answers (its CRC) and that it took the heater command.
    public func setUp(bus: any I2CBus, address: UInt8) throws(I2CError) {
        try bus.write(address: address, command: Command.softReset)
        sleep(Self.softResetTime)
        try bus.write(address: address, command: heater ? Command.heaterEnable : Command.heaterDisable)
        sleep(Self.commandTime)
        try bus.write(address: address, command: Command.readStatus)
        let status = try SensirionWords.read(1, part: "SHT3x", bus: bus, address: address)[0]
        guard (status & StatusBit.heater != 0) == heater else {
            throw I2CError(.invalidReply, bus: bus.number, address: address,
                           "SHT3x status 0x\(String(status, radix: 16)) shows the heater \(heater ? "off" : "on") after switching it \(heater ? "on" : "off")")
        }
    }

    /// One single-shot measurement: `[temperature °C, humidity %]`.
    public func read(bus: any I2CBus, address: UInt8) throws(I2CError) -> [Double] {
        try bus.write(address: address, command: repeatability.command)
        sleep(repeatability.maximumDuration)
        let reply = try bus.read(address: address, count: 6)
        return try Self.decode(reply, bus: bus.number, address: address)
    }
}
