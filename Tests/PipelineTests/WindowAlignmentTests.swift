import Pipeline
import SensorgateCore
import Testing

/// `align: false`: windows on multiples of their length after the first reading, not on
/// the wall clock, and a clock resync does not move them.
@Suite("Window alignment")
struct WindowAlignmentTests {
    @Test func anUnalignedTumblingWindowStartsAtItsFirstReading() {
        let window = TumblingWindow(name: "w", every: .seconds(60), statistics: [.count],
                                    utcOffset: 17 * second, alignedToWallClock: false)
        let out = WindowMarble.run(window, [(50, 1), (100, 1), (111, 1), (300, 1)], until: 400)
        #expect(out == [
            emitted(110, 50, 110, ["count": 2]),
            emitted(170, 110, 170, ["count": 1]),
            // After the gap the grid is still 50 + 60k.
            emitted(350, 290, 350, ["count": 1]),
        ], "\(out)")
    }

    @Test func anAlignedWindowFollowsAResyncFromItsNextWindowAndAnUnalignedOneIgnoresIt() {
        var aligned = TumblingWindow(name: "a", every: .seconds(60), statistics: [.count], utcOffset: 0)
        var anchored = TumblingWindow(name: "u", every: .seconds(60), statistics: [.count], utcOffset: 0,
                                      alignedToWallClock: false)
        _ = aligned.add(.at(10, 1))
        _ = anchored.add(.at(10, 1))
        aligned.utcOffset = 30 * second
        anchored.utcOffset = 30 * second
        #expect(aligned.deadline == .s(60))  // the open window keeps its bounds
        #expect(anchored.deadline == .s(70))
        #expect(aligned.add(.at(65, 1))?.end == .s(60))
        #expect(aligned.deadline == .s(90))  // then UTC minutes at monotonic 30, 90, ...
        #expect(anchored.add(.at(75, 1))?.end == .s(70))
        #expect(anchored.deadline == .s(130))
    }

    @Test func anAlignedHourClosesOnTheFullHourOfUTC() {
        // UTC 1_700_000_017 at monotonic 0: the next full hour, 1_700_002_800, is monotonic 2_783.
        let window = TumblingWindow(name: "1h", every: .seconds(3_600), statistics: [.count],
                                    utcOffset: 1_700_000_017 * second)
        let out = WindowMarble.run(window, [(1_000, 1)], until: 10_000)
        #expect(out.map(\.end) == [2_783])
    }
}
