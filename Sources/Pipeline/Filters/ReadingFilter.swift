import SensorgateCore

/// One step of a channel's filter chain.
///
/// A filter sees every reading that passed the steps before it, in order, and returns
/// the reading to hand to the next step, or nil to stop the chain for this reading
/// (ESPHome's optional result). Filters are pure values over source timestamps: they
/// never read a clock. Adding a filter means one new file with one type conforming to
/// this protocol; ``ChannelChain`` runs any conforming type without changes (see
/// ``FilterStage`` for the fast path of the built-in filters).
public protocol ReadingFilter: Sendable {
    mutating func process(_ reading: Reading) -> Reading?
}
