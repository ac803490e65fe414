import SensorgateCore

/// TE Connectivity (MEAS) HTU21D(F) and Silicon Labs Si7021 humidity and temperature
/// sensors, over I2C: the same address, commands, user register, checksum and conversion.
///
/// Datasheets: TE Connectivity, "HTU21D(F) Sensor Digital Relative Humidity sensor with
/// Temperature output" (HPC199_6), <https://www.te.com/usa-en/product-CAT-HSC0004.html>;
/// Silicon Labs, "Si7021-A20" (rev. 1.2),
/// <https://www.silabs.com/documents/public/data-sheets/Si7021-A20.pdf>. Section names
/// below are the HTU21D's, section numbers the Si7021's.
///
/// Every `read` measures humidity, then temperature, each with the "no hold master"
/// command (the part does not acknowledge its read header until it is done, instead of
/// stretching the clock, which not every adapter supports), waiting the maximum
/// measuring time of the configured resolution first. Each reply is the 16-bit signal,
/// most significant byte first, then its CRC-8; the two low bits of the LSB are status,
/// bit 1 the measurement type. A CRC mismatch, the wrong type or a temperature outside
/// the operating range is a failed read.
///
/// Address 0x40, fixed (both parts); default poll interval 2 s.
public final class HTU21D: SensorDriver, @unchecked Sendable {
    /// `resolution`: the measurement resolution bits of the user register.
    public static let resolutionOption = DriverOption(
        name: "resolution", kind: .choice(Resolution.allCases.map(\.rawValue)),
        defaultValue: .choice(Resolution.rh12t14.rawValue),
        meaning: "bits of humidity and temperature: rh12-t14 (66 ms a reading), rh11-t11 (15 ms), rh10-t13 (30 ms) or rh8-t12 (16 ms)")

    /// The catalog entry: both parts answer at 0x40 only.
    public static let descriptor = DriverDescriptor(
        name: "htu21d",
        part: "HTU21D",
        summary: "TE HTU21D / Silicon Labs Si7021 temperature and humidity sensor",
        defaultAddress: 0x40,
        allowedAddresses: [0x40],
        defaultInterval: .seconds(2),
        // At most 10 % of the time measuring keeps self-heating low: 66 ms at the default
        // resolution in every second.
        minimumInterval: .seconds(1),
        channels: [
            ChannelDescriptor(name: "temperature", unit: "°C", deviceClass: "temperature", decimals: 2),
            ChannelDescriptor(name: "humidity", unit: "%", deviceClass: "humidity", decimals: 2),
        ],
        options: [resolutionOption],
        make: { options in HTU21D(resolution: Resolution(rawValue: options.choice(resolutionOption)) ?? .rh12t14) }
    )

    // MARK: Commands (HTU21D "Commands"; Si7021 section 5, table 11)

    /// The 8-bit commands, named as in the datasheets.
    public enum Command {
        /// Trigger humidity measurement, no hold master.
        public static let triggerHumidityNoHold: UInt8 = 0xF5
        /// Trigger temperature measurement, no hold master.
        public static let triggerTemperatureNoHold: UInt8 = 0xF3
        /// Write user register: the command, then the new value.
        public static let writeUserRegister: UInt8 = 0xE6
        /// Read user register: the command, then a one-byte read.
        public static let readUserRegister: UInt8 = 0xE7
        /// Soft reset: reloads the user register's defaults.
        public static let softReset: UInt8 = 0xFE
    }

    /// Bits of the user register (HTU21D "User register"; Si7021 section 6, register 1).
    public enum UserRegisterBit {
        /// Bits 7 and 0: the measurement resolution.
        public static let resolution: UInt8 = 0x81
        /// Bit 6: VDD below 2.25 V (HTU21D) / 1.9 V (Si7021), updated by every measurement.
        public static let endOfBattery: UInt8 = 1 << 6
    }

    /// The user register after power-up or soft reset: 12/14 bits, OTP reload disabled
    /// (bit 1). Reserved bits may differ, so the driver changes only the bits it owns.
    public static let userRegisterDefault: UInt8 = 0x02

    /// The measurement resolution: bits 7 and 0 of the user register, with the maximum
    /// measuring times of the HTU21D's table (the Si7021's are shorter).
    public enum Resolution: String, Sendable, CaseIterable {
        case rh12t14 = "rh12-t14"
        case rh8t12 = "rh8-t12"
        case rh10t13 = "rh10-t13"
        case rh11t11 = "rh11-t11"

        /// The bits 7 and 0 of the user register.
        public var userRegisterBits: UInt8 {
            switch self {
            case .rh12t14: 0x00
            case .rh8t12: 0x01
            case .rh10t13: 0x80
            case .rh11t11: 0x81
            }
        }

        /// The maximum humidity measuring time: 16, 3, 5, 8 ms at 12, 8, 10, 11 bits.
        public var humidityTime: Interval {
            switch self {
            case .rh12t14: .milliseconds(16)
            case .rh8t12: .milliseconds(3)
            case .rh10t13: .milliseconds(5)
            case .rh11t11: .milliseconds(8)
            }
        }

        /// The maximum temperature measuring time: 50, 13, 25, 7 ms at 14, 12, 13, 11 bits.
        public var temperatureTime: Interval {
            switch self {
            case .rh12t14: .milliseconds(50)
            case .rh8t12: .milliseconds(13)
            case .rh10t13: .milliseconds(25)
            case .rh11t11: .milliseconds(7)
            }
        }
    }

    /// What a measurement reply carries: bit 1 of its LSB, 1 for humidity, 0 for
    /// temperature (HTU21D "Communication sequence"; Si7021 sections 5.1.1, 5.1.2).
    public enum Measurement: String, Sendable {
        case humidity, temperature

        public var typeBit: UInt16 { self == .humidity ? 0b10 : 0 }
    }

    /// CRC-8 of the two signal bytes (HTU21D "CRC Checksum"; Si7021 section 5.1):
    /// x^8 + x^5 + x^4 + 1 (0x131, 0x31 without the x^8 term), initialised with 0x00.
    public static let crc = CRC8(polynomial: 0x31, initial: 0x00)
    /// Soft reset time, maximum (HTU21D "Soft reset"; Si7021 table 2).
    public static let softResetTime = Interval.milliseconds(15)
    /// The operating range: a temperature outside is a broken reply.
    public static let temperatureRange: ClosedRange<Double> = -40...125
    /// The two status bits of the LSB.
    public static let statusMask: UInt16 = 0b11

    // MARK: Decoding (HTU21D "Conversion of signal outputs"; Si7021 sections 5.1.1, 5.1.2)

    /// `RH = −6 + 125 · S_RH / 2^16` in %, cropped to 0...100 as the datasheets allow
    /// (the formula reaches −6...119 %).
    public static func humidity(raw: UInt16) -> Double { min(max(-6 + 125 * Double(raw) / 65536, 0), 100) }
    /// `T = −46.85 + 175.72 · S_T / 2^16` in °C.
    public static func temperature(raw: UInt16) -> Double { -46.85 + 175.72 * Double(raw) / 65536 }

    /// The signal of a 3-byte reply with its status bits cleared: CRC and type checked.
    public static func signal(_ reply: [UInt8], of measurement: Measurement, bus: Int, address: UInt8) throws(I2CError) -> UInt16 {
        guard reply.count == 3 else {
            throw I2CError(.invalidReply, bus: bus, address: address, "HTU21D \(measurement) reply has \(reply.count) bytes, expected 3")
        }
        let computed = crc.checksum(reply.prefix(2))
        guard computed == reply[2] else {
            throw I2CError(.crcMismatch, bus: bus, address: address,
                           "HTU21D \(measurement) has CRC \(hex(reply[2])), its bytes give \(hex(computed))")
        }
        let word = RegisterBytes.uint16BE(reply[0], reply[1])
        guard word & 0b10 == measurement.typeBit else {
            throw I2CError(.invalidReply, bus: bus, address: address,
                           "HTU21D \(measurement) reply 0x\(String(word, radix: 16)) has the status bits of another measurement")
        }
        return word & ~statusMask
    }

    /// `[temperature °C, humidity %]` from the humidity and temperature replies.
    public static func decode(humidity humidityReply: [UInt8], temperature temperatureReply: [UInt8],
                              bus: Int, address: UInt8) throws(I2CError) -> [Double] {
        let percent = humidity(raw: try signal(humidityReply, of: .humidity, bus: bus, address: address))
        let celsius = temperature(raw: try signal(temperatureReply, of: .temperature, bus: bus, address: address))
        guard temperatureRange.contains(celsius) else {
            throw I2CError(.invalidReply, bus: bus, address: address,
                           "HTU21D temperature \(celsius) °C is outside the part's range -40...125 °C")
        }
        return [celsius, percent]
    }

    // MARK: Driver

    public let resolution: Resolution
    private let sleep: Sleeper

    /// Does no I/O.
    public init(resolution: Resolution = .rh12t14, sleep: @escaping Sleeper = sleepThread) {
        self.resolution = resolution
        self.sleep = sleep
    }

    /// Soft-resets the part, then sets the resolution bits of the user register, keeping
    /// the others as read (the datasheets require it of reserved bits), and reads it back.
    public func setUp(bus: any I2CBus, address: UInt8) throws(I2CError) {
        try bus.write(address: address, [Command.softReset])
        sleep(Self.softResetTime)
        let old = try readUserRegister(bus: bus, address: address)
        let new = (old & ~UserRegisterBit.resolution) | resolution.userRegisterBits
        try bus.write(address: address, [Command.writeUserRegister, new])
        let readBack = try readUserRegister(bus: bus, address: address)
        guard readBack & UserRegisterBit.resolution == resolution.userRegisterBits else {
            throw I2CError(.invalidReply, bus: bus.number, address: address,
                           "HTU21D user register reads \(hex(readBack)) after writing \(hex(new))")
        }
    }

    /// One humidity and one temperature measurement: `[temperature °C, humidity %]`.
    public func read(bus: any I2CBus, address: UInt8) throws(I2CError) -> [Double] {
        let humidityReply = try measure(Command.triggerHumidityNoHold, wait: resolution.humidityTime, bus: bus, address: address)
        let temperatureReply = try measure(Command.triggerTemperatureNoHold, wait: resolution.temperatureTime,
                                           bus: bus, address: address)
        return try Self.decode(humidity: humidityReply, temperature: temperatureReply, bus: bus.number, address: address)
    }

    /// Sends a no-hold measurement command, waits its maximum measuring time and reads
    /// the signal and its CRC.
    private func measure(_ command: UInt8, wait: Interval, bus: any I2CBus, address: UInt8) throws(I2CError) -> [UInt8] {
        try bus.write(address: address, [command])
        sleep(wait)
        return try bus.read(address: address, count: 3)
    }

    /// The user register: the read command, a repeated start and a one-byte read.
    private func readUserRegister(bus: any I2CBus, address: UInt8) throws(I2CError) -> UInt8 {
        let replies = try bus.transfer(address: address, [.write([Command.readUserRegister]), .read(count: 1)])
        guard let value = replies.first?.first else {
            throw I2CError(.invalidReply, bus: bus.number, address: address, "HTU21D user register read returned nothing")
        }
        return value
    }
}
