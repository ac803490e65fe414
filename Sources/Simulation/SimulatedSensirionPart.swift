import SensorDrivers
import SensorgateCore

/// What Sensirion's command parts (SHT3x, SHT4x) share on the bus: the master writes a
/// command, the part works for a while, then a read returns 16-bit words each followed
/// by its CRC-8. While it works, or with nothing to say, the part does not acknowledge
/// a read header (clock stretching disabled), as both datasheets describe.
///
/// Subclasses decode their commands in ``respond(to:now:)``. Test knobs: NACK the next
/// reads, corrupt the next CRCs, and the log of commands received.
public class SimulatedSensirionPart: SimulatedI2CDevice, @unchecked Sendable {
    /// What a command makes the part do.
    public enum Response {
        /// These words can be read once `after` has passed.
        case reply([UInt16], after: Interval)
        /// The command was taken; there is nothing to read.
        case accepted
        /// Not a command of this part: it does not acknowledge.
        case refused
    }

    let clock: any MonotonicClock
    let values: @Sendable (String) -> Double?
    let lock = Mutex()
    private var pending: [UInt8]?
    private var readyAt = Timestamp(nanoseconds: 0)
    private var nackReads = 0
    private var corruptCRCs = 0
    private var received: [[UInt8]] = []

    init(clock: any MonotonicClock, values: @escaping @Sendable (String) -> Double?) {
        self.clock = clock
        self.values = values
    }

    /// The part's reaction to one command; called with ``lock`` held.
    func respond(to command: [UInt8], now: Timestamp) -> Response { .refused }

    /// The value of `channel` now, or `fallback` when the simulation has no signal for it.
    func value(_ channel: String, fallback: Double) -> Double { values(channel) ?? fallback }

    // MARK: Knobs for tests

    /// The next `count` reads are not acknowledged, as if the part were still measuring.
    public func nackNextReads(_ count: Int) { lock.withLock { nackReads += count } }

    /// The CRC byte of the first word of each of the next `count` replies is wrong.
    public func corruptNextCRCs(_ count: Int) { lock.withLock { corruptCRCs += count } }

    /// Every command written, oldest first.
    public var commands: [[UInt8]] { lock.withLock { received } }

    // MARK: SimulatedI2CDevice

    public func write(_ bytes: [UInt8], pointer: inout UInt8) -> Bool {
        guard !bytes.isEmpty else { return true } // an address-only write (a scan)
        return lock.withLock {
            received.append(bytes)
            switch respond(to: bytes, now: clock.now()) {
            case .reply(let words, let delay):
                pending = words.flatMap(SensirionWords.encode)
                readyAt = clock.now() + delay
                return true
            case .accepted:
                pending = nil
                return true
            case .refused:
                return false
            }
        }
    }

    public func read(count: Int, pointer: inout UInt8) -> [UInt8]? {
        lock.withLock {
            if nackReads > 0 {
                nackReads -= 1
                return nil
            }
            guard var reply = pending, clock.now() >= readyAt else { return nil }
            pending = nil
            if corruptCRCs > 0, reply.count >= 3 {
                corruptCRCs -= 1
                reply[2] ^= 0x5A
            }
            return Array(reply.prefix(count))
        }
    }

    /// The 16-bit raw value nearest to `scaled` (0...1 of full scale), clamped.
    static func raw(fraction scaled: Double) -> UInt16 {
        guard scaled.isFinite else { return scaled > 0 ? 0xFFFF : 0 }
        return UInt16(min(max((scaled * 65535).rounded(), 0), 65535))
    }
}
