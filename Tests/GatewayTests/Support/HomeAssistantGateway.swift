import Foundation

/// A rich profile for the Home Assistant tests, written at test time with a unique
/// gateway id and discovery prefix: a BME280 publishing both ways with a window, an
/// INA219 (four channels), a BH1750 behind a delta filter, a binary input with an on/off
/// mapping and one without, a pulse counter with its frequency, two GPIO outputs (one
/// with a mapping) and a PWM output.
struct HomeAssistantTestProfile {
    let id: String
    let discoveryPrefix: String
    let directory: URL

    init(_ base: String) {
        id = TestEnvironment.uniqueID(base)
        discoveryPrefix = "ha-" + id
        directory = TestEnvironment.temporaryDirectory()
    }

    var prefix: String { "sensorgate/\(id)" }
    var state: URL { directory.appendingPathComponent("state") }
    var deviceTopic: String { "\(discoveryPrefix)/device/\(id)/config" }

    /// Poll intervals and periods in seconds, by object id: `expire_after` must exceed them.
    static let periods: [String: Double] = [
        "climate_temperature": 0.5, "climate_humidity": 0.5, "climate_pressure": 0.5, "climate_temperature_2s": 2,
        "power_bus_voltage": 1, "power_shunt_voltage": 1, "power_current": 1, "power_power": 1,
        "rain": 2, "rain_frequency": 2,
    ]

    /// Every entity the full profile announces.
    static let objectIDs: Set<String> = [
        "climate_temperature", "climate_humidity", "climate_pressure", "climate_temperature_2s",
        "power_bus_voltage", "power_shunt_voltage", "power_current", "power_power", "light_illuminance",
        "door", "button", "rain", "rain_frequency", "fan", "pump", "lamp",
    ]

    /// The profile's text; `reduced` leaves out the `power` sensor and the `pump` output,
    /// `withoutLight` the `light` sensor.
    func text(mode: String, reduced: Bool = false, withoutLight: Bool = false) -> String {
        var sensors = """
          - id: climate
            driver: bme280
            i2c: { bus: 1, address: 0x76 }
            interval: 500ms
            publish: both
            channels:
              temperature:
                windows: [ { name: 2s, every: 2s, stats: [mean, max] } ]

        """
        if !reduced {
            sensors += """
              - id: power
                driver: ina219
                i2c: { bus: 1, address: 0x41 }
                interval: 1s
                options: { shunt_ohms: 0.1, max_current: 2, bus_range: 16V }

            """
        }
        if !withoutLight {
            sensors += """
              - id: light
                driver: bh1750
                i2c: { bus: 1, address: 0x23 }
                interval: 1s
                channels:
                  illuminance: { filters: [ { delta: 0.5 } ] }

            """
        }
        let pump = reduced ? "" : "  - id: pump\n    gpio: { line: 23 }\n"
        return """
        gateway:
          id: \(id)
        mqtt:
          home_assistant: { discovery: true, prefix: \(discoveryPrefix), mode: \(mode) }
        expanders:
          - { id: pwm, driver: pca9685, i2c: { bus: 1, address: 0x40 }, frequency: 1000 }
        inputs:
          - id: door
            gpio: { line: 17, bias: pull-up, active_low: true }
            payload: { on: open, off: closed }
          - id: button
            gpio: { line: 18 }
          - id: rain
            gpio: { line: 27, edge: falling }
            debounce: 5ms
            count: { every: 2s, scale: 0.2794, unit: mm }
            frequency: { every: 2s }
        sensors:
        \(sensors)
        outputs:
          - id: fan
            gpio: { line: 22 }
            payload: { on: running, off: stopped }
        \(pump)  - id: lamp
            pwm: { expander: pwm, channel: 0 }
        simulation:
          door: { square: { period: 1s, duty: 0.5 } }
          button: { square: { period: 1s, duty: 0.5 } }
          rain: { pulses: { rate: 5/s, width: 20ms } }
          climate:
            temperature: { walk: { start: 21, step: 0.05 } }
            humidity: { sine: { mean: 55, amplitude: 10, period: 1m } }
            pressure: { walk: { start: 1013.25, step: 0.1 } }
        \(withoutLight ? "" : "  light: { illuminance: { sine: { mean: 300, amplitude: 200, period: 10s } } }\n")
        \(reduced ? "" : "  power:\n    shunt_voltage: { sine: { mean: 80, amplitude: 60, period: 1m } }\n    bus_voltage: { walk: { start: 12, step: 0.01, min: 11.5, max: 12.5 } }\n")
        """
    }

    /// Writes the profile and returns its path.
    func write(mode: String, reduced: Bool = false, withoutLight: Bool = false) throws -> URL {
        let url = directory.appendingPathComponent("\(id)-\(mode)\(reduced ? "-reduced" : "")\(withoutLight ? "-nolight" : "").yaml")
        try text(mode: mode, reduced: reduced, withoutLight: withoutLight).write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}

extension ReceivedMessage {
    /// The payload as any JSON value.
    var jsonValue: Any? { try? JSONSerialization.jsonObject(with: Data(payload.utf8)) }
}
