import SensorgateCore

/// Sensirion SCD40 and SCD41 photoacoustic CO2 sensors (with on-chip temperature and
/// humidity), over I2C.
///
/// Datasheet: Sensirion, "Datasheet SCD4x" (version 1.3, September 2022),
/// <https://sensirion.com/resource/datasheet/scd4x>. Section numbers below refer to it;
/// the command codes and execution times were checked against its table 9, the section
/// numbers and the example reply of section 3.5.2 are as remembered from it.
///
/// Unlike the SHT parts, the SCD4x measures on its own clock: once started, periodic mode
/// (section 3.5.1) produces a sample every 5 s, low-power periodic mode (section 3.8.1)
/// every 30 s, and the part keeps only the newest. So a `read` first asks
/// get_data_ready_status (section 3.8.2) and, when no sample arrived since the last read,
/// returns no values: the poll publishes nothing and is not a failure, since the part
/// answered with a valid CRC. Reading faster than the mode's period therefore only finds
/// "not ready" more often; with low-power mode use an interval of 30 s.
///
/// `setUp` stops a measurement that may still run from an earlier start (it takes 500 ms,
/// section 3.5.3), reads the serial number (a Sensirion reply with valid CRCs proves the
/// part), sends the altitude or ambient pressure if the profile sets them (section 3.6),
/// and starts the periodic mode. Nothing is persisted to the part's EEPROM (section 3.9.1
/// warns of its limited write cycles); settings last until the part loses power.
///
/// Every word the part sends or takes is followed by the CRC-8 of ``SensirionWords``
/// (section 3.11). Fixed address 0x62 (section 3.2); default poll interval 5 s.
public final class SCD4x: SensorDriver, @unchecked Sendable {
    /// `mode`: how often the part measures.
    public static let modeOption = DriverOption(
        name: "mode", kind: .choice(Mode.allCases.map(\.rawValue)),
        defaultValue: .choice(Mode.periodic.rawValue),
        meaning: "periodic (a sample every 5 s) or low-power (every 30 s; use interval 30s)")
    /// `altitude`: metres above sea level, for the CO2 pressure compensation (section 3.6.3).
    /// Sent only when the profile sets it; the part's own default is 0 m.
    public static let altitudeOption = DriverOption(
        name: "altitude", kind: .integer(0...3000), defaultValue: .integer(0),
        meaning: "metres above sea level for pressure compensation (sent only if set)")
    /// `ambient_pressure`: hPa, for the CO2 pressure compensation (section 3.6.5); it
    /// overrides the altitude on the part. Sent only when the profile sets it.
    public static let ambientPressureOption = DriverOption(
        name: "ambient_pressure", kind: .integer(700...1200), defaultValue: .integer(1013),
        meaning: "ambient pressure in hPa for pressure compensation, overrides altitude (sent only if set)")

    /// The catalog entry: the SCD40 and SCD41 answer only at 0x62.
    public static let descriptor = DriverDescriptor(
        name: "scd4x",
        part: "SCD4x",
        summary: "Sensirion SCD40/SCD41 CO2, temperature and humidity sensor",
        defaultAddress: 0x62,
        allowedAddresses: [0x62],
        defaultInterval: .seconds(5),
        // The periodic mode's signal update interval: polling faster finds no new sample.
        minimumInterval: .seconds(5),
        channels: [
            ChannelDescriptor(name: "co2", unit: "ppm", deviceClass: "carbon_dioxide", decimals: 0),
            ChannelDescriptor(name: "temperature", unit: "°C", deviceClass: "temperature", decimals: 2),
            ChannelDescriptor(name: "humidity", unit: "%", deviceClass: "humidity", decimals: 2),
        ],
        options: [modeOption, altitudeOption, ambientPressureOption],
        make: { options in
            SCD4x(mode: Mode(rawValue: options.choice(modeOption)) ?? .periodic,
                  altitude: options.given[altitudeOption.name] == nil ? nil : options.integer(altitudeOption),
                  ambientPressure: options.given[ambientPressureOption.name] == nil
                      ? nil : options.integer(ambientPressureOption))
        }
    )

    // MARK: Commands (section 3.4, table 9)

    /// The 16-bit commands, named as in the datasheet.
    public enum Command {
        /// start_periodic_measurement (section 3.5.1).
        public static let startPeriodicMeasurement: UInt16 = 0x21B1
        /// read_measurement (section 3.5.2): 3 words, CO2, temperature, humidity.
        public static let readMeasurement: UInt16 = 0xEC05
        /// stop_periodic_measurement (section 3.5.3).
        public static let stopPeriodicMeasurement: UInt16 = 0x3F86
        /// set_sensor_altitude (section 3.6.3): one word, metres; idle mode only.
        public static let setSensorAltitude: UInt16 = 0x2427
        /// set_ambient_pressure (section 3.6.5): one word, hPa; also while measuring.
        public static let setAmbientPressure: UInt16 = 0xE000
        /// start_low_power_periodic_measurement (section 3.8.1).
        public static let startLowPowerPeriodicMeasurement: UInt16 = 0x21AC
        /// get_data_ready_status (section 3.8.2): one word.
        public static let getDataReadyStatus: UInt16 = 0xE4B8
        /// get_serial_number (section 3.9.2): 3 words; idle mode only.
        public static let getSerialNumber: UInt16 = 0x3682
    }

    /// How often the part measures.
    public enum Mode: String, Sendable, CaseIterable {
        case periodic
        case lowPower = "low-power"

        /// The command that starts the mode.
        public var startCommand: UInt16 {
            switch self {
            case .periodic: Command.startPeriodicMeasurement
            case .lowPower: Command.startLowPowerPeriodicMeasurement
            }
        }

        /// The signal update interval (sections 3.5.1 and 3.8.1).
        public var period: Interval {
            switch self {
            case .periodic: .seconds(5)
            case .lowPower: .seconds(30)
            }
        }
    }

    /// The execution time of stop_periodic_measurement (table 9): the part ignores other
    /// commands until it has passed.
    public static let stopTime = Interval.milliseconds(500)
    /// The execution time of the read and write commands (table 9).
    public static let commandTime = Interval.milliseconds(1)
    /// get_data_ready_status: no new sample when the least significant 11 bits are 0 (section 3.8.2).
    public static let dataReadyMask: UInt16 = 0x07FF
    /// The CO2 output range (table 1: 0 to 40 000 ppm). A zero comes only from a part that
    /// has not measured CO2 (the SCD41's humidity-only single shot), never from air.
    public static let co2Range: ClosedRange<Double> = 1...40_000

    // MARK: Decoding (section 3.5.2)

    /// CO2 in ppm: the word as it is.
    public static func co2(raw: UInt16) -> Double { Double(raw) }
    /// `T = -45 + 175 · word / (2^16 - 1)` in °C.
    public static func temperature(raw: UInt16) -> Double { -45 + 175 * Double(raw) / 65535 }
    /// `RH = 100 · word / (2^16 - 1)` in %.
    public static func humidity(raw: UInt16) -> Double { 100 * Double(raw) / 65535 }

    /// Whether a get_data_ready_status word says a new sample is waiting.
    public static func isDataReady(_ status: UInt16) -> Bool { status & dataReadyMask != 0 }

    /// Turns the 9 bytes of read_measurement into `[CO2 ppm, temperature °C, humidity %]`:
    /// CRCs checked, a CO2 value outside the part's output range rejected.
    public static func decode(_ reply: [UInt8], bus: Int, address: UInt8) throws(I2CError) -> [Double] {
        let words: [UInt16]
        do {
            words = try SensirionWords.decode(reply, words: 3)
        } catch {
            throw SensirionWords.error(error, part: "SCD4x", bus: bus, address: address)
        }
        let ppm = co2(raw: words[0])
        guard co2Range.contains(ppm) else {
            throw I2CError(.invalidReply, bus: bus, address: address,
                           "SCD4x CO2 \(Int(ppm)) ppm is outside the part's output range 1...40000 ppm")
        }
        return [ppm, temperature(raw: words[1]), humidity(raw: words[2])]
    }

    /// A command with one argument word, as the part takes it: command, word, CRC of the word.
    public static func command(_ command: UInt16, argument: UInt16) -> [UInt8] {
        [UInt8(command >> 8), UInt8(truncatingIfNeeded: command)] + SensirionWords.encode(argument)
    }

    // MARK: Driver

    public let mode: Mode
    /// Metres above sea level to send, or nil to leave the part's setting.
    public let altitude: Int?
    /// hPa to send, or nil to leave the part's setting.
    public let ambientPressure: Int?
    private let sleep: Sleeper

    /// Does no I/O.
    public init(mode: Mode = .periodic, altitude: Int? = nil, ambientPressure: Int? = nil,
                sleep: @escaping Sleeper = sleepThread) {
        self.mode = mode
        self.altitude = altitude
        self.ambientPressure = ambientPressure
        self.sleep = sleep
    }

    /// Stops any running measurement, proves the part by its serial number, sends the
    /// compensation settings that are set and starts the mode.
    public func setUp(bus: any I2CBus, address: UInt8) throws(I2CError) {
        try bus.write(address: address, command: Command.stopPeriodicMeasurement)
        sleep(Self.stopTime)
        try bus.write(address: address, command: Command.getSerialNumber)
        sleep(Self.commandTime)
        _ = try SensirionWords.read(3, part: "SCD4x", bus: bus, address: address)
        if let altitude {
            try bus.write(address: address, Self.command(Command.setSensorAltitude, argument: UInt16(altitude)))
            sleep(Self.commandTime)
        }
        if let ambientPressure {
            try bus.write(address: address, Self.command(Command.setAmbientPressure, argument: UInt16(ambientPressure)))
            sleep(Self.commandTime)
        }
        try bus.write(address: address, command: mode.startCommand)
    }

    /// `[CO2 ppm, temperature °C, humidity %]` of the sample the part took since the last
    /// read, or no values when it has none yet.
    public func read(bus: any I2CBus, address: UInt8) throws(I2CError) -> [Double] {
        try bus.write(address: address, command: Command.getDataReadyStatus)
        sleep(Self.commandTime)
        let status = try SensirionWords.read(1, part: "SCD4x", bus: bus, address: address)[0]
        guard Self.isDataReady(status) else { return [] }
        try bus.write(address: address, command: Command.readMeasurement)
        sleep(Self.commandTime)
        let reply = try bus.read(address: address, count: 9)
        return try Self.decode(reply, bus: bus.number, address: address)
    }
}
