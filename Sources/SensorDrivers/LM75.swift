import SensorgateCore

/// LM75 digital temperature sensors, over I2C: the original 9-bit part (National/TI LM75,
/// 0.5 °C) and, with `resolution: 0.125`, the 11-bit parts sold under the same name (NXP
/// LM75B, and many clones).
///
/// Datasheets: National Semiconductor, "LM75 Digital Temperature Sensor and Thermal
/// Watchdog with Two-Wire Interface" (DS012658, 2001), <https://www.ti.com/product/LM75B>;
/// NXP, "LM75B Digital temperature sensor and thermal watchdog" (rev. 6.1, 2015),
/// <https://www.nxp.com/docs/en/data-sheet/LM75B.pdf>. Section numbers below are the
/// National datasheet's.
///
/// The part converts continuously into its temperature register (section 1.12), so a
/// `read` is one 16-bit register read, most significant byte first, never an 8-bit read:
/// an 8-bit read of a 16-bit register can leave the LM75 holding SDA low (TI SNIS153B,
/// figure 11). `setUp` writes the configuration's power-up value (section 1.13: normal
/// operation, comparator mode; a part left in shutdown would repeat its last temperature)
/// and waits for a conversion. The part has no id and no checksum; a temperature outside
/// the operating range is refused.
///
/// Addresses 0x48...0x4F by A2, A1, A0 (`1001 A2 A1 A0`), default 0x48 (all low);
/// default poll interval 5 s.
public final class LM75: SensorDriver, @unchecked Sendable {
    /// `resolution`: how many bits of the temperature register the part fills.
    public static let resolutionOption = DriverOption(
        name: "resolution", kind: .choice(Resolution.allCases.map(\.rawValue)),
        defaultValue: .choice(Resolution.half.rawValue),
        meaning: "temperature step in °C: 0.5 (9 bits, the original LM75) or 0.125 (11 bits, LM75B and most clones)")

    /// The catalog entry: 0x48 with A2, A1, A0 low, up to 0x4F.
    public static let descriptor = DriverDescriptor(
        name: "lm75",
        part: "LM75",
        summary: "LM75 temperature sensor (National/TI LM75, NXP LM75B and compatibles)",
        defaultAddress: 0x48,
        allowedAddresses: Array(0x48...0x4F),
        defaultInterval: .seconds(5),
        // A conversion takes about 100 ms (section 1.13); reading faster repeats values.
        minimumInterval: .milliseconds(100),
        channels: [
            ChannelDescriptor(name: "temperature", unit: "°C", deviceClass: "temperature", decimals: 3),
        ],
        options: [resolutionOption],
        make: { options in LM75(resolution: Resolution(rawValue: options.choice(resolutionOption)) ?? .half) }
    )

    // MARK: Registers (section 1.11, pointer register)

    /// The register pointers, named as in the datasheet.
    public enum Register {
        /// Temperature, 16 bits, read-only; the pointer's power-up value (section 1.12).
        public static let temperature: UInt8 = 0x00
        /// Configuration, 8 bits (section 1.13).
        public static let configuration: UInt8 = 0x01
        /// T_HYST, 16 bits, 75 °C at power-up (section 1.14).
        public static let hysteresis: UInt8 = 0x02
        /// T_OS, 16 bits, 80 °C at power-up (section 1.14).
        public static let overTemperatureShutdown: UInt8 = 0x03
    }

    /// The configuration at power-up (section 1.13): all bits 0, i.e. normal operation
    /// (shutdown bit D0 clear), comparator mode, O.S. active low, fault queue 1.
    public static let configurationPowerUp: UInt8 = 0x00
    /// Bit D0 of the configuration: shutdown.
    public static let shutdownBit: UInt8 = 1 << 0
    /// "Conversions take about 100 ms, typically" (section 1.13); the datasheet gives no
    /// maximum there, so `setUp` waits twice that for the first conversion.
    public static let conversionTime = Interval.milliseconds(100)
    public static let firstConversionWait = Interval.milliseconds(200)
    /// The operating range (section "Key Specifications": accuracy specified −55...125 °C):
    /// a temperature outside is a broken reply.
    public static let temperatureRange: ClosedRange<Double> = -55...125

    /// How many bits of the temperature register the part fills, from D15 down.
    public enum Resolution: String, Sendable, CaseIterable {
        /// 9 bits, D15...D7, 0.5 °C; D6...D0 undefined (section 1.12).
        case half = "0.5"
        /// 11 bits, D15...D5, 0.125 °C; D4...D0 zero (LM75B section 7.4.3).
        case eighth = "0.125"

        public var bits: Int { self == .half ? 9 : 11 }
        public var step: Double { self == .half ? 0.5 : 0.125 }
    }

    // MARK: Decoding (section 1.12; LM75B section 7.4.3)

    /// A temperature stored left-justified in a 16-bit register: the top `bits` bits as a
    /// two's complement number of `step` °C, the bits below ignored. The layout of the
    /// LM75's registers, shared by the TMP102.
    public static func celsius(register: UInt16, bits: Int, step: Double) -> Double {
        Double(Int16(bitPattern: register) >> (16 - bits)) * step
    }

    /// `[temperature °C]` from the temperature register at `resolution`, refusing values
    /// outside the operating range.
    public static func decode(_ register: UInt16, resolution: Resolution, bus: Int, address: UInt8) throws(I2CError) -> [Double] {
        let value = celsius(register: register, bits: resolution.bits, step: resolution.step)
        guard temperatureRange.contains(value) else {
            throw I2CError(.invalidReply, bus: bus, address: address,
                           "LM75 temperature \(value) °C (register 0x\(String(register, radix: 16))) is outside the part's range -55...125 °C")
        }
        return [value]
    }

    // MARK: Driver

    public let resolution: Resolution
    private let sleep: Sleeper

    /// Does no I/O.
    public init(resolution: Resolution = .half, sleep: @escaping Sleeper = sleepThread) {
        self.resolution = resolution
        self.sleep = sleep
    }

    /// Writes the configuration's power-up value, reads it back (a part that answers with
    /// another value is not an LM75 in a state the driver knows) and waits for a conversion.
    public func setUp(bus: any I2CBus, address: UInt8) throws(I2CError) {
        try bus.writeByteData(address: address, register: Register.configuration, value: Self.configurationPowerUp)
        let readBack = try bus.readByteData(address: address, register: Register.configuration)
        guard readBack == Self.configurationPowerUp else {
            throw I2CError(.invalidReply, bus: bus.number, address: address,
                           "LM75 configuration reads \(hex(readBack)) after writing \(hex(Self.configurationPowerUp))")
        }
        sleep(Self.firstConversionWait)
    }

    /// The latest conversion: `[temperature °C]`.
    public func read(bus: any I2CBus, address: UInt8) throws(I2CError) -> [Double] {
        let register = try bus.readUInt16BE(address: address, register: Register.temperature)
        return try Self.decode(register, resolution: resolution, bus: bus.number, address: address)
    }
}
