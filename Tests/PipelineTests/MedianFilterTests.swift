import Pipeline
import SensorgateCore
import Testing

/// Feeds `values` one second apart and returns the emitted values.
func run<F: ReadingFilter>(_ filter: inout F, _ values: [Double]) -> [Double?] {
    values.enumerated().map { index, value in filter.process(.at(Int64(index), value))?.value }
}

@Suite("MedianFilter")
struct MedianFilterTests {
    @Test("median of the last N, warming up", arguments: [
        (3, [5.0, 1, 3, 10, 7, 0], [5.0, 3, 3, 3, 7, 7]),                    // odd, warm-up [5] [5,1]
        (4, [4.0, 8, 1, 9, 3, 3], [4.0, 6, 4, 6, 5.5, 3]),                    // even: mean of the two middle
        (1, [2.0, -1, 7], [2.0, -1, 7]),
        (3, [2.0, 2, 2, 1, 1, 1], [2.0, 2, 2, 2, 1, 1]),                      // duplicates evicted one at a time
        (5, [-3.0, -1, -2, 100, -50, 0], [-3.0, -2, -2, -1.5, -2, -1]),
    ])
    func medians(size: Int, input: [Double], expected: [Double]) {
        var filter = MedianFilter(size: size)
        #expect(run(&filter, input) == expected)
    }

    @Test func keepsTheTimestampOfTheReading() {
        var filter = MedianFilter(size: 3)
        _ = filter.process(Reading(value: 1, timestamp: .ms(10)))
        #expect(filter.process(Reading(value: 9, timestamp: .ms(20))) == Reading(value: 5, timestamp: .ms(20)))
    }

    @Test func nanTakesAPlaceButIsLeftOutOfTheMedian() {
        var filter = MedianFilter(size: 3)
        let out = run(&filter, [1, .nan, 5, .nan, .nan, .nan, 4])
        #expect(out[0] == 1)
        #expect(out[1] == 1)      // [1, NaN]
        #expect(out[2] == 3)      // [1, NaN, 5]
        #expect(out[3] == 5)      // [NaN, 5, NaN]
        #expect(out[4] == 5)      // [5, NaN, NaN]
        #expect(out[5]?.isNaN == true)  // [NaN, NaN, NaN]
        #expect(out[6] == 4)
    }

    @Test func sizesBelowOneActAsOne() {
        var filter = MedianFilter(size: 0)
        #expect(filter.size == 1)
        #expect(run(&filter, [3, 4]) == [3, 4])
    }

    @Test("agrees with sorting a copy of the window", arguments: [1, 2, 3, 4, 5, 8, 11])
    func matchesBruteForce(size: Int) {
        var random = XorShift(state: 0x9E37_79B9_7F4A_7C15 &+ UInt64(size))
        var filter = MedianFilter(size: size)
        var history: [Double] = []
        for index in 0..<500 {
            // Few distinct values, so duplicates are common.
            let value = Double(random.next(below: 7)) - 3
            history.append(value)
            let window = history.suffix(size).sorted()
            let n = window.count
            let expected = n % 2 == 1 ? window[n / 2] : (window[n / 2 - 1] + window[n / 2]) / 2
            #expect(filter.process(.at(Int64(index), value))?.value == expected)
        }
    }

    @Test func copiesAreIndependent() {
        var original = MedianFilter(size: 3)
        _ = run(&original, [1, 2, 3])
        var copy = original
        _ = run(&copy, [100, 100])
        #expect(original.median == 2)
        #expect(copy.median == 100)
    }
}
