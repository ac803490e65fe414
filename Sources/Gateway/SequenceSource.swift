/// Where the payload's `seq` comes from: the block-reserving ``SequenceCounter`` without
/// an outbox, the outbox's own counter (``OutboxSequence``) with one.
protocol SequenceSource: AnyObject {
    /// The next number, or nil if none can be handed out now (the caller drops the message).
    func next() -> UInt64?
    /// Records where numbering continues at the next start.
    func close()
    /// Called once per failure episode with its text, so the gateway can publish it.
    var onFailure: (String) -> Void { get set }
    /// Messages dropped over the whole run because no number could be handed out.
    var withheldInAll: UInt64 { get }
}

extension SequenceCounter: SequenceSource {}
