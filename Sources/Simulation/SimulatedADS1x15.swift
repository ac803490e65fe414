import SensorDrivers
import SensorgateCore

/// A Texas Instruments ADS1115 or ADS1015 at the register level: 16-bit registers behind
/// one pointer, most significant byte first, read and written whole.
///
/// A write of the config register with OS = 1 starts a single conversion of the input its
/// MUX selects; it finishes 1 / data rate (times `oscillatorSlowdown`) plus 25 µs later on
/// `clock`; until then OS reads 0, after it 1, and the conversion register holds the code
/// for the voltage `values` gives at that moment: `a0`...`a3` for AINx against GND (nil
/// means 0 V), `a0_a1` and `a2_a3` for the differences (nil means the difference of the
/// single-ended values, so one set of values answers both wirings), AIN0 − AIN3 and
/// AIN1 − AIN3 from the single-ended values. The code is code = V × 2^(bits − 1) / FSR,
/// rounded to the nearest code and clamped to full scale as the part saturates; the ADS1015's
/// 12 bits are left-justified. Not modelled: continuous mode (MODE = 0 converts once, like
/// single-shot), the comparator and ALERT/RDY, noise, input limits beyond the rails.
public final class SimulatedADS1x15: SimulatedI2CDevice, @unchecked Sendable {
    public let model: ADS1x15.Model
    private let clock: any MonotonicClock
    private let values: @Sendable (String) -> Double?
    private let lock = Mutex()
    /// The config register at power-up: 0x8583 (OS 1, AIN0−AIN1, ±2.048 V, single-shot, DR 100, comparator off).
    private var config: UInt16 = 0x8583
    private var conversion: UInt16 = 0
    private var loThresh: UInt16 = 0x8000
    private var hiThresh: UInt16 = 0x7FFF
    private var finishesAt: Timestamp?
    private var pendingCode: UInt16 = 0
    private var started = 0
    private var slowdown = 1.0
    private var neverFinish = false
    private var stalled = false

    /// - Parameter model: which part's resolution and data rates it has.
    public init(model: ADS1x15.Model, clock: any MonotonicClock = SystemClock(),
                values: @escaping @Sendable (String) -> Double?) {
        self.model = model
        self.clock = clock
        self.values = values
    }

    /// The config register as last written (OS as written).
    public var configurationValue: UInt16 { lock.withLock { config } }
    /// How many conversions were started.
    public var conversionCount: Int { lock.withLock { started } }

    // MARK: Knobs for tests

    /// Conversions take `factor` times their nominal time (an internal oscillator off its rate).
    public func setOscillatorSlowdown(_ factor: Double) { lock.withLock { slowdown = factor } }
    /// Conversions started from now on never finish (OS stays 0), as a part stuck converting.
    public func stallConversions() { lock.withLock { neverFinish = true } }

    /// The volts on the input selected by MUX[2:0].
    func volts(mux: UInt16) -> Double {
        let single = { (index: Int) in self.values("a\(index)") ?? 0 }
        switch mux & 0b111 {
        case 0b000: return values("a0_a1") ?? single(0) - single(1)
        case 0b001: return single(0) - single(3)
        case 0b010: return single(1) - single(3)
        case 0b011: return values("a2_a3") ?? single(2) - single(3)
        default: return single(Int(mux & 0b111) - 4)
        }
    }

    /// The conversion register for `volts` at ±`fullScale`: rounded to the nearest code, clamped
    /// to full scale, left-justified for a 12-bit part.
    public static func conversionRegister(volts: Double, fullScale: Double, model: ADS1x15.Model) -> UInt16 {
        let half = Double(1 << (model.resolutionBits - 1))
        let exact = volts.isFinite ? (volts * half / fullScale).rounded() : 0
        let code = Int(min(max(exact, -half), half - 1))
        return UInt16(bitPattern: Int16(code << (16 - model.resolutionBits)))
    }

    static func fullScale(pga: UInt16) -> Double {
        switch pga & 0b111 {
        case 0b000: 6.144
        case 0b001: 4.096
        case 0b010: 2.048
        case 0b011: 1.024
        case 0b100: 0.512
        default: 0.256
        }
    }

    private func dataRate(code: UInt16) -> Int {
        let rates = model.dataRates
        return rates[min(Int(code & 0b111), rates.count - 1)]
    }

    /// Completes a conversion whose time has come.
    private func advance(now: Timestamp) {
        if let finishesAt, now >= finishesAt {
            conversion = pendingCode
            self.finishesAt = nil
        }
    }

    /// A conversion runs: timed, or stalled for good.
    private var isConverting: Bool { finishesAt != nil || stalled }

    private func startConversion() {
        started += 1
        let mux = config >> 12 & 0b111
        pendingCode = Self.conversionRegister(volts: volts(mux: mux), fullScale: Self.fullScale(pga: config >> 9), model: model)
        if neverFinish {
            stalled = true
            return
        }
        let nominal = 1.0 / Double(dataRate(code: config >> 5))
        finishesAt = clock.now() + .seconds(nominal * slowdown) + .microseconds(25)
    }

    // MARK: SimulatedI2CDevice

    public func beginTransaction() {
        lock.withLock { advance(now: clock.now()) }
    }

    public func write(_ bytes: [UInt8], pointer: inout UInt8) -> Bool {
        guard let first = bytes.first else { return true }
        pointer = first & 0b11 // P[1:0]; the other pointer bits must be 0
        let data = Array(bytes.dropFirst())
        guard data.count == 2 else { return true } // only the pointer moved
        let value = RegisterBytes.uint16BE(data[0], data[1])
        lock.withLock {
            switch pointer {
            case ADS1x15.Register.config:
                config = value
                // OS = 1 starts a conversion only from power-down; while one runs it has no effect.
                if value & ADS1x15.operationalStatus != 0 && !isConverting { startConversion() }
            case ADS1x15.Register.loThresh: loThresh = value
            case ADS1x15.Register.hiThresh: hiThresh = value
            default: break // the conversion register is read-only
            }
        }
        return true
    }

    public func read(count: Int, pointer: inout UInt8) -> [UInt8]? {
        lock.withLock {
            let value: UInt16
            switch pointer {
            case ADS1x15.Register.conversion: value = conversion
            case ADS1x15.Register.config:
                value = (config & ~ADS1x15.operationalStatus) | (isConverting ? 0 : ADS1x15.operationalStatus)
            case ADS1x15.Register.loThresh: value = loThresh
            default: value = hiThresh
            }
            return Array(RegisterBytes.bytesBE(value).prefix(count))
        }
    }
}
