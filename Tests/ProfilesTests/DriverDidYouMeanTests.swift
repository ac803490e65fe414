import Testing
import Profiles

/// A misspelt or family-member `driver:` gets the catalog's name as a suggestion.
@Suite("DidYouMean for driver names")
struct DriverDidYouMeanTests {
    /// The diagnostics of a profile with one sensor of driver `name`.
    static func diagnostics(driver name: String) -> [Diagnostic] {
        let yaml = """
            gateway: { id: t }
            sensors:
              - id: s
                driver: \(name)
                i2c: { bus: 1 }
            """
        do {
            _ = try ProfileLoader.load(text: yaml, path: "t.yaml")
            return []
        } catch {
            guard case .invalid(let diagnostics) = error else { return [] }
            return diagnostics
        }
    }

    @Test("a part number of a family, a hyphen or capitals suggest the driver", arguments: [
        ("sht31", "sht3x"), ("sht35", "sht3x"), ("SHT-31", "sht3x"), ("bme-280", "bme280"), ("BME280", "bme280"),
        ("bmp_280", "bmp280"), ("scd41", "scd4x"), ("scd40", "scd4x"), ("mcp9809", "mcp9808"), ("htu21", "htu21d"),
    ])
    func suggestion(written: String, suggested: String) throws {
        let diagnostics = Self.diagnostics(driver: written)
        let diagnostic = try #require(diagnostics.first, "'\(written)' was accepted")
        #expect(diagnostics.count == 1)
        #expect(diagnostic.line == 4 && diagnostic.column == 13)
        #expect(diagnostic.message == "sensors[0].driver: expected a driver that `sensorgate drivers` lists, got '\(written)' (did you mean '\(suggested)'?)")
    }

    @Test("a name far from every driver gets no suggestion", arguments: ["ds18b20", "thermometer", "x"])
    func noSuggestion(written: String) throws {
        let diagnostic = try #require(Self.diagnostics(driver: written).first)
        #expect(diagnostic.message.hasSuffix("got '\(written)'"), "\(diagnostic.message)")
    }

    @Test("the suggestion itself: closest within a third of the length, separators and case ignored")
    func directly() {
        let drivers = ["bme280", "bmp280", "sht3x", "sht4x", "scd4x"]
        #expect(DidYouMean.suggestion(for: "sht31", among: drivers) == "sht3x")
        #expect(DidYouMean.suggestion(for: "sht41", among: drivers) == "sht4x")
        #expect(DidYouMean.suggestion(for: "Bmp-280", among: drivers) == "bmp280")
        #expect(DidYouMean.suggestion(for: "bme2800", among: drivers) == "bme280")
        #expect(DidYouMean.suggestion(for: "lm75", among: drivers) == nil)
    }
}
