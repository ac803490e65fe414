import Pipeline
import SensorgateCore
import Testing

/// The built-in formulas against published figures; each case names its source.
@Suite("Derived formulas")
struct DerivedFormulaTests {
    struct Example: CustomTestStringConvertible, Sendable {
        var temperature: Double
        var humidity: Double
        var expected: Double
        var testDescription: String { "\(temperature) / \(humidity) → \(expected)" }
    }

    /// Saturation pressure of water in kPa by temperature in °C, as steam tables list
    /// it from IAPWS-IF97 (e.g. Çengel & Boles, "Thermodynamics", Table A-4).
    static let saturationPressures: [(celsius: Double, kilopascals: Double)] = [
        (6, 0.9353), (7, 1.0021), (9, 1.1481), (10, 1.2282), (16, 1.8185), (17, 1.9380),
        (20, 2.3392), (23, 2.8104), (24, 2.9851), (25, 3.1698), (30, 4.2469),
    ]

    static func tablePressure(_ celsius: Double) -> Double? {
        saturationPressures.first { $0.celsius == celsius }?.kilopascals
    }

    /// The dew point from the steam table alone: the temperature whose saturation
    /// pressure is RH × p_sat(T), interpolated between the table's neighbouring rows.
    static func tableDewPoint(temperature: Double, humidity: Double) -> Double? {
        guard let saturated = tablePressure(temperature) else { return nil }
        let vapour = humidity / 100 * saturated
        for (low, high) in zip(saturationPressures, saturationPressures.dropFirst())
        where low.kilopascals <= vapour && vapour <= high.kilopascals && high.celsius - low.celsius == 1 {
            return low.celsius + (vapour - low.kilopascals) / (high.kilopascals - low.kilopascals)
        }
        return nil
    }

    static let dewPoints: [Example] = [
        .init(temperature: 20, humidity: 50, expected: 9.27),
        .init(temperature: 25, humidity: 60, expected: 16.70),
        .init(temperature: 30, humidity: 70, expected: 23.93),
        .init(temperature: 10, humidity: 80, expected: 6.71),
    ]

    @Test(arguments: dewPoints)
    func dewPointMatchesTheSteamTable(_ example: Example) throws {
        let table = try #require(Self.tableDewPoint(temperature: example.temperature, humidity: example.humidity))
        #expect(abs(table - example.expected) < 0.01, "the table gives \(table)")
        let value = try #require(DewPoint.celsius(temperature: example.temperature, relativeHumidity: example.humidity).value)
        #expect(abs(value - table) <= 0.06, "\(value) against the table's \(table)")
    }

    @Test func saturatedAirHasItsOwnTemperatureAsDewPoint() throws {
        for temperature in [-20.0, 0, 15, 35] {
            let value = try #require(DewPoint.celsius(temperature: temperature, relativeHumidity: 100).value)
            #expect(abs(value - temperature) < 1e-9)
        }
    }

    @Test func noDewPointForDryAirAndNeverNaN() {
        #expect(DewPoint.celsius(temperature: 20, relativeHumidity: 0).value == nil)
        #expect(DewPoint.celsius(temperature: 20, relativeHumidity: -3).value == nil)
        #expect(DerivedFormula.dewPoint.evaluate([.infinity, 50]).value == nil)
    }

    /// Saturated water vapour density, the inverse of the saturated vapour's specific
    /// volume in the same steam tables: 206.0, 106.3, 57.76, 32.88, 19.52 m³/kg at 0.01,
    /// 10, 20, 30, 40 °C. The Magnus form is within 0.4 % of the saturation pressure there
    /// (Alduchov & Eskridge 1996), and water vapour is an ideal gas to about 0.1 %.
    static let saturatedDensities: [Example] = [
        .init(temperature: 0.01, humidity: 100, expected: 1000 / 206.0),
        .init(temperature: 10, humidity: 100, expected: 1000 / 106.3),
        .init(temperature: 20, humidity: 100, expected: 1000 / 57.76),
        .init(temperature: 30, humidity: 100, expected: 1000 / 32.88),
        .init(temperature: 40, humidity: 100, expected: 1000 / 19.52),
    ]

    @Test(arguments: saturatedDensities)
    func absoluteHumidityOfSaturatedAirMatchesTheSteamTable(_ example: Example) throws {
        let value = try #require(AbsoluteHumidity.gramsPerCubicMetre(temperature: example.temperature,
                                                                      relativeHumidity: example.humidity).value)
        #expect(abs(value - example.expected) / example.expected <= 0.005, "\(value)")
    }

    @Test func absoluteHumidityScalesWithRelativeHumidity() throws {
        let full = try #require(AbsoluteHumidity.gramsPerCubicMetre(temperature: 20, relativeHumidity: 100).value)
        let half = try #require(AbsoluteHumidity.gramsPerCubicMetre(temperature: 20, relativeHumidity: 50).value)
        #expect(abs(half - full / 2) < 1e-9)
        #expect(AbsoluteHumidity.gramsPerCubicMetre(temperature: 20, relativeHumidity: 0).value == 0)
    }

    /// U.S. Standard Atmosphere 1976 (identical to the ICAO standard atmosphere below
    /// 32 km): 954.61 hPa at 500 m, 898.76 hPa at 1,000 m, 794.95 hPa at 2,000 m; each
    /// reduces to the standard sea-level pressure, 1013.25 hPa.
    @Test func seaLevelPressureReducesTheStandardAtmosphereToItsSeaLevelValue() throws {
        let table: [(altitude: Double, pressure: Double)] = [(500, 954.61), (1_000, 898.76), (2_000, 794.95)]
        for row in table {
            let value = try #require(SeaLevelPressure.hectopascals(pressure: row.pressure, altitude: row.altitude).value)
            #expect(abs(value - 1013.25) <= 0.1, "\(row.altitude) m: \(value)")
        }
    }

    @Test func seaLevelPressureAtSeaLevelIsThePressureAndBelowItIsLower() throws {
        #expect(SeaLevelPressure.hectopascals(pressure: 1000, altitude: 0).value == 1000)
        let below = try #require(SeaLevelPressure.hectopascals(pressure: 1000, altitude: -400).value)
        #expect(below < 1000)
        #expect(SeaLevelPressure.hectopascals(pressure: 0, altitude: 100).value == nil)
        #expect(DerivedFormula.seaLevelPressure(altitude: 420).evaluate([1000]).value
            == SeaLevelPressure.hectopascals(pressure: 1000, altitude: 420).value)
    }

    /// The NWS heat index chart (https://www.weather.gov/safety/heat-index), in °F to
    /// the nearest degree: 80 °F/40 % → 80, 90 °F/70 % → 106, 100 °F/50 % → 118,
    /// 86 °F/90 % → 105 (the last one takes the high-humidity adjustment).
    static let heatIndexChart: [Example] = [
        .init(temperature: 80, humidity: 40, expected: 80),
        .init(temperature: 90, humidity: 70, expected: 106),
        .init(temperature: 100, humidity: 50, expected: 118),
        .init(temperature: 86, humidity: 90, expected: 105),
    ]

    @Test(arguments: heatIndexChart)
    func heatIndexMatchesTheNWSChart(_ example: Example) {
        let value = HeatIndex.fahrenheitIndex(fahrenheit: example.temperature, relativeHumidity: example.humidity)
        #expect(abs(value - example.expected) <= 0.5, "\(value)")
    }

    /// The NWS page's adjustments: at 95 °F and 5 % the regression (90.177 °F, its nine
    /// terms summed) loses `((13 − 5)/4)·sqrt((17 − 0)/17) = 2 °F`; at 86 °F and 90 % it
    /// gains `((90 − 85)/10)·((87 − 86)/5) = 0.1 °F` over the regression's 105.294 °F.
    @Test func heatIndexAppliesTheLowAndHighHumidityAdjustments() {
        #expect(abs(HeatIndex.fahrenheitIndex(fahrenheit: 95, relativeHumidity: 5) - (90.1768 - 2)) < 0.001)
        #expect(abs(HeatIndex.fahrenheitIndex(fahrenheit: 86, relativeHumidity: 90) - (105.2944 + 0.1)) < 0.001)
    }

    @Test func heatIndexInCelsiusIsTheFahrenheitAlgorithmConverted() throws {
        // 90 °F = 32.2 °C; 105.92 °F = 41.07 °C.
        let value = try #require(HeatIndex.celsius(temperature: (90.0 - 32) * 5 / 9, relativeHumidity: 70).value)
        #expect(abs(value - (105.9220 - 32) * 5 / 9) < 0.001)
        // Cool air: Steadman's simple formula, close to the temperature.
        let cool = try #require(HeatIndex.celsius(temperature: 15, relativeHumidity: 50).value)
        #expect(abs(cool - 15) < 2)
    }

    @Test func builtInsKnowTheirUnitsAndDeviceClasses() {
        #expect(DerivedFormula.dewPoint.unit == "°C")
        #expect(DerivedFormula.absoluteHumidity.unit == "g/m³")
        #expect(DerivedFormula.seaLevelPressure(altitude: 0).unit == "hPa")
        #expect(DerivedFormula.heatIndex.deviceClass == "temperature")
        #expect(DerivedFormula.expression(.number(1)).unit == nil)
    }
}
