import SensorgateCore

/// `simulation:`: signals that drive the simulated chip and devices under `run --simulate`.
public struct SimulationSpec: Sendable, Equatable {
    /// Keyed by input id.
    public var inputs: [String: SignalSpec]
    /// Keyed by sensor id, then channel name.
    public var sensors: [String: [String: SignalSpec]]
    /// A sensor's `fail:` entry, keyed by sensor id: when its simulated part stops answering.
    public var outages: [String: OutageSpec]
    /// `seed`: makes random signals repeatable; default 1.
    public var seed: UInt64

    public init(inputs: [String: SignalSpec] = [:], sensors: [String: [String: SignalSpec]] = [:],
                outages: [String: OutageSpec] = [:], seed: UInt64 = 1) {
        self.inputs = inputs
        self.sensors = sensors
        self.outages = outages
        self.seed = seed
    }
}

/// `fail: { from: 3s, for: 4s }` under a sensor of `simulation:`: from `from` after the
/// start, for `for`, the simulated part acknowledges nothing, as a part that lost power
/// or came loose; then it answers again, reset to its power-up state.
public struct OutageSpec: Sendable, Equatable {
    public var from: Interval
    public var duration: Interval

    public init(from: Interval, duration: Interval) {
        self.from = from
        self.duration = duration
    }
}

/// A simulated physical signal.
public enum SignalSpec: Sendable, Equatable {
    /// Binary: `{ square: { period: 10s, duty: 0.5, bounce: 5ms } }`; `bounce` adds contact bounce
    /// (a burst of short toggles lasting up to that long) at every transition.
    case square(period: Interval, duty: Double, bounce: Interval)
    /// Binary: `{ pulses: { rate: 0.5/s, width: 50ms, bounce: 0s } }`: Poisson-distributed pulses.
    case pulses(ratePerSecond: Double, width: Interval, bounce: Interval)
    /// Numeric: `{ constant: 21.5 }`
    case constant(Double)
    /// Numeric: `{ walk: { start: 21, step: 0.05, min: .., max: .. } }`: a random walk, one step per read.
    case walk(start: Double, step: Double, min: Double?, max: Double?)
    /// Numeric: `{ sine: { mean: 55, amplitude: 10, period: 10m } }`
    case sine(mean: Double, amplitude: Double, period: Interval)
}
