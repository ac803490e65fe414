import Pipeline
import SensorgateCore
import Testing

@Suite("FilterCatalog")
struct FilterCatalogTests {
    @Test func namesAreUniqueAndEveryShorthandIsADeclaredSetting() {
        #expect(Set(FilterCatalog.names).count == FilterCatalog.entries.count)
        for entry in FilterCatalog.entries {
            if let shorthand = entry.syntax.shorthand {
                #expect(entry.syntax.parameter(named: shorthand) != nil, "\(entry.name)")
            }
            #expect(entry.syntax.example.contains(entry.name), "\(entry.name)")
        }
    }

    @Test func theCatalogMakesTheNamedFilterFromItsSettings() {
        var median = FilterCatalog.make(.median(size: 3))
        #expect(median is MedianFilter)
        #expect(median?.process(.at(0, 4))?.value == 4)
        #expect(FilterCatalog.make(FilterConfiguration("no_such_filter")) == nil)
        let or = FilterCatalog.make(FilterConfiguration("or", FilterSettings([
            "filters": .filters([.delta(threshold: 1), FilterConfiguration("throttle", FilterSettings(["period": .duration(.seconds(5))]))]),
        ])))
        #expect(or is OrFilter)
    }

    @Test func publishingPeriodFollowsTheChain() {
        let input = Interval.seconds(10)
        #expect(FilterCatalog.publishingPeriod(of: [.median(size: 3)], input: input) == input)
        #expect(FilterCatalog.publishingPeriod(of: [.slidingAverage(size: 6, every: 3)], input: input) == .seconds(30))
        #expect(FilterCatalog.publishingPeriod(of: [.delta(threshold: 1)], input: input) == nil)
        let heartbeat = FilterConfiguration("heartbeat", FilterSettings(["period": .duration(.seconds(300))]))
        #expect(FilterCatalog.publishingPeriod(of: [.delta(threshold: 1), heartbeat], input: input) == .seconds(300))
        let throttle = FilterConfiguration("throttle", FilterSettings(["period": .duration(.seconds(25))]))
        #expect(FilterCatalog.publishingPeriod(of: [throttle], input: input) == .seconds(30))
    }
}
