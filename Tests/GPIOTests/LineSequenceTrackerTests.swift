import GPIO
import Testing

/// Exact loss counting from uAPI v2's per-line sequence numbers.
@Suite("LineSequenceTracker (API v2)")
struct LineSequenceTrackerTests {
    /// Feeds (offset, line_seqno) pairs in kernel order; returns each event's skip count.
    func skips(_ events: [(UInt32, UInt)]) -> [Int] {
        var tracker = LineSequenceTracker()
        return events.map { tracker.record(offset: $0.0, sequenceNumber: $0.1) }
    }

    @Test("consecutive numbers from 1: nothing was dropped")
    func noLoss() {
        #expect(skips([(17, 1), (17, 2), (17, 3), (17, 4)]) == [0, 0, 0, 0])
    }

    @Test("a gap is the number of dropped events, counted once, where it shows")
    func gaps() {
        #expect(skips([(17, 1), (17, 2), (17, 7), (17, 8), (17, 10)]) == [0, 0, 4, 0, 1])
    }

    @Test("the first event read need not be 1: the oldest were discarded before the first read")
    func firstEventGap() {
        // A storm before the first read: the kernel kept the newest, numbered 245 to 256 here.
        #expect(skips([(4, 245), (4, 246)]) == [244, 0])
    }

    @Test("each line of a request is numbered on its own")
    func severalLines() {
        let result = skips([(3, 1), (5, 1), (3, 2), (5, 4), (3, 3), (5, 5), (9, 2)])
        #expect(result == [0, 0, 0, 2, 0, 0, 1])
        #expect(result.reduce(0, +) == 3)
    }

    @Test("numbers that wrap around the word still count right")
    func wrap() {
        var tracker = LineSequenceTracker()
        _ = tracker.record(offset: 1, sequenceNumber: UInt.max - 1)
        #expect(tracker.record(offset: 1, sequenceNumber: UInt.max) == 0)
        #expect(tracker.record(offset: 1, sequenceNumber: 0) == 0)
        #expect(tracker.record(offset: 1, sequenceNumber: 3) == 2)
    }

    @Test("a repeated or earlier number is not counted as a loss")
    func backwards() {
        #expect(skips([(2, 1), (2, 2), (2, 2), (2, 1)]) == [0, 0, 0, 0])
    }
}
