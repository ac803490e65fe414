import Pipeline
import SensorgateCore
import Testing

@Suite("CountWindow")
struct CountWindowTests {
    @Test func tumblingByCountEmitsEveryNReadings() {
        let window = CountWindow(name: "c", readings: 3, statistics: [.count, .sum, .rate])
        let out = WindowMarble.run(window, [(1, 1), (2, 2), (4, .nan), (5, 4), (6, 8), (7, 16), (9, 32), (10, 64)], until: 100)
        #expect(out == [
            emitted(5, 1, 5, ["count": 3, "sum": 7, "rate": 0.75]),
            emitted(9, 6, 9, ["count": 3, "sum": 56, "rate": 8]),
        ], "\(out)")
    }

    @Test func hoppingByCountEmitsEveryHopFromTheFirstFullWindow() {
        let window = CountWindow(name: "c", readings: 4, hop: 2, statistics: [.sum])
        let input = (1...9).map { (Double($0), Double($0)) }
        let out = WindowMarble.run(window, input)
        #expect(out == [
            emitted(4, 1, 4, ["sum": 10]),
            emitted(6, 3, 6, ["sum": 18]),
            emitted(8, 5, 8, ["sum": 26]),
        ], "\(out)")
    }

    @Test func aCountWindowHasNoDeadline() {
        var window = CountWindow(name: "c", readings: 5, hop: 1, statistics: [.count])
        window.add(.at(1, 1)) { _ in Issue.record("emitted") }
        #expect(window.deadline == nil)
    }
}
