import SensorDrivers
import SensorgateCore
import Simulation
import Testing

/// Records the driver's waits and advances a manual clock by them, so the simulated part
/// sees exactly the time the driver waited and tests run instantly.
final class SleepRecorder: @unchecked Sendable {
    private let lock = Mutex()
    private var recorded: [Interval] = []
    let clock: ManualClock

    init(clock: ManualClock) { self.clock = clock }

    var sleeps: [Interval] { lock.withLock { recorded } }

    var sleeper: Sleeper {
        { [self] interval in
            lock.withLock { recorded.append(interval) }
            clock.advance(by: interval)
        }
    }
}

/// Physical values a test can change while the simulated part runs.
final class PhysicalValues: @unchecked Sendable {
    private let lock = Mutex()
    private var table: [String: Double]

    init(_ table: [String: Double] = [:]) { self.table = table }

    func set(_ channel: String, _ value: Double?) { lock.withLock { table[channel] = value } }

    var provider: @Sendable (String) -> Double? { { [self] channel in lock.withLock { table[channel] } } }
}

/// A BME280 driver on a simulated bus with a simulated part at 0x76, on a manual clock.
struct Rig {
    let clock = ManualClock()
    let bus = SimulatedI2CBus(number: 1)
    let values: PhysicalValues
    let device: SimulatedBME280
    let recorder: SleepRecorder
    let driver: BME280
    let address: UInt8 = 0x76

    init(values: [String: Double] = [:], chipID: UInt8 = BME280.chipID) {
        self.values = PhysicalValues(values)
        device = SimulatedBME280(chipID: chipID, clock: clock, values: self.values.provider)
        recorder = SleepRecorder(clock: clock)
        driver = BME280(sleep: recorder.sleeper)
        bus.attach(device, at: address)
    }
}

/// A register-level wrapper that makes chosen registers read fixed values; everything
/// else goes to the wrapped part. Used to fake replies a healthy part never gives.
final class OverridingDevice: SimulatedI2CDevice, @unchecked Sendable {
    let base: any SimulatedI2CDevice
    let overrides: [UInt8: UInt8]

    init(_ base: any SimulatedI2CDevice, overrides: [UInt8: UInt8]) {
        self.base = base
        self.overrides = overrides
    }

    var writeLayout: SimulatedWriteLayout { base.writeLayout }
    func beginTransaction() { base.beginTransaction() }
    func readRegister(_ register: UInt8) -> UInt8 { overrides[register] ?? base.readRegister(register) }
    func writeRegister(_ register: UInt8, value: UInt8) { base.writeRegister(register, value: value) }
}

/// Shorthand for `(kind, written bytes)` of a logged transaction.
func summary(_ log: [SimulatedI2CBus.Transaction]) -> [String] {
    log.map { entry in
        let bytes = entry.written.map { "0x" + String($0, radix: 16).leftPadded(to: 2) }.joined(separator: " ")
        let count = entry.read.isEmpty ? "" : " -> \(entry.read.count)"
        return "\(entry.kind.rawValue) \(bytes)\(count)"
    }
}

/// The code of the I2C error `body` throws, or nil when it returns: a read that must fail,
/// checked in one expectation.
func failureCode<T>(_ body: () throws -> T) -> I2CError.Code? {
    do {
        _ = try body()
        return nil
    } catch let error as I2CError {
        return error.code
    } catch {
        Issue.record("not an I2C error: \(error)")
        return nil
    }
}
