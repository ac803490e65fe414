import Pipeline
import Profiles
import SensorgateCore
import Testing

/// `filters:` decoded against each filter's declared syntax, and `count.rate:`.
@Suite("Filter decoding")
struct FilterDecodingTests {
    static func filters(_ list: String) throws -> [FilterSpec] {
        let text = """
            gateway: { id: f }
            sensors:
              - id: s
                driver: bme280
                i2c: { bus: 1 }
                channels: { temperature: { filters: \(list) } }
            """
        let profile = try ProfileLoader.load(text: text, path: "f.yaml")
        return try #require(profile.sensors.first?.channels.first { $0.name == "temperature" }).filters
    }

    static func diagnostics(_ text: String) -> [String] {
        do {
            _ = try ProfileLoader.load(text: text, path: "f.yaml")
            return []
        } catch {
            guard case .invalid(let diagnostics) = error else { return ["\(error)"] }
            return diagnostics.map(\.description)
        }
    }

    @Test func theShortFormAndTheMappingAreTheSameFilterWithDefaultsFilledIn() throws {
        let short = try Self.filters("[ { min: 5 }, { timeout: 1m }, { filter_out: 85 } ]")
        let long = try Self.filters("[ { min: { size: 5, every: 1 } }, { timeout: { after: 1m, value: unavailable } }, { filter_out: [85] } ]")
        #expect(short == long)
        #expect(short[0] == FilterSpec("min", FilterSettings(["size": .integer(5), "every": .integer(1)])))
        #expect(short[1].settings.duration("after") == .seconds(60))
        #expect(short[1].settings.choice("value") == "unavailable")
    }

    @Test func nestedFiltersAndPointsAndNaN() throws {
        let decoded = try Self.filters("""
            [ { or: [ { delta: { percent: 5 } }, { throttle: 10m } ] },
              { calibrate_linear: [[0, 1], [10, 21.5]] }, { filter_out: [nan, 0] } ]
            """)
        let inner = try #require(decoded[0].settings.filters("filters"))
        #expect(inner.map(\.name) == ["delta", "throttle"])
        #expect(inner[0].settings.number("percent") == 5)
        #expect(decoded[1].settings.points("points") == [FilterPoint(0, 1), FilterPoint(10, 21.5)])
        let values = try #require(decoded[2].settings.numbers("values"))
        #expect(values.count == 2 && values[0].isNaN && values[1] == 0)
        // Every decoded entry makes its filter.
        for spec in decoded { #expect(FilterCatalog.make(spec) != nil) }
    }

    @Test func aRateTakesItsUnitAndDecimalsFromTheCountAndItsUnit() throws {
        func rate(_ text: String) throws -> PulseRateSpec? {
            try ProfileLoader.load(text: """
                gateway: { id: r }
                inputs:
                  - id: flow
                    gpio: { line: 22, edge: rising }
                    count: \(text)
                """, path: "r.yaml").inputs.first?.count?.rate
        }
        #expect(try rate("{ every: 10s, unit: L, rate: { per: 1m } }") == PulseRateSpec(per: .seconds(60), unit: "L/min", decimals: 2))
        #expect(try rate("{ every: 10s, rate: {} }") == PulseRateSpec(per: .seconds(1), unit: "pulses/s", decimals: 3))
        #expect(try rate("{ every: 10s, unit: mm, rate: { per: 1h } }")?.decimals == 1)
        #expect(try rate("{ every: 10s, rate: { per: 1m, unit: rpm } }")?.decimals == 0)
        #expect(try rate("{ every: 10s, rate: { per: 1m, unit: rpm, round: 2 } }")?.decimals == 2)
        #expect(try rate("{ every: 10s }") == nil)
        let bad = Self.diagnostics("""
            gateway: { id: r }
            inputs:
              - id: flow
                gpio: { line: 22, edge: rising }
                count: { every: 10s, rate: { pre: 1m } }
            """)
        #expect(bad == ["f.yaml:5:34: error: inputs[0].count.rate: unknown key 'pre' (did you mean 'per'?)"])
    }
}
