import SensorgateCore

/// Aosong (ASAIR) AHT20 and AHT21 humidity and temperature sensors, and with
/// `variant: aht10` their predecessor AHT10, over I2C.
///
/// Datasheet: Aosong, "AHT20 Product manuals" (version 1.1),
/// <http://www.aosong.com/en/products-32.html>; for the AHT10, Aosong, "AHT10 Technical
/// Manual". Section numbers below refer to the AHT20's.
///
/// The part takes commands, not registers: a one-byte read returns the status byte
/// (section 5.3, table 10). `setUp` reads it and, if the calibration bit is clear, sends
/// the initialisation command and checks again (section 5.4, step 1). Every `read` sends
/// the trigger measurement command (step 2), waits the 80 ms the datasheet gives
/// (step 3), then reads the status, 20 bits of humidity, 20 bits of temperature and, on
/// the AHT20/AHT21, their CRC-8 (step 4). A status still busy after the wait, a CRC
/// mismatch or a temperature outside the operating range is a failed read.
///
/// Address 0x38, fixed (section 5.3); default poll interval 2 s.
public final class AHT20: SensorDriver, @unchecked Sendable {
    /// `variant`: which initialisation command the part takes and whether it sends a CRC.
    public static let variantOption = DriverOption(
        name: "variant", kind: .choice(Variant.allCases.map(\.rawValue)),
        defaultValue: .choice(Variant.aht20.rawValue),
        meaning: "the part: aht20 (also AHT21; CRC-checked) or aht10 (initialised with 0xE1, no CRC)")

    /// The catalog entry: the part answers at 0x38 only.
    public static let descriptor = DriverDescriptor(
        name: "aht20",
        part: "AHT20",
        summary: "Aosong AHT20/AHT21 (and AHT10) temperature and humidity sensor",
        defaultAddress: 0x38,
        allowedAddresses: [0x38],
        defaultInterval: .seconds(2),
        // An 80 ms measurement in every second keeps the part measuring under 10 % of the
        // time, the usual bound against self-heating of such sensors.
        minimumInterval: .seconds(1),
        channels: [
            ChannelDescriptor(name: "temperature", unit: "°C", deviceClass: "temperature", decimals: 2),
            ChannelDescriptor(name: "humidity", unit: "%", deviceClass: "humidity", decimals: 2),
        ],
        options: [variantOption],
        make: { options in AHT20(variant: Variant(rawValue: options.choice(variantOption)) ?? .aht20) }
    )

    // MARK: Commands (section 5.3, table 9; section 5.4)

    /// The commands with their parameter bytes, named as in the datasheet.
    public enum Command {
        /// Trigger measurement: 0xAC with the parameters 0x33, 0x00 (section 5.4, step 2).
        public static let triggerMeasurement: [UInt8] = [0xAC, 0x33, 0x00]
        /// Initialisation of the AHT20/AHT21, loading the calibration: 0xBE with 0x08, 0x00
        /// (section 5.4, step 1).
        public static let initialise: [UInt8] = [0xBE, 0x08, 0x00]
        /// Initialisation of the AHT10: 0xE1 ('1110'0001') with 0x08, 0x00 (AHT10 manual,
        /// section 5.3, table 9).
        public static let initialiseAHT10: [UInt8] = [0xE1, 0x08, 0x00]
        /// Soft reset (section 5.5); takes at most 20 ms. The driver does not need it.
        public static let softReset: UInt8 = 0xBA
    }

    /// Bits of the status byte (section 5.3, table 10).
    public enum StatusBit {
        /// Bit 7: busy, a measurement is running.
        public static let busy: UInt8 = 1 << 7
        /// Bit 3: CAL enable, the calibration is loaded.
        public static let calibrated: UInt8 = 1 << 3
    }

    /// The parts the driver speaks to.
    public enum Variant: String, Sendable, CaseIterable {
        /// AHT20 and AHT21: initialised with 0xBE, 7-byte reply ending in a CRC.
        case aht20
        /// AHT10: initialised with 0xE1, 6-byte reply without a CRC.
        case aht10

        public var initialisationCommand: [UInt8] {
            switch self {
            case .aht20: Command.initialise
            case .aht10: Command.initialiseAHT10
            }
        }

        /// Status, five data bytes and, where the part has one, the CRC.
        public var replyLength: Int {
            switch self {
            case .aht20: 7
            case .aht10: 6
            }
        }

        public var hasCRC: Bool { self == .aht20 }
    }

    /// CRC-8 of the status and the five data bytes (section 5.4, step 4): polynomial
    /// 0x31 (1 + x^4 + x^5 + x^8), initial value 0xFF.
    public static let crc = CRC8(polynomial: 0x31, initial: 0xFF)
    /// How long a measurement may take (section 5.4, step 3).
    public static let measurementTime = Interval.milliseconds(80)
    /// The wait after the initialisation command before the status is read again
    /// (section 5.4, step 1, which waits 10 ms before the next command).
    public static let initialisationTime = Interval.milliseconds(10)
    /// The operating range (section 1): a temperature outside is a broken reply.
    public static let temperatureRange: ClosedRange<Double> = -40...85
    /// Full scale of the 20-bit signals, 2^20.
    public static let fullScale = 1_048_576.0

    // MARK: Decoding (section 6)

    /// `RH = S_RH / 2^20 · 100` in %.
    public static func humidity(raw: UInt32) -> Double { Double(raw) / fullScale * 100 }
    /// `T = S_T / 2^20 · 200 − 50` in °C.
    public static func temperature(raw: UInt32) -> Double { Double(raw) / fullScale * 200 - 50 }

    /// The two 20-bit signals of a reply: humidity in bytes 1, 2 and the top nibble of 3,
    /// temperature in the low nibble of 3 and bytes 4, 5 (section 5.4, step 4).
    public static func signals(_ reply: [UInt8]) -> (humidity: UInt32, temperature: UInt32) {
        let humidity = UInt32(reply[1]) << 12 | UInt32(reply[2]) << 4 | UInt32(reply[3]) >> 4
        let temperature = UInt32(reply[3] & 0x0F) << 16 | UInt32(reply[4]) << 8 | UInt32(reply[5])
        return (humidity, temperature)
    }

    /// Turns a measurement reply into `[temperature °C, humidity %]`: CRC checked (AHT20),
    /// a busy or uncalibrated status and temperatures outside the operating range rejected.
    public static func decode(_ reply: [UInt8], variant: Variant, bus: Int, address: UInt8) throws(I2CError) -> [Double] {
        guard reply.count == variant.replyLength else {
            throw I2CError(.invalidReply, bus: bus, address: address,
                           "AHT20 reply has \(reply.count) bytes, expected \(variant.replyLength)")
        }
        if variant.hasCRC {
            let computed = crc.checksum(reply.prefix(6))
            guard computed == reply[6] else {
                throw I2CError(.crcMismatch, bus: bus, address: address,
                               "AHT20 reply has CRC \(hex(reply[6])), its bytes give \(hex(computed))")
            }
        }
        let status = reply[0]
        guard status & StatusBit.busy == 0 else {
            throw I2CError(.timeout, bus: bus, address: address,
                           "AHT20 still measuring (status \(hex(status)) busy) after \(measurementTime)")
        }
        guard status & StatusBit.calibrated != 0 else {
            throw I2CError(.invalidReply, bus: bus, address: address,
                           "AHT20 status \(hex(status)) shows no calibration loaded")
        }
        let raw = signals(reply)
        let celsius = temperature(raw: raw.temperature)
        guard temperatureRange.contains(celsius) else {
            throw I2CError(.invalidReply, bus: bus, address: address,
                           "AHT20 temperature \(celsius) °C is outside the part's range -40...85 °C")
        }
        return [celsius, humidity(raw: raw.humidity)]
    }

    // MARK: Driver

    public let variant: Variant
    private let sleep: Sleeper

    /// Does no I/O.
    public init(variant: Variant = .aht20, sleep: @escaping Sleeper = sleepThread) {
        self.variant = variant
        self.sleep = sleep
    }

    /// Reads the status; if the calibration is not loaded, sends the initialisation
    /// command and requires the calibration bit afterwards.
    public func setUp(bus: any I2CBus, address: UInt8) throws(I2CError) {
        if try readStatus(bus: bus, address: address) & StatusBit.calibrated != 0 { return }
        try bus.write(address: address, variant.initialisationCommand)
        sleep(Self.initialisationTime)
        let status = try readStatus(bus: bus, address: address)
        guard status & StatusBit.calibrated != 0 else {
            throw I2CError(.invalidReply, bus: bus.number, address: address,
                           "AHT20 status \(hex(status)) shows no calibration after the initialisation command")
        }
    }

    /// One measurement: `[temperature °C, humidity %]`.
    public func read(bus: any I2CBus, address: UInt8) throws(I2CError) -> [Double] {
        try bus.write(address: address, Command.triggerMeasurement)
        sleep(Self.measurementTime)
        let reply = try bus.read(address: address, count: variant.replyLength)
        return try Self.decode(reply, variant: variant, bus: bus.number, address: address)
    }

    /// The status byte: what a one-byte read returns (section 5.3).
    private func readStatus(bus: any I2CBus, address: UInt8) throws(I2CError) -> UInt8 {
        try bus.read(address: address, count: 1)[0]
    }
}
