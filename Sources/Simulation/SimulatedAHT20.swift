import SensorDrivers
import SensorgateCore

/// An Aosong AHT20 (or, as `variant: .aht10`, an AHT10) at the command level: it answers
/// the trigger measurement command, its variant's initialisation command and soft reset,
/// and every read returns the status byte followed by the last measurement.
///
/// A measurement asks `values` for `temperature` (°C) and `humidity` (%) (nil means 21 °C
/// and 50 %) and inverts the datasheet's conversion (section 6); while it runs, for
/// ``measurementDuration``, the status shows busy and the data bytes still hold the
/// previous measurement, as on the real part. The AHT20 appends the CRC-8 of the six bytes;
/// the AHT10 sends six bytes, so a seventh reads 0xFF from the idle bus. A part made with
/// `calibrated: false` shows the calibration bit clear until it gets the initialisation
/// command. Not modelled: the power-on time, the AHT10's cyclic mode.
public final class SimulatedAHT20: SimulatedI2CDevice, @unchecked Sendable {
    /// How long a measurement runs: within the 80 ms the datasheet tells the master to wait.
    public static let measurementDuration = Interval.milliseconds(75)

    public let variant: AHT20.Variant
    private let clock: any MonotonicClock
    private let values: @Sendable (String) -> Double?
    private let lock = Mutex()
    private var calibrated: Bool
    private var busyUntil = Timestamp.zero
    private var humiditySignal: UInt32 = 0
    private var temperatureSignal: UInt32 = 0
    private var received: [[UInt8]] = []
    private var measurements = 0

    // Knobs.
    private var nackReads = 0
    private var corruptCRCs = 0
    private var slowMeasurements = 0
    private var implausibleMeasurements = 0

    public init(variant: AHT20.Variant = .aht20, calibrated: Bool = true, clock: any MonotonicClock = SystemClock(),
                values: @escaping @Sendable (String) -> Double?) {
        self.variant = variant
        self.calibrated = calibrated
        self.clock = clock
        self.values = values
    }

    /// How many measurements the part has started.
    public var measurementCount: Int { lock.withLock { measurements } }
    /// Whether the calibration bit is set.
    public var isCalibrated: Bool { lock.withLock { calibrated } }
    /// Every command written, oldest first.
    public var commands: [[UInt8]] { lock.withLock { received } }

    // MARK: Knobs for tests

    /// The next `count` reads are not acknowledged.
    public func nackNextReads(_ count: Int) { lock.withLock { nackReads += count } }
    /// The CRC byte of each of the next `count` replies is wrong.
    public func corruptNextCRCs(_ count: Int) { lock.withLock { corruptCRCs += count } }
    /// Each of the next `count` measurements runs twice the driver's wait, so the status
    /// is still busy when the driver reads.
    public func slowNextMeasurements(_ count: Int) { lock.withLock { slowMeasurements += count } }
    /// Each of the next `count` measurements yields temperature signal 0 (−50 °C, below
    /// the operating range), with a correct CRC.
    public func implausibleNextMeasurements(_ count: Int) { lock.withLock { implausibleMeasurements += count } }

    /// The 20-bit signal nearest to `fraction` (0...1 of full scale), clamped.
    static func signal(fraction: Double) -> UInt32 {
        guard fraction.isFinite else { return fraction > 0 ? 0xF_FFFF : 0 }
        return UInt32(min(max((fraction * AHT20.fullScale).rounded(), 0), 0xF_FFFF))
    }

    // MARK: SimulatedI2CDevice

    public func write(_ bytes: [UInt8], pointer: inout UInt8) -> Bool {
        guard !bytes.isEmpty else { return true } // an address-only write (a scan)
        return lock.withLock {
            received.append(bytes)
            if bytes == AHT20.Command.triggerMeasurement {
                startMeasurement()
                return true
            }
            if bytes == variant.initialisationCommand {
                calibrated = true
                return true
            }
            // A soft reset restarts the part; the calibration stays in its memory.
            return bytes == [AHT20.Command.softReset]
        }
    }

    public func read(count: Int, pointer: inout UInt8) -> [UInt8]? {
        lock.withLock {
            if nackReads > 0 {
                nackReads -= 1
                return nil
            }
            let busy = clock.now() < busyUntil
            // A calibrated part reads 0x18: bit 4 is reserved but set (Aosong's DHT20 manual,
            // the same chip in a module, checks status & 0x18 == 0x18).
            let status = (busy ? AHT20.StatusBit.busy : 0) | (calibrated ? AHT20.StatusBit.calibrated | 0x10 : 0)
            let h = humiditySignal, t = temperatureSignal
            var reply: [UInt8] = [status, UInt8(h >> 12), UInt8(truncatingIfNeeded: h >> 4),
                                  UInt8(truncatingIfNeeded: h << 4) | UInt8(t >> 16),
                                  UInt8(truncatingIfNeeded: t >> 8), UInt8(truncatingIfNeeded: t)]
            if variant.hasCRC {
                var crc = AHT20.crc.checksum(reply)
                if count >= 7, corruptCRCs > 0 {
                    corruptCRCs -= 1
                    crc ^= 0x5A
                }
                reply.append(crc)
            }
            return Array(reply.prefix(count))
        }
    }

    /// Samples the values and marks the part busy; call with the lock held.
    private func startMeasurement() {
        measurements += 1
        var duration = Self.measurementDuration
        if slowMeasurements > 0 {
            slowMeasurements -= 1
            duration = AHT20.measurementTime * 2
        }
        busyUntil = clock.now() + duration
        let celsius = values("temperature") ?? 21
        let percent = values("humidity") ?? 50
        humiditySignal = Self.signal(fraction: percent / 100)
        temperatureSignal = Self.signal(fraction: (celsius + 50) / 200)
        if implausibleMeasurements > 0 {
            implausibleMeasurements -= 1
            temperatureSignal = 0
        }
    }
}
