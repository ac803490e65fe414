import SensorDrivers
import SensorgateCore

/// A Vishay VEML7700 at the register level: 16-bit registers behind one command code,
/// least significant byte first, read and written whole (the pointer does not advance).
///
/// It holds ALS_CONF_0, the two threshold windows and the power-saving register. Powered
/// on (ALS_SD 0), the part measures continuously: the ALS register reads 0 until one
/// integration time after power-on, then the count for `values("illuminance")` (nil means
/// 300 lx) at the gain and integration time set now — the count whose illuminance, as the
/// application note computes it (resolution, then the correction above 1000 lx), is
/// closest to the simulated one, by bisection, saturating at 0xFFFF like the part. Shut
/// down, the ALS register keeps its last count. The WHITE register reads the ALS count (the
/// part's white channel sees more infrared; not modelled), and ALS_INT reads 0.
/// Not modelled: power-saving mode timing, the threshold interrupt, light noise.
public final class SimulatedVEML7700: SimulatedI2CDevice, @unchecked Sendable {
    private let clock: any MonotonicClock
    private let values: @Sendable (String) -> Double?
    private let lock = Mutex()
    /// ALS_SD set: the part powers up shut down.
    private var configuration: UInt16 = VEML7700.shutDown
    private var highThreshold: UInt16 = 0
    private var lowThreshold: UInt16 = 0
    private var powerSaving: UInt16 = 0
    private var poweredOnAt: Timestamp?
    private var lastCount: UInt16 = 0

    public init(clock: any MonotonicClock = SystemClock(), values: @escaping @Sendable (String) -> Double?) {
        self.clock = clock
        self.values = values
    }

    /// ALS_CONF_0 as last written.
    public var configurationValue: UInt16 { lock.withLock { configuration } }
    /// The power-saving register as last written.
    public var powerSavingValue: UInt16 { lock.withLock { powerSaving } }

    /// The gain that ALS_CONF_0's bits 12:11 select.
    static func gain(_ configuration: UInt16) -> VEML7700.Gain {
        let bits = configuration >> 11 & 0b11
        return VEML7700.Gain.allCases.first { $0.bits == bits } ?? .one
    }

    /// The integration time that ALS_CONF_0's bits 9:6 select (an undefined code as 100 ms).
    static func integrationTime(_ configuration: UInt16) -> VEML7700.IntegrationTime {
        let bits = configuration >> 6 & 0b1111
        return VEML7700.IntegrationTime.allCases.first { $0.bits == bits } ?? .ms100
    }

    /// The ALS count the part reports for `lux` at the settings.
    public static func count(lux: Double, gain: VEML7700.Gain, integrationTime: VEML7700.IntegrationTime) -> UInt16 {
        guard lux.isFinite else { return lux > 0 ? VEML7700.saturatedCount : 0 }
        let count = SimulatedBME280.bisect(upTo: UInt32(VEML7700.saturatedCount), avoiding: .max, target: lux,
                                           increasing: true) {
            VEML7700.illuminance(count: UInt16($0), gain: gain, integrationTime: integrationTime)
        }
        return UInt16(count)
    }

    // MARK: SimulatedI2CDevice

    public func write(_ bytes: [UInt8], pointer: inout UInt8) -> Bool {
        guard let first = bytes.first else { return true } // an address-only write (a scan)
        pointer = first
        guard bytes.count >= 3 else { return true } // only the command code: a read follows
        let value = RegisterBytes.uint16LE(bytes[1], bytes[2])
        lock.withLock {
            switch pointer {
            case VEML7700.Register.alsConf0:
                let now = clock.now()
                lastCount = currentCount(now: now)
                configuration = value
                // A new setting restarts the integration, as does power-on.
                poweredOnAt = value & VEML7700.shutDown == 0 ? now : nil
            case VEML7700.Register.alsWH: highThreshold = value
            case VEML7700.Register.alsWL: lowThreshold = value
            case VEML7700.Register.powerSaving: powerSaving = value & 0b111
            default: break // read-only
            }
        }
        return true
    }

    public func read(count: Int, pointer: inout UInt8) -> [UInt8]? {
        lock.withLock {
            let word: UInt16
            switch pointer {
            case VEML7700.Register.alsConf0: word = configuration
            case VEML7700.Register.alsWH: word = highThreshold
            case VEML7700.Register.alsWL: word = lowThreshold
            case VEML7700.Register.powerSaving: word = powerSaving
            case VEML7700.Register.als, VEML7700.Register.white:
                lastCount = currentCount(now: clock.now())
                word = lastCount
            default: word = 0
            }
            return Array(RegisterBytes.bytesLE(word).prefix(count))
        }
    }

    /// The ALS count at `now`: the last one while shut down or before the first
    /// integration has finished, else the count for the simulated illuminance.
    private func currentCount(now: Timestamp) -> UInt16 {
        guard let start = poweredOnAt else { return lastCount }
        let integrationTime = Self.integrationTime(configuration)
        guard now >= start + integrationTime.interval else { return lastCount }
        return Self.count(lux: values("illuminance") ?? 300, gain: Self.gain(configuration),
                          integrationTime: integrationTime)
    }
}
