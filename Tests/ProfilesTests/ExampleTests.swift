import Foundation
import Profiles
import SensorgateCore
import Testing

/// Every file in `DeviceProfiles/examples/` must validate; demo.yaml is the README's
/// quick start and the integration tests' profile, so its content is pinned here.
@Suite("Example profiles")
struct ExampleTests {
    @Test("validates", arguments: Fixtures.exampleNames)
    func validates(_ name: String) throws {
        let path = Fixtures.examples.appendingPathComponent(name).path
        let profile = try ProfileLoader.load(path: path)
        #expect(profile.path == path)
    }

    @Test("the expected examples exist")
    func examplesExist() {
        let names = Set(Fixtures.exampleNames)
        for name in ["demo.yaml", "demo.json", "weather-station.yaml", "minimal.yaml", "flow-meter.yaml"] {
            #expect(names.contains(name), "missing \(name)")
        }
    }

    static func example(_ name: String) throws -> Profile {
        try ProfileLoader.load(path: Fixtures.examples.appendingPathComponent(name).path)
    }

    @Test("demo.yaml is the documented demo")
    func demo() throws {
        let demo = try Self.example("demo.yaml")
        #expect(demo.gateway.id == "demo")
        #expect(demo.mqtt.broker == BrokerURL(host: "127.0.0.1", port: 1883, tls: false))
        #expect(demo.mqtt.qos == .atLeastOnce)
        #expect(demo.mqtt.topicPrefix == "sensorgate/demo")

        #expect(demo.inputs.map(\.id) == ["door", "rain"])
        #expect(demo.inputs[0].gpio == GPIOLineSpec(line: .offset(17), bias: .pullUp, activeLow: true))
        #expect(demo.inputs[0].debounce == .milliseconds(20))
        #expect(demo.inputs[0].count == nil)
        #expect(demo.inputs[1].gpio == GPIOLineSpec(line: .name("GPIO27"), edge: .falling))
        #expect(demo.inputs[1].debounce == .milliseconds(5))
        #expect(demo.inputs[1].count == PulseCountSpec(every: .seconds(10), scale: 0.2794, unit: "mm"))

        let climate = try #require(demo.sensors.first)
        #expect(demo.sensors.count == 1)
        #expect(climate.id == "climate" && climate.driver == "bme280")
        #expect(climate.bus == 1 && climate.address == 0x76 && climate.interval == .seconds(1))
        #expect(climate.channels == [
            ChannelSpec(name: "temperature", filters: [.median(size: 3), .delta(threshold: 0.02)],
                        windows: [WindowSpec(name: "30s", every: .seconds(30), stats: [.mean, .min, .max, .count])]),
            ChannelSpec(name: "humidity", filters: [.slidingAverage(size: 5, every: 1)]),
            ChannelSpec(name: "pressure"),
        ])

        #expect(demo.outputs.map(\.id) == ["fan"])
        #expect(demo.outputs[0].gpio.line == .offset(22))
        #expect(demo.outputs[0].initial == false)

        #expect(demo.simulation.inputs == [
            "door": .square(period: .seconds(4), duty: 0.5, bounce: .milliseconds(3)),
            "rain": .pulses(ratePerSecond: 1, width: .milliseconds(30), bounce: .zero),
        ])
        #expect(demo.simulation.sensors == ["climate": [
            "temperature": .walk(start: 21, step: 0.05, min: nil, max: nil),
            "humidity": .sine(mean: 55, amplitude: 10, period: .seconds(120)),
            "pressure": .walk(start: 1013.25, step: 0.1, min: nil, max: nil),
        ]])
    }

    @Test("demo.yaml and demo.json describe the same gateway")
    func demoJSONMatchesYAML() throws {
        let yaml = try Self.example("demo.yaml")
        let json = try Self.example("demo.json")
        #expect(json.gateway == yaml.gateway)
        #expect(json.mqtt == yaml.mqtt)
        #expect(json.inputs == yaml.inputs)
        #expect(json.sensors == yaml.sensors)
        #expect(json.outputs == yaml.outputs)
        #expect(json.simulation == yaml.simulation)
    }

    @Test("weather-station.yaml runs on a Raspberry Pi 4")
    func weatherStation() throws {
        let station = try Self.example("weather-station.yaml")
        #expect(station.gateway.board == "raspberry-pi-4")
        #expect(station.mqtt.broker.host != "127.0.0.1")
        let rain = try #require(station.inputs.first { $0.id == "rain" })
        #expect(rain.gpio == GPIOLineSpec(line: .name("GPIO6"), bias: .pullUp, edge: .falling))
        #expect(rain.count == PulseCountSpec(every: .seconds(60), scale: 0.2794, unit: "mm"))
        let door = try #require(station.inputs.first { $0.id == "door" })
        #expect(door.gpio == GPIOLineSpec(line: .name("GPIO17"), bias: .pullUp, activeLow: true))
        #expect(door.debounce == .milliseconds(50))
        let sensor = try #require(station.sensors.first)
        #expect(sensor.driver == "bme280" && sensor.bus == 1 && sensor.address == 0x76)
        #expect(sensor.interval == .seconds(30))
        let temperature = try #require(sensor.channels.first { $0.name == "temperature" })
        #expect(temperature.filters.contains { $0.name == "median" })
        #expect(temperature.filters.contains { $0.name == "delta" })
        #expect(temperature.windows.map(\.every) == [.seconds(600)])
    }

    @Test("minimal.yaml is a gateway id and one input")
    func minimal() throws {
        let minimal = try Self.example("minimal.yaml")
        #expect(minimal.inputs.count == 1)
        #expect(minimal.sensors.isEmpty && minimal.outputs.isEmpty)
        #expect(minimal.mqtt.topicPrefix == "sensorgate/\(minimal.gateway.id)")
    }
}
