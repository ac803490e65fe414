/// Counts the edge events the kernel dropped, from the per-line sequence numbers of the
/// GPIO uAPI v2.
///
/// The kernel numbers each line's edge events of a request 1, 2, 3, ... (`line_seqno`)
/// as they happen, whether or not they fit its event buffer; on overflow it discards the
/// oldest. A read that sees line 17's number jump from 4 to 9 therefore knows that
/// exactly 4 of that line's events were dropped. A pure value: fed in kernel order.
public struct LineSequenceTracker: Sendable, Equatable {
    /// The sequence number each line's next event should carry, by offset.
    private var expected: [UInt32: UInt] = [:]

    public init() {}

    /// Records one event and returns how many of this line's events were skipped just
    /// before it (0 when none were). The first event of a line is expected to be 1.
    ///
    /// Sequence numbers are `unsigned long` (32 bits on 32-bit ARM), so differences are
    /// taken modulo the word: a counter that wrapped still counts right.
    public mutating func record(offset: UInt32, sequenceNumber: UInt) -> Int {
        let next = expected[offset] ?? 1
        expected[offset] = sequenceNumber &+ 1
        let skipped = sequenceNumber &- next
        // A number at or below one already seen would be a kernel bug, not a loss; it
        // shows as a huge "difference" modulo the word and is not counted.
        return skipped <= UInt(Int32.max) ? Int(skipped) : 0
    }
}
