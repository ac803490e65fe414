import SensorDrivers
import SensorgateCore

/// A ROHM BH1750FVI at the opcode level: power down/on, reset, the six measurement modes
/// and the two halves of MTreg; any read returns the data register, high byte first.
///
/// A measurement asks `values` for `illuminance` (lx) (nil means 300 lx) and inverts the
/// datasheet's conversion for the mode and MTreg: `count = lx · 1.2 · MTreg / 69`, doubled
/// in H-resolution mode2, clamped to 0xFFFF. The result reaches the data register after
/// the typical measurement time (120 ms at H-resolution, 16 ms at L-resolution, scaled
/// by MTreg / 69); a continuous mode then keeps it current, a one-time mode powers the
/// part down. While powered down it refuses (does not acknowledge) reset and the
/// measurement opcodes, strictest reading of the datasheet's instruction set, so a driver
/// that forgets power on fails here. Not modelled: the coarser
/// steps of L-resolution (counts keep every bit), light noise, the part's accuracy.
public final class SimulatedBH1750: SimulatedI2CDevice, @unchecked Sendable {
    private let clock: any MonotonicClock
    private let values: @Sendable (String) -> Double?
    private let lock = Mutex()
    private var poweredOn = false
    private var mode: BH1750.Mode?
    private var mtregHigh = BH1750.defaultMTreg >> 5
    private var mtregLow = BH1750.defaultMTreg & 0b1_1111
    /// The MTreg the running measurement uses.
    private var measuringMTreg = BH1750.defaultMTreg
    private var data: UInt16 = 0
    private var resultAt: Timestamp?
    private var received: [[UInt8]] = []
    private var measurements = 0

    // Knobs.
    private var nackReads = 0
    private var saturatedResults = 0

    public init(clock: any MonotonicClock = SystemClock(), values: @escaping @Sendable (String) -> Double?) {
        self.clock = clock
        self.values = values
    }

    /// How many measurements the part has started.
    public var measurementCount: Int { lock.withLock { measurements } }
    /// The measurement time register as the MTreg opcodes set it.
    public var mtreg: UInt8 { lock.withLock { mtregHigh << 5 | mtregLow } }
    /// Whether the part is powered on.
    public var isPoweredOn: Bool { lock.withLock { poweredOn } }
    /// Every opcode written, oldest first.
    public var commands: [[UInt8]] { lock.withLock { received } }

    // MARK: Knobs for tests

    /// The next `count` reads are not acknowledged.
    public func nackNextReads(_ count: Int) { lock.withLock { nackReads += count } }
    /// Each of the next `count` completed measurements saturates at 0xFFFF.
    public func saturateNextResults(_ count: Int) { lock.withLock { saturatedResults += count } }

    /// The typical measurement time of `mode` at `mtreg` (datasheet p. 2: 120 ms, 16 ms).
    static func typicalTime(_ mode: BH1750.Mode, mtreg: UInt8) -> Interval {
        let base = mode.isLowResolution ? 16_000 : 120_000
        return .microseconds(base * Int(mtreg) / Int(BH1750.defaultMTreg))
    }

    /// The count the part reports for `lux`.
    static func count(lux: Double, mode: BH1750.Mode, mtreg: UInt8) -> UInt16 {
        var count = lux * BH1750.countsPerLux * Double(mtreg) / Double(BH1750.defaultMTreg)
        if mode.isHigh2 { count *= 2 }
        guard count.isFinite else { return count > 0 ? 0xFFFF : 0 }
        return UInt16(min(max(count.rounded(), 0), 65535))
    }

    // MARK: SimulatedI2CDevice

    public func write(_ bytes: [UInt8], pointer: inout UInt8) -> Bool {
        guard !bytes.isEmpty else { return true } // an address-only write (a scan)
        return lock.withLock {
            received.append(bytes)
            // One opcode per write: the part does not take several without a stop.
            guard bytes.count == 1 else { return false }
            let opcode = bytes[0]
            complete(now: clock.now())
            if opcode & 0b1111_1000 == BH1750.Opcode.changeMeasurementTimeHighBit {
                mtregHigh = opcode & 0b111
                return true
            }
            if opcode & 0b1110_0000 == BH1750.Opcode.changeMeasurementTimeLowBit {
                mtregLow = opcode & 0b1_1111
                return true
            }
            switch opcode {
            case BH1750.Opcode.powerOn:
                poweredOn = true
                return true
            case BH1750.Opcode.powerDown:
                poweredOn = false
                mode = nil
                resultAt = nil
                return true
            default:
                break
            }
            guard poweredOn else { return false }
            if opcode == BH1750.Opcode.reset {
                data = 0
                return true
            }
            guard let chosen = BH1750.Mode.allCases.first(where: { $0.opcode == opcode }) else { return false }
            mode = chosen
            measuringMTreg = mtregHigh << 5 | mtregLow
            measurements += 1
            resultAt = clock.now() + Self.typicalTime(chosen, mtreg: measuringMTreg)
            return true
        }
    }

    public func read(count: Int, pointer: inout UInt8) -> [UInt8]? {
        lock.withLock {
            if nackReads > 0 {
                nackReads -= 1
                return nil
            }
            complete(now: clock.now())
            return Array([UInt8(data >> 8), UInt8(truncatingIfNeeded: data)].prefix(count))
        }
    }

    /// Moves a finished measurement into the data register; call with the lock held.
    private func complete(now: Timestamp) {
        guard let mode, let due = resultAt, now >= due else { return }
        data = Self.count(lux: values("illuminance") ?? 300, mode: mode, mtreg: measuringMTreg)
        if saturatedResults > 0 {
            saturatedResults -= 1
            data = 0xFFFF
        }
        if mode.isContinuous {
            // The next result of a continuous mode follows one measurement time later.
            resultAt = now + Self.typicalTime(mode, mtreg: measuringMTreg)
            measurements += 1
        } else {
            resultAt = nil
            self.mode = nil
            poweredOn = false
        }
    }
}
