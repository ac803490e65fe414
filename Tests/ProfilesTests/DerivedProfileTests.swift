import Pipeline
import Profiles
import SensorgateCore
import Testing

/// `derived:` decoded, and its mistakes reported at their place.
@Suite("Derived profiles")
struct DerivedProfileTests {
    static let header = """
        gateway: { id: d }
        inputs:
          - id: door
            gpio: { line: 17 }
        sensors:
          - id: climate
            driver: bme280
            i2c: { bus: 1 }
          - id: outdoor
            driver: sht3x
            i2c: { bus: 1 }
            channels: { humidity: { enabled: false } }
        derived:

        """

    static func load(_ derived: String) throws(ProfileLoadError) -> Profile {
        try ProfileLoader.load(text: header + derived, path: "d.yaml")
    }

    static func diagnostics(_ derived: String) -> [String] {
        do {
            _ = try load(derived)
            return []
        } catch {
            guard case .invalid(let diagnostics) = error else { return ["\(error)"] }
            return diagnostics.map(\.description)
        }
    }

    @Test func builtInsAndAnExpressionDecode() throws {
        let profile = try Self.load("""
              - id: dew
                dew_point: { temperature: climate.temperature, humidity: climate.humidity }
                filters: [ { delta: 0.1 } ]
                windows: [ { every: 60s, stats: [mean, max] } ]
              - id: msl
                sea_level_pressure: { pressure: climate.pressure, altitude: 420 }
              - id: spread
                expression: "(a - b) * 0.5"
                vars: { a: outdoor.temperature, b: climate.temperature }
                unit: "°C"
            """)
        #expect(profile.derived.count == 3)
        let dew = profile.derived[0]
        #expect(dew.formula == .dewPoint)
        #expect(dew.operands == [ChannelReference(sensor: "climate", channel: "temperature"),
                                 ChannelReference(sensor: "climate", channel: "humidity")])
        #expect(dew.unit == "°C")
        #expect(dew.filters.map(\.name) == ["delta"])
        #expect(dew.windows == [WindowSpec(name: "1m", every: .seconds(60), stats: [.mean, .max])])
        #expect(profile.derived[1].formula == .seaLevelPressure(altitude: 420))
        #expect(profile.derived[1].unit == "hPa")
        let spread = profile.derived[2]
        #expect(spread.formula == .expression(.binary(.multiply, .binary(.subtract, .operand(0), .operand(1)), .number(0.5))))
        #expect(spread.operands.map(\.description) == ["outdoor.temperature", "climate.temperature"])
        #expect(spread.unit == "°C")
    }

    @Test func anExpressionErrorPointsAtItsColumn() {
        // `    expression: "(a - b) * "`: the text starts at column 18, after the quote.
        #expect(Self.diagnostics("""
              - id: spread
                expression: "(a - b) * "
                vars: { a: outdoor.temperature, b: climate.temperature }
            """) == ["d.yaml:15:28: error: derived[0].expression: expected a number, an operand, a function or '(', got the end"])
        #expect(Self.diagnostics("""
              - id: spread
                expression: abs(a - temprature)
                vars: { a: outdoor.temperature, temperature: climate.temperature }
            """) == ["d.yaml:15:25: error: derived[0].expression: unknown operand 'temprature', expected an operand of vars (a, temperature) (did you mean 'temperature'?)"])
    }

    @Test func operandsMustBeEnabledSensorChannelsInTheRightUnit() {
        let messages = Self.diagnostics("""
              - id: a
                dew_point: { temperature: climate.pressure, humidity: clmate.humidity }
              - id: b
                heat_index: { temperature: door.level, humidity: outdoor.humidity }
              - id: c
                absolute_humidity: { temperature: climate.temprature, humidity: climate }
            """)
        #expect(messages == [
            "d.yaml:15:31: error: derived[0].dew_point.temperature: expected a channel in °C, got climate.pressure in hPa",
            "d.yaml:15:59: error: derived[0].dew_point.humidity: unknown sensor 'clmate' in 'clmate.humidity', expected the id of an entry of sensors: (did you mean 'climate'?)",
            "d.yaml:17:32: error: derived[1].heat_index.temperature: 'door' is an input; operands are sensor channels (sensor.channel)",
            "d.yaml:17:54: error: derived[1].heat_index.humidity: outdoor.humidity is disabled (enabled: false); a derived channel needs its operands read",
            "d.yaml:19:39: error: derived[2].absolute_humidity.temperature: unknown channel 'temprature' of sensor 'climate' (driver bme280), expected one of temperature, humidity, pressure (did you mean 'temperature'?)",
            "d.yaml:19:69: error: derived[2].absolute_humidity.humidity: expected a sensor channel such as climate.temperature, got 'climate'",
        ])
    }

    @Test func theFormulaIsExactlyOneAndItsKeysItsOwn() {
        let messages = Self.diagnostics("""
              - id: climate
                dew_point: { temperature: climate.temperature, humidity: climate.humidity }
                heat_index: { temperature: climate.temperature, humidity: climate.humidity }
              - id: e
                sea_level_pressure: { pressure: climate.pressure }
                unit: hPa
              - id: f
                expression: "a + 1"
                vars: { a: climate.temperature, b: climate.humidity }
              - id: g
                dew_piont: 1
            """)
        #expect(messages == [
            "d.yaml:14:5: error: derived[0]: expected one formula, got 2 (dew_point, heat_index)",
            "d.yaml:14:9: error: derived[0].id: duplicate id 'climate', already used by sensors[0] at 6:9",
            "d.yaml:18:25: error: derived[1].sea_level_pressure: missing required key 'altitude'",
            "d.yaml:19:11: error: derived[1].unit: 'unit' belongs to an expression; sea_level_pressure has its own operands and unit",
            "d.yaml:22:11: error: derived[2].vars: operand 'b' is not used in the expression; remove it or use it",
            "d.yaml:23:5: error: derived[3]: missing the formula: one of dew_point, absolute_humidity, sea_level_pressure, heat_index or expression",
            "d.yaml:24:5: error: derived[3]: unknown key 'dew_piont' (did you mean 'dew_point'?)",
        ])
    }

    @Test func aWindowMayNotTakeACommandOrStatusTopic() {
        #expect(Self.diagnostics("""
              - id: dew
                dew_point: { temperature: climate.temperature, humidity: climate.humidity }
                windows: [ { name: set, every: 1m, stats: [mean] } ]
            """) == ["d.yaml:16:14: error: derived[0].windows: a derived channel's window may not be named 'set': <prefix>/<id>/set is a topic the gateway reads or publishes; give it another name"])
    }

    @Test func aDerivedChannelIsNotSimulatedAndAltitudeIsBounded() {
        let messages = Self.diagnostics("""
              - id: msl
                sea_level_pressure: { pressure: climate.pressure, altitude: 12000 }
            simulation:
              msl: { sine: { mean: 1, amplitude: 1, period: 1m } }
            """)
        #expect(messages.count == 2, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("d.yaml:15:65: error: derived[0].sea_level_pressure.altitude: expected an altitude in metres from -500 to 9000") }, "\(messages)")
        #expect(messages.contains { $0.contains("'msl' is a derived channel; it follows its operands and is not simulated") })
    }
}
