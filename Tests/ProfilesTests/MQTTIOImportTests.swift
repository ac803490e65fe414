import Foundation
@testable import Profiles
import Testing

/// `sensorgate import mqtt-io`: configurations written to mqtt-io's documented schema
/// (Fixtures/mqtt-io) become profiles the validator accepts, with a located note for
/// everything that is converted differently or not at all.
@Suite("mqtt-io import")
struct MQTTIOImportTests {
    static let fixtures = Fixtures.directory.appendingPathComponent("mqtt-io")

    func converted(_ name: String) throws -> (profile: Profile, conversion: MQTTIOImport.Conversion) {
        let path = Self.fixtures.appendingPathComponent(name).path
        let conversion = try MQTTIOImport.convert(path: path)
        let profile = try ProfileLoader.load(text: conversion.profile.yaml, path: "converted.yaml")
        return (profile, conversion)
    }

    func notes(_ conversion: MQTTIOImport.Conversion, containing text: String) -> [MQTTIOImport.Note] {
        conversion.notes.filter { $0.message.contains(text) }
    }

    @Test("Raspberry Pi GPIO: broker, credentials without the password, inputs and outputs with their pulls, inversion, edges and payloads")
    func raspberryPi() throws {
        let (profile, conversion) = try converted("raspberry-pi.yml")
        #expect(profile.gateway.id == "hallway-pi")
        #expect(profile.mqtt.broker.description == "mqtt://broker.lan:1884")
        #expect(profile.mqtt.username == "pi")
        #expect(!conversion.profile.yaml.contains("hunter2"), "the password never reaches the profile")
        let password = try #require(notes(conversion, containing: "password_file").first)
        #expect((password.line, password.column) == (7, 3))
        #expect(profile.mqtt.topicPrefix == "home/hallway")
        #expect(profile.mqtt.homeAssistant?.discovery == true)

        #expect(profile.inputs.map(\.id) == ["doorbell", "hallway_motion"])
        let doorbell = profile.inputs[0]
        #expect(doorbell.gpio.line == .offset(17))
        #expect(doorbell.gpio.bias == .pullUp)
        #expect(doorbell.gpio.activeLow)
        #expect(doorbell.gpio.edge == .falling)
        #expect(doorbell.debounce == .milliseconds(50))
        #expect(doorbell.payloadOn == "RING" && doorbell.payloadOff == "IDLE")
        #expect(profile.inputs[1].gpio.bias == .pullDown)
        #expect(profile.inputs[1].payloadOn == "ON", "mqtt-io's default payloads are kept")
        #expect(!notes(conversion, containing: "becomes the id 'hallway_motion'").isEmpty)

        #expect(profile.outputs.map(\.id) == ["porch_light", "door_strike"])
        #expect(profile.outputs[0].initial == true)
        // Pin high on an inverted output is its off state.
        #expect(profile.outputs[1].gpio.activeLow == true)
        #expect(profile.outputs[1].initial == false)
        #expect(!notes(conversion, containing: "\"pulse\": \"2000ms\"").isEmpty)
        let lines = conversion.notes.map(\.line)
        #expect(lines == lines.sorted(), "notes follow the file")
    }

    @Test("sensors: one sensor per module with the channels its inputs read, rounding, the shortest interval, driver options; modules without a driver are listed")
    func sensors() throws {
        let (profile, conversion) = try converted("sensors.yml")
        #expect(profile.sensors.map(\.id) == ["climate", "light", "battery"])
        let climate = profile.sensors[0]
        #expect(climate.driver == "bme280")
        #expect(climate.bus == 1 && climate.address == 0x76)
        #expect(climate.interval == .seconds(30))
        let yaml = conversion.profile.yaml
        #expect(yaml.contains("pressure:\n        enabled: false"), "\(yaml)")
        #expect(yaml.contains("temperature:\n        filters:\n          - round: 1"), "\(yaml)")
        let battery = profile.sensors[2]
        #expect(battery.address == 0x41)
        #expect(yaml.contains("shunt_ohms: 0.05") && yaml.contains("max_current: 2") && yaml.contains("bus_range: 16V"), "\(yaml)")
        let dht = try #require(notes(conversion, containing: "'dht22' has no Sensorgate driver").first)
        #expect(dht.line == 23)
        #expect(!notes(conversion, containing: "intervals 30 s, 60 s").isEmpty)
    }

    @Test("expanders, libgpiod chips and TLS: expander lines, the chip, mqtts with the CA; unsupported modules and settings are noted")
    func expanders() throws {
        let (profile, conversion) = try converted("expanders.yml")
        #expect(profile.mqtt.broker.description == "mqtts://mqtt.example.org:8883")
        #expect(profile.mqtt.tls?.caFile == "/etc/ssl/certs/example-ca.pem")
        #expect(profile.mqtt.persistentSession)
        #expect(profile.expanders.map(\.id) == ["relays", "panel"])
        #expect(profile.inputs.map(\.id) == ["panel_button", "header_switch"])
        #expect(profile.outputs.map(\.id) == ["relay1", "relay2"])
        for (text, line) in [("MQTT 3.1 is not spoken", 6), ("'piface2' has no Sensorgate driver", 27),
                             ("module 'face' was not converted", 38), ("logging: not converted", 52)] {
            #expect(notes(conversion, containing: text).first?.line == line, "\(text): \(conversion.notes)")
        }
    }

    @Test("not an mqtt-io file: YAML errors and a document that is not a mapping are refused with their place")
    func refused() {
        #expect(throws: ProfileLoadError.self) { try MQTTIOImport.convert(text: "mqtt: [unclosed", file: "bad.yml") }
        do {
            _ = try MQTTIOImport.convert(text: "- just\n- a list\n", file: "list.yml")
            Issue.record("a list was converted")
        } catch {
            #expect("\(error)".contains("list.yml:1:1"), "\(error)")
        }
    }

    @Test("written YAML: words a reader could take for booleans, numbers or null are quoted, the rest plain")
    func quoting() {
        let text = ProfileText.mapping([
            .init("a", .scalar("ON")), .init("b", .scalar("no")), .init("c", .scalar("17")), .init("d", .scalar("with space")),
            .init("e", .scalar("plain_word")), .init("f", .plain("0x76")), .init("g", .scalar("say \"hi\"")),
        ]).yaml
        #expect(text == "a: \"ON\"\nb: \"no\"\nc: \"17\"\nd: \"with space\"\ne: plain_word\nf: 0x76\ng: \"say \\\"hi\\\"\"\n")
    }
}

/// A profile written from mqtt-io habits: the keys mqtt-io names differently get the
/// Sensorgate name at their place.
@Suite("mqtt-io names in a profile")
struct MQTTIONameTests {
    @Test("host, port, user, clean_session and mqtt-io's sections point at their Sensorgate names")
    func pointers() {
        let text = """
            gateway:
              id: habits
            mqtt:
              host: broker.lan
              port: 1883
              user: pi
              clean_session: no
            digital_inputs:
              - name: door
            """
        do {
            _ = try ProfileLoader.load(text: text, path: "habits.yaml")
            Issue.record("accepted")
        } catch {
            guard case .invalid(let diagnostics) = error else { Issue.record("\(error)"); return }
            let lines = diagnostics.map(\.description)
            #expect(lines.contains { $0.hasPrefix("habits.yaml:4:3: error: ") && $0.contains("broker: mqtt://HOST:PORT") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("habits.yaml:5:3: error: ") && $0.contains("broker: mqtt://HOST:PORT") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("habits.yaml:6:3: error: ") && $0.contains("'username'") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("habits.yaml:7:3: error: ") && $0.contains("persistent_session") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("habits.yaml:8:1: error: ") && $0.contains("'inputs'") && $0.contains("sensorgate import mqtt-io") }, "\(lines)")
            #expect(lines.count == 5, "\(lines)")
        }
    }
}
