import Pipeline
import SensorgateCore
import Testing

@Suite("WindowStatisticCatalog")
struct WindowStatisticCatalogTests {
    @Test func namesAreUniqueAndTheNamedOnesAreInTheCatalog() {
        let names = WindowStatisticCatalog.entries.map(\.name)
        #expect(Set(names).count == names.count)
        for statistic in [Statistic.mean, .min, .max, .count, .sum, .first, .last, .stddev, .median] {
            #expect(WindowStatisticCatalog.entry(for: statistic) != nil, "\(statistic.rawValue)")
        }
        #expect(WindowStatisticCatalog.entry(for: Statistic(rawValue: "nope")) == nil)
    }

    @Test func everyStatisticOfOneWindowFromTheCatalog() {
        var window = TumblingWindow(name: "w", every: .seconds(10), statistics: WindowStatisticCatalog.all, utcOffset: 0)
        for (t, v) in [(1, 4.0), (2, 1), (3, 10), (4, 1)] as [(Int64, Double)] { _ = window.add(.at(t, v)) }
        let summary = window.poll(now: .s(10))
        let values = Dictionary(uniqueKeysWithValues: (summary?.statistics ?? []).map { ($0.0.rawValue, $0.1) })
        #expect(values["mean"] == 4 && values["min"] == 1 && values["max"] == 10 && values["count"] == 4)
        #expect(values["sum"] == 16 && values["first"] == 4 && values["last"] == 1 && values["median"] == 2.5)
        // Population: deviations 0, -3, 6, -3: (0 + 9 + 36 + 9) / 4 = 13.5.
        #expect(close(values["stddev"] ?? 0, 13.5.squareRoot()))
    }

    @Test func anEmptyWindowIsZeroForCountAndSumAndNaNOtherwise() {
        for entry in WindowStatisticCatalog.entries {
            let zero = entry.name == "count" || entry.name == "sum"
            #expect(zero ? entry.emptyValue == 0 : entry.emptyValue.isNaN, "\(entry.name)")
        }
    }
}
