import Pipeline
import Foundation
import Profiles
import SensorgateCore
import Testing

@Suite("Valid profiles")
struct ValidFixtureTests {
    static func load(_ name: String) throws -> Profile {
        try ProfileLoader.load(text: Fixtures.text(Fixtures.valid.appendingPathComponent(name)), path: name)
    }

    @Test("defaults are applied where keys are left out")
    func defaults() throws {
        let profile = try Self.load("defaults.yaml")
        #expect(profile.path == "defaults.yaml")
        #expect(profile.gateway.id == "defaults")
        #expect(profile.gateway.board == nil)
        #expect(profile.gateway.stateDirectory == "/var/lib/sensorgate")

        let mqtt = profile.mqtt
        #expect(mqtt.broker == BrokerURL(host: "127.0.0.1", port: 1883, tls: false))
        #expect(mqtt.clientID == "defaults")
        #expect(mqtt.topicPrefix == "sensorgate/defaults")
        #expect(mqtt.qos == .atLeastOnce)
        #expect(mqtt.retain == false)
        #expect(mqtt.keepalive == .seconds(30))
        #expect(mqtt.username == nil && mqtt.passwordFile == nil && mqtt.tls == nil)
        #expect(mqtt.maxBuffered == 10_000)
        #expect(mqtt.outbox == nil && mqtt.homeAssistant == nil)

        let input = try #require(profile.inputs.first)
        #expect(input.id == "button")
        #expect(input.gpio == GPIOLineSpec(chip: nil, line: .offset(4), bias: .asIs, activeLow: false, edge: .both))
        #expect(input.debounce == .milliseconds(20))
        #expect(input.count == nil && input.payloadOn == nil && input.payloadOff == nil)
        #expect(input.qos == nil && input.retain == nil)

        let sensor = try #require(profile.sensors.first)
        #expect(sensor.driver == "bme280")
        #expect(sensor.bus == 1)
        #expect(sensor.address == 0x76)
        #expect(sensor.interval == .seconds(5))
        #expect(sensor.offlineAfter == 3)
        #expect(sensor.channels == [ChannelSpec(name: "temperature"), ChannelSpec(name: "humidity"),
                                    ChannelSpec(name: "pressure")])

        let output = try #require(profile.outputs.first)
        #expect(output.gpio.line == .offset(5))
        #expect(output.initial == false && output.safe == false)

        #expect(profile.simulation.inputs.isEmpty && profile.simulation.sensors.isEmpty && profile.simulation.outages.isEmpty)
        #expect(profile.simulation.seed == 1)
    }

    @Test("every key, set away from its default, is decoded")
    func full() throws {
        let profile = try Self.load("full.yaml")
        #expect(profile.gateway.id == "greenhouse-1")
        #expect(profile.gateway.board == "raspberry-pi-5")
        #expect(profile.gateway.stateDirectory == "/srv/sensorgate")

        let mqtt = profile.mqtt
        #expect(mqtt.broker == BrokerURL(host: "broker.example", port: 8884, tls: true))
        #expect(mqtt.clientID == "gh1")
        #expect(mqtt.topicPrefix == "farm/greenhouse-1")
        #expect(mqtt.qos == .exactlyOnce)
        #expect(mqtt.retain == true)
        #expect(mqtt.keepalive == .seconds(120))
        #expect(mqtt.username == "gw")
        #expect(mqtt.passwordFile == "/etc/sensorgate/mqtt.pass")
        #expect(mqtt.tls == TLSSettings(caFile: "ca.pem", certFile: "gw.pem", keyFile: "gw.key"))
        #expect(mqtt.maxBuffered == 500)
        #expect(mqtt.outbox == OutboxSettings(path: "/srv/sensorgate/outbox", maxMessages: 2000))
        #expect(mqtt.homeAssistant == HomeAssistantSettings(discovery: true, prefix: "ha"))

        #expect(profile.inputs.map(\.id) == ["door", "rain"])
        let door = profile.inputs[0]
        #expect(door.gpio == GPIOLineSpec(chip: "pinctrl-rp1", line: .name("GPIO17"), bias: .pullDown,
                                          activeLow: true, edge: .rising))
        #expect(door.debounce == .zero)
        #expect(door.payloadOn == "OPEN" && door.payloadOff == "CLOSED")
        #expect(door.qos == .atMostOnce && door.retain == true)
        let rain = profile.inputs[1]
        #expect(rain.gpio == GPIOLineSpec(chip: "/dev/gpiochip4", line: .offset(6), bias: .disabled, edge: .falling))
        #expect(rain.debounce == .microseconds(1500))
        #expect(rain.count == PulseCountSpec(every: .seconds(3600), scale: 0.2794, unit: "mm"))

        let air = try #require(profile.sensors.first)
        #expect(air.bus == 3 && air.address == 0x77)
        #expect(air.interval == .milliseconds(250))
        #expect(air.qos == .atLeastOnce && air.retain == false)
        #expect(air.offlineAfter == 100)
        // As written, then the driver's remaining channels.
        #expect(air.channels.map(\.name) == ["pressure", "temperature", "humidity"])
        #expect(air.channels[0] == ChannelSpec(name: "pressure", enabled: false))
        #expect(air.channels[1].filters == [.median(size: 101), .delta(threshold: 0.25),
                                            .slidingAverage(size: 1000, every: 1000)])
        #expect(air.channels[1].windows == [
            WindowSpec(name: "hourly", every: .seconds(3600),
                       stats: WindowStatisticCatalog.all + [.percentile(95), .percentile(99.9)]),
            WindowSpec(name: "30s", every: .seconds(30), stats: [.last]),
        ])
        #expect(air.channels[2] == ChannelSpec(name: "humidity"))

        let pump = try #require(profile.outputs.first)
        #expect(pump.gpio == GPIOLineSpec(chip: "1", line: .name("pump_relay"), activeLow: false))
        #expect(pump.initial == true && pump.safe == false)

        let simulation = profile.simulation
        #expect(simulation.seed == 42)
        #expect(simulation.inputs["door"] == .square(period: .milliseconds(1500), duty: 0.25, bounce: .milliseconds(2)))
        #expect(simulation.inputs["rain"] == .pulses(ratePerSecond: 0.5, width: .milliseconds(20), bounce: .milliseconds(1)))
        #expect(simulation.sensors["air"]?["temperature"] == .walk(start: 20, step: 0.5, min: 10, max: 30))
        #expect(simulation.sensors["air"]?["humidity"] == .constant(61.5))
        #expect(simulation.sensors["air"]?["pressure"] == .sine(mean: 1000, amplitude: 0, period: .seconds(86_400)))
        #expect(simulation.sensors["air"]?["fail"] == nil, "an outage is not a channel")
        #expect(simulation.outages == ["air": OutageSpec(from: .zero, duration: .milliseconds(1500))])
    }

    @Test("the JSON form of a profile decodes to the same profile as the YAML form")
    func jsonMatchesYAML() throws {
        var yaml = try Self.load("full.yaml")
        var json = try Self.load("full.json")
        #expect(json.path == "full.json")
        yaml.path = ""
        json.path = ""
        #expect(yaml == json)
    }

    @Test("anchors, aliases and merge keys; keys next to a merge win")
    func anchors() throws {
        let profile = try Self.load("anchors.yaml")
        #expect(profile.inputs.map(\.gpio) == [
            GPIOLineSpec(line: .offset(17), bias: .pullUp, activeLow: true),
            GPIOLineSpec(line: .offset(18), bias: .pullUp, activeLow: true),
        ])
        #expect(profile.inputs.map(\.debounce) == [.milliseconds(50), .milliseconds(50)])
    }

    @Test("quoted numbers, yes/no in any case, empty values and spaced durations are accepted")
    func lenient() throws {
        let profile = try Self.load("lenient.yaml")
        #expect(profile.gateway.id == "lenient")
        #expect(profile.gateway.stateDirectory == "/var/lib/sensorgate")
        #expect(profile.mqtt.qos == .atMostOnce)
        #expect(profile.mqtt.retain == false)
        #expect(profile.mqtt.keepalive == .seconds(45))
        #expect(profile.inputs[0].gpio == GPIOLineSpec(chip: "gpiochip0", line: .offset(3), activeLow: true))
        #expect(profile.inputs[0].debounce == .microseconds(500))
        #expect(profile.sensors[0].bus == 2 && profile.sensors[0].address == 0x77)
        #expect(profile.sensors[0].channels.map(\.name) == ["humidity", "pressure", "temperature"])
        #expect(profile.sensors[0].channels.allSatisfy { $0.enabled && $0.filters.isEmpty && $0.windows.isEmpty })
        #expect(profile.outputs[0].initial == true && profile.outputs[0].safe == true)
        #expect(profile.simulation.seed == 1)
    }

    @Test("files with other extensions are sniffed; a .yml may use YAML flow style")
    func formats() throws {
        let sniffed = try Self.load("sniffed.profile")
        #expect(sniffed.gateway.id == "sniffed")
        let flow = try Self.load("json-in-yaml.yml")
        #expect(flow.gateway.id == "flow")
        #expect(flow.inputs.map(\.id) == ["door"])
    }

    @Test("board lines as written, and kernel_debounce in whole microseconds, 0s for none, absent by default")
    func boardLines() throws {
        let profile = try Self.load("board-lines.yaml")
        #expect(profile.gateway.board == "raspberry-pi-4")
        let inputs = Dictionary(uniqueKeysWithValues: profile.inputs.map { ($0.id, $0) })
        #expect(inputs["door"]?.gpio == GPIOLineSpec(line: .name("pin11"), kernelDebounce: .milliseconds(5)))
        #expect(inputs["door"]?.debounce == .zero)
        #expect(inputs["button"]?.gpio.kernelDebounce == .microseconds(1500))
        #expect(inputs["button"]?.debounce == .milliseconds(20))
        #expect(inputs["rain"]?.gpio == GPIOLineSpec(line: .offset(22)))
        #expect(inputs["sda"]?.gpio.kernelDebounce == nil)
        #expect(inputs["expander"]?.gpio == GPIOLineSpec(chip: "raspberrypi-exp-gpio", line: .name("pin6")))
        #expect(profile.outputs.map(\.gpio) == [GPIOLineSpec(line: .name("pin40")),
                                               GPIOLineSpec(chip: "pinctrl-bcm2711", line: .name("gpio20"))])
    }
}
