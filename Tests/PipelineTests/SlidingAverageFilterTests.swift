import Pipeline
import SensorgateCore
import Testing

@Suite("SlidingAverageFilter")
struct SlidingAverageFilterTests {
    @Test("mean of the last size, every N readings", arguments: [
        // size, every, input 1...8, expected
        (3, 2, [nil, 1.5, nil, 3, nil, 5, nil, 7]),           // first after `every`, window not full yet
        (2, 1, [1.0, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5]),
        (2, 3, [nil, nil, 2.5, nil, nil, 5.5, nil, nil]),     // every > size
        (10, 4, [nil, nil, nil, 2.5, nil, nil, nil, 4.5]),    // warm-up: mean of what there is
        (1, 1, [1.0, 2, 3, 4, 5, 6, 7, 8]),
    ] as [(Int, Int, [Double?])])
    func averages(size: Int, every: Int, expected: [Double?]) {
        var filter = SlidingAverageFilter(size: size, every: every)
        #expect(run(&filter, [1, 2, 3, 4, 5, 6, 7, 8]) == expected)
    }

    @Test func stampsWithTheLatestReading() {
        var filter = SlidingAverageFilter(size: 4, every: 2)
        #expect(filter.process(Reading(value: 1, timestamp: .ms(10))) == nil)
        #expect(filter.process(Reading(value: 2, timestamp: .ms(20))) == Reading(value: 1.5, timestamp: .ms(20)))
    }

    @Test func nanIsLeftOutOfTheMean() {
        var filter = SlidingAverageFilter(size: 3, every: 1)
        let out = run(&filter, [2, .nan, 4, .nan, .nan])
        #expect(out[0] == 2)
        #expect(out[1] == 2)
        #expect(out[2] == 3)
        #expect(out[3] == 4)
        #expect(out[4] == 4)
        let allNaN = run(&filter, [.nan])
        #expect(allNaN[0]?.isNaN == true)
    }

    @Test func valuesBelowOneActAsOne() {
        let filter = SlidingAverageFilter(size: 0, every: -2)
        #expect(filter.size == 1)
        #expect(filter.every == 1)
    }
}
