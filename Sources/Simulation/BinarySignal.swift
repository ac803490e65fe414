import SensorgateCore

/// A simulated binary signal: the logical level of a contact or pulse source over time,
/// as a sequence of transitions. Built from the profile's `square` and `pulses` signals.
///
/// Contact bounce is modelled at every transition: the level chatters with gaps of
/// 0.1-1 ms for up to `bounce` before settling at the new level, as a mechanical
/// switch does.
public struct BinarySignal: Sendable {
    public enum Shape: Sendable, Equatable {
        case square(period: Interval, duty: Double)
        case pulses(ratePerSecond: Double, width: Interval)
    }

    public let shape: Shape
    public let bounce: Interval
    private var random: SignalRandom
    /// The level at the start.
    public let initialLevel: Bool
    /// Time of the next clean transition, relative to the start.
    private var nextEdge: Interval
    private var level: Bool
    /// Chatter transitions left before the pending clean transition settles.
    private var pendingBounce: [(Interval, Bool)] = []

    public init(shape: Shape, bounce: Interval = .zero, seed: UInt64) {
        self.shape = shape
        self.bounce = bounce
        self.random = SignalRandom(seed: seed)
        switch shape {
        case .square(let period, let duty):
            initialLevel = false
            level = false
            // Inactive for the second part of the period first, so the first edge is a rise.
            nextEdge = Interval(nanoseconds: Int64(Double(period.nanoseconds) * (1 - duty)))
        case .pulses(let rate, _):
            initialLevel = false
            level = false
            nextEdge = .zero
            nextEdge = Interval.seconds(random.exponential(rate: rate))
        }
    }

    /// The next transition: when (relative to the start) and the level after it.
    public mutating func next() -> (at: Interval, level: Bool) {
        if !pendingBounce.isEmpty { return pendingBounce.removeFirst() }
        let at = nextEdge
        let newLevel = !level
        level = newLevel
        switch shape {
        case .square(let period, let duty):
            let high = Int64(Double(period.nanoseconds) * duty)
            nextEdge = at + Interval(nanoseconds: newLevel ? high : period.nanoseconds - high)
        case .pulses(let rate, let width):
            nextEdge = newLevel ? at + width : at + Interval.seconds(max(random.exponential(rate: rate), width.seconds))
        }
        guard bounce > .zero else { return (at, newLevel) }
        // Chatter: new, old, new, old, ... ending at new; never reaching the next clean edge.
        var t = at
        var chatterLevel = newLevel
        let limit = min(at + bounce, nextEdge - .microseconds(100))
        while true {
            let gap = Interval(nanoseconds: 100_000 + Int64(random.uniform() * 900_000))
            if t + gap + gap >= limit { break }
            t = t + gap
            chatterLevel.toggle()
            pendingBounce.append((t, chatterLevel))
        }
        if chatterLevel != newLevel { pendingBounce.append((t + .microseconds(50), newLevel)) }
        return (at, newLevel)
    }
}

/// SplitMix64-based randomness for binary signals (repeatable for a seed, no Foundation).
struct SignalRandom: Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    mutating func nextUInt64() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(nextUInt64() >> 11) * 0x1.0p-53 }

    /// Exponentially distributed with the given rate (per second), in seconds.
    mutating func exponential(rate: Double) -> Double {
        guard rate > 0 else { return .infinity }
        return -log(1 - uniform()) / rate
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
