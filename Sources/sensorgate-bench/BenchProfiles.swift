/// The device profiles the bench runs the gateway binary on.
enum BenchProfiles {
    /// One input on line 5 without debounce, QoS 0, driven by a 2 ms square wave:
    /// 1,000 edges (and so 1,000 messages) a second.
    static func latency(id: String) -> String {
        """
        # sensorgate-bench: end-to-end latency at 1k events/s
        gateway:
          id: \(id)
        mqtt:
          qos: 0
        inputs:
          - id: edge
            gpio: { line: 5 }
            debounce: 0s
        simulation:
          edge: { square: { period: 2ms } }

        """
    }

    /// One gateway of the fleet measurement: one input on line 5 without debounce, driven by
    /// a square wave of `period` milliseconds (two edges, so two QoS 1 messages, a period),
    /// through the durable outbox with its defaults.
    static func fleetMember(id: String, periodMilliseconds: Int) -> String {
        """
        # sensorgate-bench: one of the fleet's gateways, \(2_000 / periodMilliseconds) readings/s at QoS 1 through the outbox
        gateway:
          id: \(id)
        mqtt:
          qos: 1
          outbox: { sync: 1s }
        inputs:
          - id: edge
            gpio: { line: 5 }
            debounce: 0s
        simulation:
          edge: { square: { period: \(periodMilliseconds)ms } }

        """
    }

    /// The GPIO lines of the fleet profile's inputs (all distinct, all on gpiochip0).
    static let inputLines = [4, 5, 6, 12, 13, 16, 17, 27]

    /// `sensors` BME280s at 1 Hz, two per bus (0x76 and 0x77) on buses 1, 3, 4, 5, ...,
    /// and `inputs` GPIO inputs (at most 8) with no simulated signal, so no edges.
    static func fleet(id: String, sensors: Int, inputs: Int = 8) -> String {
        var text = """
            # sensorgate-bench: \(sensors) BME280 sensors at 1 Hz and \(inputs) quiet GPIO inputs
            gateway:
              id: \(id)
            inputs:

            """
        for (index, line) in inputLines.prefix(inputs).enumerated() {
            text += "  - { id: in\(index + 1), gpio: { line: \(line) } }\n"
        }
        text += "sensors:\n"
        for index in 0..<sensors {
            text += "  - { id: climate\(index + 1), driver: bme280, i2c: { bus: \(bus(forSensor: index)), address: \(index % 2 == 0 ? "0x76" : "0x77") }, interval: 1s }\n"
        }
        return text
    }

    /// Bus 1 for sensors 0 and 1, bus 3 for 2 and 3, then 4, 5, ... (two per bus).
    static func bus(forSensor index: Int) -> Int {
        let pair = index / 2
        return pair == 0 ? 1 : pair + 2
    }

    /// The buses of the scale profile: 1...9.
    static let scaleBuses = 9

    /// `sensors` single-channel declarative parts at 1 Hz (an LM75-style 16-bit
    /// temperature register each), dealt round-robin over buses 1...9 at addresses
    /// 0x08, 0x09, ... (at most 112 a bus: 1,008 in all), each with a random walk to
    /// simulate. No filters: every reading is published.
    static func scale(id: String, sensors: Int) -> String {
        var text = """
            # sensorgate-bench: \(sensors) declarative single-channel sensors at 1 Hz on \(scaleBuses) simulated buses
            gateway:
              id: \(id)
            mqtt:
              qos: 0
            sensors:

            """
        let channel = "{ name: temperature, register: 0x00, width: 16, signed: true, mask: 0xFF80, shift: 7, scale: 0.5, unit: °C }"
        for index in 0..<sensors {
            let address = 0x08 + index / scaleBuses
            text += "  - { id: s\(index + 1), driver: registers, i2c: { bus: \(index % scaleBuses + 1), address: \(address) }, "
                + "interval: 1s, options: { channels: [ \(channel) ] } }\n"
        }
        text += "simulation:\n"
        for index in 0..<sensors {
            text += "  s\(index + 1): { temperature: { walk: { start: 21, step: 0.5, min: 10, max: 40 } } }\n"
        }
        return text
    }
}

