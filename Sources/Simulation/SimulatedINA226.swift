import SensorDrivers
import SensorgateCore

/// A Texas Instruments INA226 at the register level: 16-bit registers behind one pointer,
/// most significant byte first, read and written whole.
///
/// Like ``SimulatedINA219`` it measures `values("shunt_voltage")` (mV, nil means 10 mV)
/// and `values("bus_voltage")` (V, nil means 5 V), sampled once per result (averaging
/// × 2.2 ms on `clock`, at the first transaction after it ended; the average of a
/// constant is the constant, so one sample stands for it), encoded into the shunt
/// register (2.5 µV, clamped to ±81.92 mV) and the bus register (1.25 mV, clamped to
/// 15 bits), and computes current and power from them as the chip does, from the
/// calibration register the driver wrote: current = trunc(shunt × CAL / 2048), power =
/// trunc(|current| × bus / 20000), both 0 until CAL is written; a result out of range sets
/// OVF in mask/enable and clamps. `current` and `power` values are not read (the part
/// knows CAL, not the shunt). Mask/enable reads its alert bits as written, CVRF set and
/// OVF. The ids are those of a real INA226 unless given. Not modelled: other conversion
/// times, averaging of a changing value, alerts, reset, CVRF clearing.
public final class SimulatedINA226: SimulatedI2CDevice, @unchecked Sendable {
    public let manufacturerID: UInt16
    public let dieID: UInt16
    private let clock: any MonotonicClock
    private let values: @Sendable (String) -> Double?
    private let lock = Mutex()
    /// The voltages of the latest conversion (mV, V) and when it was taken.
    private var converted: (shunt: Double, bus: Double)?
    private var convertedAt = Timestamp.zero
    private var configuration: UInt16 = 0x4127
    private var calibration: UInt16 = 0
    private var maskEnable: UInt16 = 0
    private var alertLimit: UInt16 = 0
    private var overflowReads = 0

    /// - Parameters:
    ///   - manufacturerID, dieID: what registers 0xFE and 0xFF read; others make it look like another part.
    ///   - clock: when conversions happen.
    public init(manufacturerID: UInt16 = INA226.manufacturerID, dieID: UInt16 = 0x2260,
                clock: any MonotonicClock = SystemClock(), values: @escaping @Sendable (String) -> Double?) {
        self.manufacturerID = manufacturerID
        self.dieID = dieID
        self.clock = clock
        self.values = values
    }

    /// The configuration register as last written.
    public var configurationValue: UInt16 { lock.withLock { configuration } }
    /// The calibration register as last written (bit 15 reads 0).
    public var calibrationValue: UInt16 { lock.withLock { calibration } }

    /// Each of the next `count` reads of mask/enable shows OVF.
    public func overflowNextReads(_ count: Int) { lock.withLock { overflowReads += count } }

    /// The data registers for `shuntMillivolts` and `busVolts` with `calibration`; OVF in
    /// `maskEnable` when current or power is out of range.
    public static func registers(shuntMillivolts: Double, busVolts: Double, calibration: UInt16) -> INA226.Registers {
        let shunt = clamp((shuntMillivolts / 0.0025).rounded(), Int(Int16.min), Int(Int16.max))
        let bus = clamp((busVolts / 0.00125).rounded(), 0, 0x7FFF)
        let exactCurrent = shunt * Int(calibration) / 2048 // integer division truncates toward zero
        let current = clamp(Double(exactCurrent), Int(Int16.min), Int(Int16.max))
        let exactPower = abs(current) * bus / 20000
        let power = clamp(Double(exactPower), 0, Int(UInt16.max))
        let overflow = current != exactCurrent || power != exactPower
        return INA226.Registers(shuntVoltage: UInt16(bitPattern: Int16(shunt)), busVoltage: UInt16(bus),
                                power: UInt16(power), current: UInt16(bitPattern: Int16(current)),
                                maskEnable: INA226.conversionReadyFlag | (overflow ? INA226.overflowFlag : 0))
    }

    private static func clamp(_ value: Double, _ low: Int, _ high: Int) -> Int {
        value.isFinite ? Int(min(max(value, Double(low)), Double(high))) : 0
    }

    /// One averaged result of the configuration's AVG: `averaging` × (1.1 ms + 1.1 ms).
    var conversionPeriod: Interval {
        let averaging = INA226.averagingChoices[Int(configuration >> 9 & 0b111)]
        return .microseconds(averaging * 2_200)
    }

    private func measured() -> INA226.Registers {
        let voltages = converted ?? (10, 5)
        return Self.registers(shuntMillivolts: voltages.shunt, busVolts: voltages.bus, calibration: calibration)
    }

    public func beginTransaction() {
        lock.withLock {
            let now = clock.now()
            guard converted == nil || now - convertedAt >= conversionPeriod else { return }
            converted = (values("shunt_voltage") ?? 10, values("bus_voltage") ?? 5)
            convertedAt = now
        }
    }

    private func maskEnableRead() -> UInt16 {
        var flags = measured().maskEnable
        if overflowReads > 0 {
            overflowReads -= 1
            flags |= INA226.overflowFlag
        }
        return (maskEnable & 0xFC03) | flags // bits 15...10 and 1...0 as written
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
            case INA226.Register.configuration: configuration = value & 0x7FFF | INA226.configurationReserved
            case INA226.Register.calibration: calibration = value & 0x7FFF // bit 15 reserved
            case INA226.Register.maskEnable: maskEnable = value
            case INA226.Register.alertLimit: alertLimit = value
            default: break // data and id registers are read-only
            }
        }
        return true
    }

    public func read(count: Int, pointer: inout UInt8) -> [UInt8]? {
        lock.withLock {
            let value: UInt16
            switch pointer {
            case INA226.Register.configuration: value = configuration
            case INA226.Register.calibration: value = calibration
            case INA226.Register.shuntVoltage: value = measured().shuntVoltage
            case INA226.Register.busVoltage: value = measured().busVoltage
            case INA226.Register.power: value = measured().power
            case INA226.Register.current: value = measured().current
            case INA226.Register.maskEnable: value = maskEnableRead()
            case INA226.Register.alertLimit: value = alertLimit
            case INA226.Register.manufacturerID: value = manufacturerID
            case INA226.Register.dieID: value = dieID
            default: value = 0
            }
            return Array(RegisterBytes.bytesBE(value).prefix(count))
        }
    }
}
