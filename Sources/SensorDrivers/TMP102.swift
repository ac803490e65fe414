import SensorgateCore

/// Texas Instruments TMP102 digital temperature sensor, over I2C.
///
/// Datasheet: Texas Instruments, "TMP102 Low-Power Digital Temperature Sensor With SMBus
/// and Two-Wire Serial Interface in SOT563", SBOS397 (rev. C, 2012),
/// <https://www.ti.com/lit/ds/symlink/tmp102.pdf>. Table numbers below refer to it.
///
/// A driver of its own rather than an option of ``LM75``: the register map looks alike
/// (pointer 0x00 temperature, 0x01 configuration), but the configuration is 16 bits with
/// another layout, the temperature has 12 bits (13 in extended mode, which moves the
/// format) and the part flags the format in the register itself. It shares the LM75's
/// decoding of left-justified two's complement registers (``LM75/celsius(register:bits:step:)``).
///
/// The part converts continuously (4 Hz at power-up) into its temperature register, so a
/// `read` is one 16-bit register read, most significant byte first. Bit D0 of the LSB
/// tells the format, 1 for extended (13 bits, to 150 °C), 0 for normal (12 bits, which
/// saturates at 127.9375 °C): the driver decodes by it, so a reading taken before the
/// first conversion in a newly set mode still decodes right. `setUp` writes the
/// configuration's power-up value with the extended mode bit EM as configured (table 7),
/// reads it back (the resolution bits R1, R0 always read 11 on a TMP102) and waits one
/// conversion. No checksum; a saturated or out-of-range temperature is refused.
///
/// Addresses 0x48 (ADD0 to GND), 0x49 (V+), 0x4A (SDA), 0x4B (SCL); default poll
/// interval 5 s.
public final class TMP102: SensorDriver, @unchecked Sendable {
    /// `mode`: the EM bit, normal (12 bits) or extended (13 bits, up to 150 °C). A choice
    /// named after the datasheet's two modes rather than a boolean.
    public static let modeOption = DriverOption(
        name: "mode", kind: .choice(["normal", "extended"]), defaultValue: .choice("normal"),
        meaning: "normal (12 bits, stops at 127.9375 °C) or extended (EM bit: 13 bits, up to 150 °C)")

    /// The catalog entry: 0x48 with ADD0 to GND, 0x49...0x4B with ADD0 to V+, SDA, SCL.
    public static let descriptor = DriverDescriptor(
        name: "tmp102",
        part: "TMP102",
        summary: "Texas Instruments TMP102 temperature sensor",
        defaultAddress: 0x48,
        allowedAddresses: [0x48, 0x49, 0x4A, 0x4B],
        defaultInterval: .seconds(5),
        // The part converts at 4 Hz after power-up; reading faster repeats values.
        minimumInterval: .milliseconds(250),
        channels: [
            ChannelDescriptor(name: "temperature", unit: "°C", deviceClass: "temperature", decimals: 4),
        ],
        options: [modeOption],
        make: { options in TMP102(extended: options.choice(modeOption) == "extended") }
    )

    // MARK: Registers (pointer register, table 2)

    /// The register pointers, named as in the datasheet.
    public enum Register {
        /// Temperature, 16 bits, read-only (tables 3 to 6).
        public static let temperature: UInt8 = 0x00
        /// Configuration, 16 bits (table 7).
        public static let configuration: UInt8 = 0x01
        /// T_LOW, 16 bits.
        public static let low: UInt8 = 0x02
        /// T_HIGH, 16 bits.
        public static let high: UInt8 = 0x03
    }

    /// The configuration at power-up (table 7): byte 1 `OS R1 R0 F1 F0 POL TM SD` =
    /// 0110 0000 (12-bit resolution bits, continuous conversion), byte 2 `CR1 CR0 AL EM 0000`
    /// = 1010 0000 (4 Hz, alert inactive, normal mode).
    public static let configurationPowerUp: UInt16 = 0x60A0
    /// Configuration bits the driver checks or sets.
    public enum ConfigurationBit {
        /// R1, R0 (bits 14, 13 of the word): read-only, always 11 on the TMP102.
        public static let resolution: UInt16 = 0x6000
        /// EM (bit 4 of byte 2): extended mode.
        public static let extendedMode: UInt16 = 0x0010
        /// AL (bit 5 of byte 2): alert, read-only, so not compared on read-back.
        public static let alert: UInt16 = 0x0020
    }
    /// The longest conversion (electrical characteristics, conversion time: 26 ms typical,
    /// 35 ms maximum).
    public static let conversionTime = Interval.milliseconds(35)
    /// The operating range (−55...150 °C, the extended format's reach): a temperature
    /// outside is a broken reply.
    public static let temperatureRange: ClosedRange<Double> = -55...150
    /// What the normal format reads at 127.9375 °C and at every temperature above (table 5).
    public static let normalFormatLimit: UInt16 = 0x7FF0

    // MARK: Decoding (tables 3 to 6)

    /// The temperature in the register, by the format its bit D0 gives: extended 13 bits,
    /// normal 12 bits, 0.0625 °C each.
    public static func temperature(register: UInt16) -> Double {
        let extended = register & 1 == 1
        return LM75.celsius(register: register, bits: extended ? 13 : 12, step: 0.0625)
    }

    /// `[temperature °C]`, refusing a saturated normal-format reading and values outside
    /// the operating range.
    public static func decode(_ register: UInt16, bus: Int, address: UInt8) throws(I2CError) -> [Double] {
        guard register != normalFormatLimit else {
            throw I2CError(.invalidReply, bus: bus, address: address,
                           "TMP102 temperature at the normal format's limit 127.9375 °C (128 °C or more): set mode: extended")
        }
        let celsius = temperature(register: register)
        guard temperatureRange.contains(celsius) else {
            throw I2CError(.invalidReply, bus: bus, address: address,
                           "TMP102 temperature \(celsius) °C (register 0x\(String(register, radix: 16))) is outside the part's range -55...150 °C")
        }
        return [celsius]
    }

    // MARK: Driver

    public let extended: Bool
    private let sleep: Sleeper

    /// Does no I/O.
    public init(extended: Bool = false, sleep: @escaping Sleeper = sleepThread) {
        self.extended = extended
        self.sleep = sleep
    }

    /// The configuration `setUp` writes.
    public var configuration: UInt16 {
        extended ? Self.configurationPowerUp | ConfigurationBit.extendedMode : Self.configurationPowerUp
    }

    /// Writes the configuration, reads it back and waits one conversion.
    public func setUp(bus: any I2CBus, address: UInt8) throws(I2CError) {
        try bus.writeUInt16BE(address: address, register: Register.configuration, value: configuration)
        let readBack = try bus.readUInt16BE(address: address, register: Register.configuration)
        guard readBack & ~ConfigurationBit.alert == configuration & ~ConfigurationBit.alert else {
            throw I2CError(.invalidReply, bus: bus.number, address: address,
                           "configuration reads 0x\(String(readBack, radix: 16)) after writing 0x\(String(configuration, radix: 16)): not a TMP102")
        }
        sleep(Self.conversionTime)
    }

    /// The latest conversion: `[temperature °C]`.
    public func read(bus: any I2CBus, address: UInt8) throws(I2CError) -> [Double] {
        let register = try bus.readUInt16BE(address: address, register: Register.temperature)
        return try Self.decode(register, bus: bus.number, address: address)
    }
}
