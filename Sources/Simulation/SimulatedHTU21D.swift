import SensorDrivers
import SensorgateCore

/// A TE HTU21D (or Silicon Labs Si7021) at the command level: it answers the two
/// "no hold master" measurement commands, soft reset and the user register commands.
///
/// A measurement asks `values` for `humidity` (%) or `temperature` (°C) (nil means 50 %
/// and 21 °C) and inverts the datasheet's conversion; the reply (signal with the type
/// bit, then its CRC-8 from 0x00) is readable after ``measuringFraction`` of the maximum
/// measuring time of the resolution in the user register, and before that the part does
/// not acknowledge its read header, as in no-hold-master mode. The user register keeps
/// the writes to its resolution and heater bits; a soft reset restores 0x02. Not
/// modelled: the coarser steps of the lower resolutions (replies keep 12/14 bits), the
/// hold-master commands, the heater's effect, the electronic id.
public final class SimulatedHTU21D: SimulatedI2CDevice, @unchecked Sendable {
    /// A measurement takes this share of the datasheet's maximum time.
    public static let measuringFraction = 0.8

    private let clock: any MonotonicClock
    private let values: @Sendable (String) -> Double?
    private let lock = Mutex()
    private var userRegister = HTU21D.userRegisterDefault
    private var pending: [UInt8]?
    private var readyAt = Timestamp.zero
    private var received: [[UInt8]] = []
    private var measurements = 0

    // Knobs.
    private var nackReads = 0
    private var corruptCRCs = 0
    private var implausibleTemperatures = 0

    public init(clock: any MonotonicClock = SystemClock(), values: @escaping @Sendable (String) -> Double?) {
        self.clock = clock
        self.values = values
    }

    /// How many measurements the part has started.
    public var measurementCount: Int { lock.withLock { measurements } }
    /// The user register now.
    public var userRegisterValue: UInt8 { lock.withLock { userRegister } }
    /// Every command written, oldest first.
    public var commands: [[UInt8]] { lock.withLock { received } }

    // MARK: Knobs for tests

    /// The next `count` reads are not acknowledged, as if the part were still measuring.
    public func nackNextReads(_ count: Int) { lock.withLock { nackReads += count } }
    /// The CRC byte of each of the next `count` measurement replies is wrong.
    public func corruptNextCRCs(_ count: Int) { lock.withLock { corruptCRCs += count } }
    /// Each of the next `count` temperature measurements yields signal 0 (−46.85 °C, below
    /// the operating range), with a correct CRC.
    public func implausibleNextTemperatures(_ count: Int) { lock.withLock { implausibleTemperatures += count } }

    /// The resolution the user register selects.
    var resolution: HTU21D.Resolution {
        let bits = userRegister & HTU21D.UserRegisterBit.resolution
        return HTU21D.Resolution.allCases.first { $0.userRegisterBits == bits } ?? .rh12t14
    }

    /// The 16-bit signal nearest to `fraction` (0...1 of full scale), its status bits
    /// replaced by the measurement type.
    static func signal(fraction: Double, of measurement: HTU21D.Measurement) -> UInt16 {
        let clamped = fraction.isFinite ? min(max(fraction, 0), 65535.0 / 65536) : 0
        let code = UInt16((clamped * 65536).rounded(.down))
        return (code & ~HTU21D.statusMask) | measurement.typeBit
    }

    // MARK: SimulatedI2CDevice

    public func write(_ bytes: [UInt8], pointer: inout UInt8) -> Bool {
        guard let command = bytes.first else { return true } // an address-only write (a scan)
        return lock.withLock {
            received.append(bytes)
            switch (command, bytes.count) {
            case (HTU21D.Command.triggerHumidityNoHold, 1):
                let percent = values("humidity") ?? 50
                start(Self.signal(fraction: (percent + 6) / 125, of: .humidity), maximum: resolution.humidityTime)
            case (HTU21D.Command.triggerTemperatureNoHold, 1):
                let celsius = values("temperature") ?? 21
                var signal = Self.signal(fraction: (celsius + 46.85) / 175.72, of: .temperature)
                if implausibleTemperatures > 0 {
                    implausibleTemperatures -= 1
                    signal = 0
                }
                start(signal, maximum: resolution.temperatureTime)
            case (HTU21D.Command.softReset, 1):
                userRegister = HTU21D.userRegisterDefault
                pending = nil
            case (HTU21D.Command.readUserRegister, 1):
                pending = [userRegister]
                readyAt = clock.now()
            case (HTU21D.Command.writeUserRegister, 2):
                // Resolution (7, 0), heater (2) and OTP reload (1) are writable; the
                // end-of-battery status (6) and the reserved bits are not.
                let writable: UInt8 = 0x87
                userRegister = (userRegister & ~writable) | (bytes[1] & writable)
                pending = nil
            default:
                return false
            }
            return true
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
            if reply.count == 3, corruptCRCs > 0 {
                corruptCRCs -= 1
                reply[2] ^= 0x5A
            }
            return Array(reply.prefix(count))
        }
    }

    /// Queues a measurement reply; call with the lock held.
    private func start(_ signal: UInt16, maximum: Interval) {
        measurements += 1
        let bytes = [UInt8(signal >> 8), UInt8(truncatingIfNeeded: signal)]
        pending = bytes + [HTU21D.crc.checksum(bytes)]
        readyAt = clock.now() + Interval(nanoseconds: Int64(Double(maximum.nanoseconds) * Self.measuringFraction))
    }
}
