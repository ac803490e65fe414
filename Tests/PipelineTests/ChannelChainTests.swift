import Pipeline
import SensorgateCore
import Testing

/// What a chain emitted, in order.
enum ChainOutput: Equatable {
    case state(Double)
    case window(WindowSummary)
}

extension ChannelChain {
    mutating func feed(_ readings: [Reading]) -> [ChainOutput] {
        var out: [ChainOutput] = []
        for reading in readings {
            process(reading, state: { out.append(.state($0.value)) }, window: { out.append(.window($0)) })
        }
        return out
    }
}

@Suite("ChannelChain")
struct ChannelChainTests {
    @Test func filtersShapeTheStateWhileWindowsSeeRawReadings() {
        var chain = ChannelChain(filters: [MedianFilter(size: 3), DeltaFilter(threshold: 0.5)],
                                 windows: [TumblingWindow(name: "1m", every: .seconds(60),
                                                          statistics: [.min, .max, .count], utcOffset: 0)])
        let out = chain.feed([.at(0, 20), .at(5, 20.1), .at(10, 100), .at(15, 20.2), .at(20, 21), .at(25, 21.2)])
        // Medians: 20, 20.05, 20.1, 20.2, 21, 21; delta 0.5 passes 20 and 21.
        #expect(out == [.state(20), .state(21)])
        var summaries: [WindowSummary] = []
        chain.poll(now: .s(60)) { summaries.append($0) }
        // The spike the median removed is still the window's max; every read counts.
        #expect(summaries == [WindowSummary(name: "1m", start: .s(0), end: .s(60),
                                            statistics: [(.min, 20), (.max, 100), (.count, 6)])])
    }

    @Test func aWindowClosedByAReadingComesBeforeThatReadingsState() {
        var chain = ChannelChain(filters: [],
                                 windows: [TumblingWindow(name: "10s", every: .seconds(10), statistics: [.mean],
                                                          utcOffset: 0)])
        let out = chain.feed([.at(1, 1), .at(2, 3), .at(12, 5)])
        #expect(out == [.state(1), .state(3),
                        .window(WindowSummary(name: "10s", start: .s(0), end: .s(10), statistics: [(.mean, 2)])),
                        .state(5)])
    }

    @Test func theChainStopsAtTheFirstFilterThatDrops() {
        var chain = ChannelChain(filters: [DeltaFilter(threshold: 1), ScaleFilter(factor: 10)], windows: [])
        let out = chain.feed([.at(0, 1), .at(1, 1.5), .at(2, 2.5)])
        #expect(out == [.state(10), .state(25)])
        #expect(chain.filter(.at(3, 2.6)) == nil)
        #expect(chain.filter(.at(4, 4)) == Reading(value: 40, timestamp: .s(4)))
    }

    @Test func deadlineIsTheEarliestOpenWindowEnd() {
        var chain = ChannelChain(filters: [], windows: [
            TumblingWindow(name: "1m", every: .seconds(60), statistics: [.count], utcOffset: 0),
            TumblingWindow(name: "10s", every: .seconds(10), statistics: [.count], utcOffset: 0),
        ])
        #expect(chain.deadline == nil)
        _ = chain.feed([.at(5, 1)])
        #expect(chain.deadline == .s(10))
        var closed: [String] = []
        chain.poll(now: .s(10)) { closed.append($0.name) }
        #expect(closed == ["10s"])
        #expect(chain.deadline == .s(60))
        chain.poll(now: .s(59)) { closed.append($0.name) }
        #expect(closed == ["10s"])
        chain.poll(now: .s(60)) { closed.append($0.name) }
        #expect(closed == ["10s", "1m"])
        #expect(chain.deadline == nil)
    }

    @Test func nanReachesTheFiltersButNoWindow() {
        var chain = ChannelChain(filters: [],
                                 windows: [TumblingWindow(name: "w", every: .seconds(10), statistics: [.count],
                                                          utcOffset: 0)])
        var states: [Double] = []
        chain.process(.at(1, .nan), state: { states.append($0.value) }, window: { _ in })
        #expect(states.count == 1 && states[0].isNaN)
        #expect(chain.deadline == nil)
    }

    @Test func setUTCOffsetRealignsEveryWindow() {
        var chain = ChannelChain(filters: [], windows: [
            TumblingWindow(name: "a", every: .seconds(10), statistics: [.count], utcOffset: 0),
            TumblingWindow(name: "b", every: .seconds(20), statistics: [.count], utcOffset: 0),
        ])
        chain.setUTCOffset(5 * second)
        _ = chain.feed([.at(1, 1)])
        #expect(chain.deadline == .s(5))  // UTC 6s is in [0s, 10s) UTC = [-5s, 5s) monotonic
        var ends: [Timestamp] = []
        chain.poll(now: .s(15)) { ends.append($0.end) }
        #expect(ends == [.s(5), .s(15)])
    }

    @Test func copiesOfAChainAreIndependent() {
        var original = ChannelChain(filters: [SlidingAverageFilter(size: 3, every: 1)],
                                    windows: [TumblingWindow(name: "w", every: .seconds(10), statistics: [.sum],
                                                             utcOffset: 0)])
        _ = original.feed([.at(0, 3)])
        var copy = original
        #expect(copy.feed([.at(1, 6)]) == [.state(4.5)])
        #expect(original.feed([.at(1, 9)]) == [.state(6)])
        var sums: [Double] = []
        original.poll(now: .s(10)) { sums.append($0.statistics[0].1) }
        copy.poll(now: .s(10)) { sums.append($0.statistics[0].1) }
        #expect(sums == [12, 9])
    }
}
