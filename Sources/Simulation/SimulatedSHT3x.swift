import SensorDrivers
import SensorgateCore

/// A Sensirion SHT3x at the command level: it answers single-shot measurements (clock
/// stretching disabled), soft reset, heater on/off and the status register read.
///
/// A measurement asks `values` for `temperature` (°C) and `humidity` (%) (nil means
/// 21 °C and 50 %) and inverts the datasheet's conversion (section 4.13); the reply
/// is readable after the typical measurement duration (table 4: 12.5, 4.5, 2.5 ms) and
/// NACKs before. The heater adds ``heaterRise`` to the temperature while on. Not
/// modelled: periodic mode, clock stretching, alerts, the write-CRC of commands with data.
public final class SimulatedSHT3x: SimulatedSensirionPart, @unchecked Sendable {
    /// How much warmer the part reads with its heater on.
    public static let heaterRise = 5.0

    private var heaterOn = false
    private var lastCommandFailed = false
    private var measurements = 0

    public override init(clock: any MonotonicClock = SystemClock(), values: @escaping @Sendable (String) -> Double?) {
        super.init(clock: clock, values: values)
    }

    /// How many measurements the part has started.
    public var measurementCount: Int { lock.withLock { measurements } }
    /// Whether the heater is on.
    public var isHeaterOn: Bool { lock.withLock { heaterOn } }

    /// The typical measurement duration of a command (table 4).
    static func typicalDuration(_ command: UInt16) -> Interval? {
        switch command {
        case SHT3x.Command.measureHighRepeatability: .microseconds(12_500)
        case SHT3x.Command.measureMediumRepeatability: .microseconds(4_500)
        case SHT3x.Command.measureLowRepeatability: .microseconds(2_500)
        default: nil
        }
    }

    override func respond(to bytes: [UInt8], now: Timestamp) -> Response {
        guard bytes.count == 2 else {
            lastCommandFailed = true
            return .refused
        }
        let command = RegisterBytes.uint16BE(bytes[0], bytes[1])
        lastCommandFailed = false
        if let duration = Self.typicalDuration(command) {
            measurements += 1
            let celsius = value("temperature", fallback: 21) + (heaterOn ? Self.heaterRise : 0)
            let percent = value("humidity", fallback: 50)
            return .reply([Self.raw(fraction: (celsius + 45) / 175), Self.raw(fraction: percent / 100)], after: duration)
        }
        switch command {
        case SHT3x.Command.softReset:
            heaterOn = false
            return .accepted
        case SHT3x.Command.heaterEnable:
            heaterOn = true
            return .accepted
        case SHT3x.Command.heaterDisable:
            heaterOn = false
            return .accepted
        case SHT3x.Command.readStatus:
            var status: UInt16 = 0
            if heaterOn { status |= SHT3x.StatusBit.heater }
            return .reply([status], after: .nanoseconds(0))
        default:
            lastCommandFailed = true
            return .refused
        }
    }
}
