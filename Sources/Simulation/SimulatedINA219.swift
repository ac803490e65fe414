import SensorDrivers
import SensorgateCore

/// A Texas Instruments INA219 at the register level: 16-bit registers behind one pointer,
/// most significant byte first, read and written whole.
///
/// The part measures two voltages, and so does this one: `values("shunt_voltage")` (mV,
/// nil means 10 mV) and `values("bus_voltage")` (V, nil means 5 V), sampled once per
/// conversion period (1.064 ms on `clock`, a 12-bit shunt and a 12-bit bus conversion, at
/// the first transaction after the period ended: the registers of one read come from one
/// conversion, as on the part), encoded into the shunt register (10 µV, clamped to the PGA's range) and the bus register
/// (4 mV in bits 15...3, clamped to the bus range, CNVR set). Current and power are
/// computed from them as the chip computes them, from the calibration register the driver
/// wrote (datasheet section 8.5.1): current = trunc(shunt × CAL / 4096), power =
/// trunc(|current| × bus / 5000), both 0 until CAL is written; a result out of range sets
/// OVF and clamps. `current` and `power` values are not read: the part cannot know the
/// shunt, only CAL, so a simulation drives the shunt voltage (current × shunt ohms).
/// Not modelled: other conversion times, averaging, CNVR clearing, triggered and
/// power-down modes, reset.
public final class SimulatedINA219: SimulatedI2CDevice, @unchecked Sendable {
    private let clock: any MonotonicClock
    private let values: @Sendable (String) -> Double?
    private let lock = Mutex()
    /// The voltages of the latest conversion (mV, V) and when it was taken.
    private var converted: (shunt: Double, bus: Double)?
    private var convertedAt = Timestamp.zero
    private var configuration: UInt16 = 0x399F
    private var calibration: UInt16 = 0
    private var overflowReads = 0

    /// - Parameter clock: when conversions happen.
    public init(clock: any MonotonicClock = SystemClock(), values: @escaping @Sendable (String) -> Double?) {
        self.clock = clock
        self.values = values
    }

    /// The configuration register as last written.
    public var configurationValue: UInt16 { lock.withLock { configuration } }
    /// The calibration register as last written (bit 0 reads 0).
    public var calibrationValue: UInt16 { lock.withLock { calibration } }

    /// Each of the next `count` reads of the bus voltage register shows OVF, as after a
    /// current too large for the calibration.
    public func overflowNextReads(_ count: Int) { lock.withLock { overflowReads += count } }

    /// The data registers for `shuntMillivolts` and `busVolts` with `configuration` and `calibration`.
    public static func registers(shuntMillivolts: Double, busVolts: Double, configuration: UInt16,
                                 calibration: UInt16) -> INA219.Registers {
        let range = 4000 << Int(configuration >> 11 & 0b11) // 40 mV · gain divider, in 10 µV
        let shunt = clamp((shuntMillivolts * 100).rounded(), -range, range)
        let busLimit = configuration & (1 << 13) != 0 ? 8000 : 4000 // 32 V or 16 V, in 4 mV
        let bus = clamp((busVolts / 0.004).rounded(), 0, busLimit)
        let exactCurrent = shunt * Int(calibration) / 4096 // integer division truncates toward zero
        let current = clamp(Double(exactCurrent), Int(Int16.min), Int(Int16.max))
        let exactPower = abs(current) * bus / 5000
        let power = clamp(Double(exactPower), 0, Int(UInt16.max))
        let overflow = current != exactCurrent || power != exactPower
        return INA219.Registers(
            shuntVoltage: UInt16(bitPattern: Int16(shunt)),
            busVoltage: UInt16(bus) << 3 | INA219.conversionReadyFlag | (overflow ? INA219.overflowFlag : 0),
            power: UInt16(power), current: UInt16(bitPattern: Int16(current)))
    }

    private static func clamp(_ value: Double, _ low: Int, _ high: Int) -> Int {
        value.isFinite ? Int(min(max(value, Double(low)), Double(high))) : 0
    }

    /// A shunt and a bus conversion at 12 bits.
    static let conversionPeriod = Interval.microseconds(1_064)

    private func measured() -> INA219.Registers {
        let voltages = converted ?? (10, 5)
        return Self.registers(shuntMillivolts: voltages.shunt, busVolts: voltages.bus, configuration: configuration,
                              calibration: calibration)
    }

    public func beginTransaction() {
        lock.withLock {
            let now = clock.now()
            guard converted == nil || now - convertedAt >= Self.conversionPeriod else { return }
            converted = (values("shunt_voltage") ?? 10, values("bus_voltage") ?? 5)
            convertedAt = now
        }
    }

    private func busVoltageRead() -> UInt16 {
        guard overflowReads > 0 else { return measured().busVoltage }
        overflowReads -= 1
        return measured().busVoltage | INA219.overflowFlag
    }

    // MARK: SimulatedI2CDevice

    public func write(_ bytes: [UInt8], pointer: inout UInt8) -> Bool {
        guard let first = bytes.first else { return true }
        pointer = first
        let data = Array(bytes.dropFirst())
        guard data.count == 2 else { return true }
        let value = RegisterBytes.uint16BE(data[0], data[1])
        lock.withLock {
            switch pointer {
            case INA219.Register.configuration: configuration = value & 0xBFFF // bit 14 unused
            case INA219.Register.calibration: calibration = value & 0xFFFE // FS0 is void
            default: break // data registers are read-only
            }
        }
        return true
    }

    public func read(count: Int, pointer: inout UInt8) -> [UInt8]? {
        lock.withLock {
            let value: UInt16
            switch pointer {
            case INA219.Register.configuration: value = configuration
            case INA219.Register.calibration: value = calibration
            case INA219.Register.shuntVoltage: value = measured().shuntVoltage
            case INA219.Register.busVoltage: value = busVoltageRead()
            case INA219.Register.power: value = measured().power
            case INA219.Register.current: value = measured().current
            default: value = 0
            }
            return Array(RegisterBytes.bytesBE(value).prefix(count))
        }
    }
}
