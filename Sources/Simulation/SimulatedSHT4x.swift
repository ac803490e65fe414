import SensorDrivers
import SensorgateCore

/// A Sensirion SHT4x at the command level: it answers the three measurement commands,
/// soft reset and the serial number read.
///
/// A measurement asks `values` for `temperature` (°C) and `humidity` (%) (nil means
/// 21 °C and 50 %) and inverts the datasheet's conversion (section 4.6); the reply is
/// readable after the typical measurement duration (table 4: 6.9, 3.7, 1.3 ms) and
/// NACKs before. Not modelled: the heater commands.
public final class SimulatedSHT4x: SimulatedSensirionPart, @unchecked Sendable {
    /// What the serial number command returns.
    public let serialNumber: UInt32
    private var measurements = 0

    public init(serialNumber: UInt32 = 0x0A1B_2C3D, clock: any MonotonicClock = SystemClock(),
                values: @escaping @Sendable (String) -> Double?) {
        self.serialNumber = serialNumber
        super.init(clock: clock, values: values)
    }

    /// How many measurements the part has started.
    public var measurementCount: Int { lock.withLock { measurements } }

    /// The typical measurement duration of a command (table 4).
    static func typicalDuration(_ command: UInt8) -> Interval? {
        switch command {
        case SHT4x.Command.measureHighPrecision: .microseconds(6_900)
        case SHT4x.Command.measureMediumPrecision: .microseconds(3_700)
        case SHT4x.Command.measureLowPrecision: .microseconds(1_300)
        default: nil
        }
    }

    override func respond(to bytes: [UInt8], now: Timestamp) -> Response {
        guard bytes.count == 1 else { return .refused }
        let command = bytes[0]
        if let duration = Self.typicalDuration(command) {
            measurements += 1
            let celsius = value("temperature", fallback: 21)
            let percent = value("humidity", fallback: 50)
            return .reply([Self.raw(fraction: (celsius + 45) / 175), Self.raw(fraction: (percent + 6) / 125)],
                          after: duration)
        }
        switch command {
        case SHT4x.Command.softReset:
            return .accepted
        case SHT4x.Command.readSerialNumber:
            return .reply([UInt16(serialNumber >> 16), UInt16(truncatingIfNeeded: serialNumber)], after: .microseconds(200))
        default:
            return .refused
        }
    }
}
