import Pipeline
import SensorgateCore
import Testing

@Suite("SlidingTimeWindow")
struct SlidingTimeWindowTests {
    static func window(length: Int, _ statistics: [Statistic] = [.count, .sum], capacity: Int = 10_000) -> SlidingTimeWindow {
        SlidingTimeWindow(name: "s", length: .seconds(length), statistics: statistics, capacity: capacity)
    }

    @Test func everyReadingEmitsTheReadingsOfTheLastLength() {
        let out = WindowMarble.run(Self.window(length: 10), [(1, 1), (5, 2), (11, 4), (15, 8), (40, 16)], until: 100)
        #expect(out == [
            emitted(1, -9, 1, ["count": 1, "sum": 1]),
            emitted(5, -5, 5, ["count": 2, "sum": 3]),
            // (1, 11]: the reading at 1 has left.
            emitted(11, 1, 11, ["count": 2, "sum": 6]),
            // (5, 15]: so has the one at 5, exactly `length` before.
            emitted(15, 5, 15, ["count": 2, "sum": 12]),
            emitted(40, 30, 40, ["count": 1, "sum": 16]),
        ], "\(out)")
    }

    @Test func aLateReadingCountsAtTheNewestTimeAndNaNEmitsNothing() {
        let out = WindowMarble.run(Self.window(length: 10, [.count, .last]), [(20, 1), (12, 2), (21, .nan), (29, 3)])
        #expect(out == [
            emitted(20, 10, 20, ["count": 1, "last": 1]),
            emitted(12, 10, 20, ["count": 2, "last": 2]),
            // (19, 29]: both count, the late one held at 20.
            emitted(29, 19, 29, ["count": 3, "last": 3]),
        ], "\(out)")
    }

    @Test func memoryIsBoundedByTheCapacity() {
        var window = Self.window(length: 3_600, [.count], capacity: 5)
        var counts: [Double] = []
        for t in 1...20 as ClosedRange<Int64> { window.add(.at(t, 1)) { counts.append($0[.count] ?? -1) } }
        #expect(counts == [1, 2, 3, 4] + Array(repeating: 5, count: 16))
        #expect(window.deadline == nil)
    }
}
