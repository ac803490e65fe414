import SensorgateCore

/// One derived channel's computing: its formula over its operands, and the episodes in
/// which the formula gives no value (a division by zero, an input outside its domain),
/// so the gateway can log each episode once instead of every reading.
public struct DerivedComputation: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// Nothing to compute: no new operand state, an operand without a value, or a stale one.
        case waiting
        /// A value; `afterUndefined` counts the computations without one just before it
        /// (0 when the previous one had a value too), so an episode's end can be logged.
        case value(Reading, afterUndefined: UInt64)
        /// The formula gave no value; `startsEpisode` is true for the first of a run.
        case undefined(reason: String, startsEpisode: Bool)
    }

    public let formula: DerivedFormula
    public var operands: DerivedOperands
    /// Computations that gave no value, since the start.
    public private(set) var undefinedCount: UInt64 = 0
    /// Computations without a value in the current run of them.
    private var episodeLength: UInt64 = 0

    public init(formula: DerivedFormula, operands: DerivedOperands) {
        self.formula = formula
        self.operands = operands
    }

    /// Computes if a value is due; a value's timestamp is `now`, the newest operand's time.
    public mutating func compute(at now: Timestamp) -> Outcome {
        guard let values = operands.take(at: now) else { return .waiting }
        switch formula.evaluate(values) {
        case .value(let value):
            let ended = episodeLength
            episodeLength = 0
            return .value(Reading(value: value, timestamp: now), afterUndefined: ended)
        case .undefined(let reason):
            undefinedCount += 1
            episodeLength += 1
            return .undefined(reason: reason, startsEpisode: episodeLength == 1)
        }
    }
}
