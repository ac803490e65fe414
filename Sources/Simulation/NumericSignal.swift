#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SensorgateCore

/// A simulated physical quantity (a temperature, a humidity) that a simulated device
/// reports when it measures. Built from the profile's numeric signals
/// (`constant`, `walk`, `sine`); repeatable for a seed.
public struct NumericSignal: Sendable {
    /// The numeric signal shapes of the profile's `simulation:` section.
    public enum Shape: Sendable, Equatable {
        /// `{ constant: 21.5 }`: always this value.
        case constant(Double)
        /// `{ walk: { start: 21, step: 0.05, min: .., max: .. } }`: starts at `start`, then
        /// takes one step, uniform in `-step...step`, per reading; clamped to `min`/`max`.
        case walk(start: Double, step: Double, min: Double?, max: Double?)
        /// `{ sine: { mean: 55, amplitude: 10, period: 10m } }`:
        /// `mean + amplitude·sin(2π·(t − origin)/period)`.
        case sine(mean: Double, amplitude: Double, period: Interval)
    }

    public let shape: Shape
    private var random: SplitMix64
    private var current: Double?
    private var origin: Timestamp?

    /// - Parameters:
    ///   - seed: makes walks repeatable; two signals with the same shape and seed give
    ///     the same sequence.
    ///   - origin: where a sine's phase is zero; nil means the time of the first reading.
    public init(shape: Shape, seed: UInt64, origin: Timestamp? = nil) {
        self.shape = shape
        self.random = SplitMix64(seed: seed)
        self.origin = origin
    }

    /// The signal's value at `time`. A walk advances one step per call regardless of
    /// `time`, as the profile's `walk` ("one step per read") says.
    public mutating func value(at time: Timestamp) -> Double {
        switch shape {
        case .constant(let value):
            return value
        case .walk(let start, let step, let low, let high):
            let next: Double
            if let previous = current {
                next = previous + random.nextSigned() * abs(step)
            } else {
                next = start
            }
            let clamped = Self.clamp(next, low, high)
            current = clamped
            return clamped
        case .sine(let mean, let amplitude, let period):
            let start = origin ?? time
            origin = start
            guard period.nanoseconds > 0 else { return mean }
            // Reduce the phase in integers first so long uptimes keep full precision.
            let elapsed = Int64(bitPattern: time.nanoseconds &- start.nanoseconds)
            var phase = elapsed % period.nanoseconds
            if phase < 0 { phase += period.nanoseconds }
            let fraction = Double(phase) / Double(period.nanoseconds)
            return mean + amplitude * sin(2 * Double.pi * fraction)
        }
    }

    private static func clamp(_ value: Double, _ low: Double?, _ high: Double?) -> Double {
        var result = value
        if let low, result < low { result = low }
        if let high, result > high { result = high }
        return result
    }
}
