import SensorgateCore

/// Microchip MCP9808 digital temperature sensor, over I2C.
///
/// Datasheet: Microchip, "MCP9808 ±0.5°C Maximum Accuracy Digital Temperature Sensor",
/// DS25095A (2011), <https://ww1.microchip.com/downloads/en/DeviceDoc/25095A.pdf>.
/// Section numbers below refer to it.
///
/// The part converts continuously into a double-buffered ambient temperature register
/// (section 5.1.3), so a `read` is one register read, no trigger and no wait. Registers
/// are 16 bits, most significant byte first on the wire (section 4.0), read and written as
/// byte-swapped SMBus words (``I2CBus/readUInt16BE(address:register:)``). `setUp` checks
/// the manufacturer and device ids (sections 5.1.4, 5.1.5), writes the configuration's
/// power-up value (continuous conversion, alert off: a part left in shutdown would
/// otherwise repeat its last temperature) and the resolution (section 5.1.6), then waits
/// one conversion. The part has no checksum; a temperature outside the operating range
/// is refused.
///
/// Addresses 0x18...0x1F by A2, A1, A0 (section 4.5, `0011 A2 A1 A0`), default 0x18 (all
/// low); default poll interval 5 s.
public final class MCP9808: SensorDriver, @unchecked Sendable {
    /// `resolution`: the resolution register, trading conversion time for steps.
    public static let resolutionOption = DriverOption(
        name: "resolution", kind: .choice(Resolution.allCases.map(\.rawValue)),
        defaultValue: .choice(Resolution.sixteenth.rawValue),
        meaning: "temperature step in °C: 0.5 (30 ms conversions), 0.25 (65 ms), 0.125 (130 ms) or 0.0625 (250 ms)")

    /// The catalog entry: 0x18 with A2, A1, A0 low, up to 0x1F.
    public static let descriptor = DriverDescriptor(
        name: "mcp9808",
        part: "MCP9808",
        summary: "Microchip MCP9808 temperature sensor",
        defaultAddress: 0x18,
        allowedAddresses: Array(0x18...0x1F),
        defaultInterval: .seconds(5),
        // One conversion at the finest resolution takes 250 ms; reading faster repeats values.
        minimumInterval: .milliseconds(250),
        channels: [
            ChannelDescriptor(name: "temperature", unit: "°C", deviceClass: "temperature", decimals: 4),
        ],
        options: [resolutionOption],
        identity: ChipIdentity(register: Register.manufacturerID, width: .wordBigEndian, expected: [manufacturerID],
                               label: "manufacturer id"),
        make: { options in MCP9808(resolution: Resolution(rawValue: options.choice(resolutionOption)) ?? .sixteenth) }
    )

    // MARK: Registers (section 5.1, register 5-1)

    /// The register pointers, named as in the datasheet.
    public enum Register {
        /// CONFIG, 16 bits (section 5.1.1).
        public static let configuration: UInt8 = 0x01
        /// T_A, 16 bits, read-only (section 5.1.3).
        public static let ambientTemperature: UInt8 = 0x05
        /// Manufacturer ID, 16 bits, read-only (section 5.1.4).
        public static let manufacturerID: UInt8 = 0x06
        /// Device ID (upper byte) and revision (lower byte), read-only (section 5.1.5).
        public static let deviceID: UInt8 = 0x07
        /// Resolution, 8 bits, bits 1:0 (section 5.1.6).
        public static let resolution: UInt8 = 0x08
    }

    /// The manufacturer ID register of every MCP9808 (section 5.1.4).
    public static let manufacturerID: UInt16 = 0x0054
    /// The upper byte of the device ID register (section 5.1.5).
    public static let deviceID: UInt8 = 0x04
    /// CONFIG at power-up (register 5-2): continuous conversion, hysteresis 0, alert
    /// output disabled, nothing locked.
    public static let configurationPowerUp: UInt16 = 0x0000
    /// Bits 15...13 of T_A: T_A ≥ T_CRIT, T_A > T_UPPER, T_A < T_LOWER (register 5-4),
    /// not part of the temperature.
    public static let alertFlags: UInt16 = 0xE000
    /// The operating range (section 1.0, "Electrical characteristics"): a temperature
    /// outside is a broken reply.
    public static let temperatureRange: ClosedRange<Double> = -40...125

    /// The resolution register's setting (register 5-8), with the typical conversion time
    /// (section 1.0, `t_CONV`).
    public enum Resolution: String, Sendable, CaseIterable {
        case half = "0.5"
        case quarter = "0.25"
        case eighth = "0.125"
        case sixteenth = "0.0625"

        /// Bits 1:0 of the resolution register.
        public var registerValue: UInt8 {
            switch self {
            case .half: 0b00
            case .quarter: 0b01
            case .eighth: 0b10
            case .sixteenth: 0b11
            }
        }

        public var conversionTime: Interval {
            switch self {
            case .half: .milliseconds(30)
            case .quarter: .milliseconds(65)
            case .eighth: .milliseconds(130)
            case .sixteenth: .milliseconds(250)
            }
        }
    }

    // MARK: Decoding (section 5.1.3, equation 5-1)

    /// The temperature in T_A: bits 12...0 as a 13-bit two's complement number of
    /// 0.0625 °C steps, the alert flags masked off. (The datasheet's equation 5-1 spells
    /// the same out per byte; for negative values its `256 − …` form loses the sign.)
    public static func temperature(register: UInt16) -> Double {
        let signed = Int16(bitPattern: (register & ~alertFlags) << 3) >> 3
        return Double(signed) * 0.0625
    }

    /// `[temperature °C]` from T_A, refusing values outside the operating range.
    public static func decode(_ register: UInt16, bus: Int, address: UInt8) throws(I2CError) -> [Double] {
        let celsius = temperature(register: register)
        guard temperatureRange.contains(celsius) else {
            throw I2CError(.invalidReply, bus: bus, address: address,
                           "MCP9808 temperature \(celsius) °C (T_A 0x\(String(register, radix: 16))) is outside the part's range -40...125 °C")
        }
        return [celsius]
    }

    // MARK: Driver

    public let resolution: Resolution
    private let sleep: Sleeper

    /// Does no I/O.
    public init(resolution: Resolution = .sixteenth, sleep: @escaping Sleeper = sleepThread) {
        self.resolution = resolution
        self.sleep = sleep
    }

    /// Checks the ids, writes CONFIG's power-up value and the resolution, reads the
    /// resolution back and waits one conversion at it.
    public func setUp(bus: any I2CBus, address: UInt8) throws(I2CError) {
        let manufacturer = try bus.readUInt16BE(address: address, register: Register.manufacturerID)
        let device = try bus.readUInt16BE(address: address, register: Register.deviceID)
        guard manufacturer == Self.manufacturerID, UInt8(device >> 8) == Self.deviceID else {
            throw I2CError(.invalidReply, bus: bus.number, address: address,
                           "manufacturer id 0x\(String(manufacturer, radix: 16)) and device id 0x\(String(device, radix: 16)) "
                               + "are not an MCP9808's (0x0054, 0x04xx)")
        }
        try bus.writeUInt16BE(address: address, register: Register.configuration, value: Self.configurationPowerUp)
        try bus.writeByteData(address: address, register: Register.resolution, value: resolution.registerValue)
        let readBack = try bus.readByteData(address: address, register: Register.resolution)
        guard readBack & 0b11 == resolution.registerValue else {
            throw I2CError(.invalidReply, bus: bus.number, address: address,
                           "MCP9808 resolution register reads \(hex(readBack)) after writing \(hex(resolution.registerValue))")
        }
        sleep(resolution.conversionTime)
    }

    /// The latest conversion: `[temperature °C]`.
    public func read(bus: any I2CBus, address: UInt8) throws(I2CError) -> [Double] {
        let register = try bus.readUInt16BE(address: address, register: Register.ambientTemperature)
        return try Self.decode(register, bus: bus.number, address: address)
    }
}
