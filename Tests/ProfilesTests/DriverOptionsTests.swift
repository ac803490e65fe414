import Foundation
@testable import Profiles
import SensorDrivers
import SensorgateCore
import Testing

@Suite("Driver options in profiles")
struct DriverOptionsTests {
    @Test("options are decoded by their declared kind; left-out options take the declared default")
    func decoded() throws {
        let profile = try ProfileLoader.load(
            text: Fixtures.text(Fixtures.valid.appendingPathComponent("driver-options.yaml")), path: "driver-options.yaml")
        let sensors = Dictionary(uniqueKeysWithValues: profile.sensors.map { ($0.id, $0) })
        let set = try #require(sensors["set"]?.options)
        #expect(set.given == ["repeatability": .choice("low"), "heater": .boolean(true)])
        let partly = try #require(sensors["partly"]?.options)
        #expect(partly.given == ["heater": .boolean(false)])
        #expect(partly.choice(SHT3x.repeatabilityOption) == "high")
        #expect(sensors["unset"]?.options == DriverOptions())
        #expect(sensors["empty"]?.options == DriverOptions())
        #expect(sensors["unset"]?.options.choice(SHT4x.precisionOption) == "high")
    }

    /// A driver that declares one option of every kind, so that each kind's checks run
    /// although no catalog driver has numeric options yet.
    static let everyKind = DriverDescriptor(
        name: "every", part: "EVERY", summary: "test", defaultAddress: 0x40, allowedAddresses: [0x40],
        defaultInterval: .seconds(1), minimumInterval: .seconds(1),
        channels: [ChannelDescriptor(name: "x", unit: "1")],
        options: [
            DriverOption(name: "samples", kind: .integer(1...16), defaultValue: .integer(1), meaning: "averaged samples"),
            DriverOption(name: "offset", kind: .number(-5...5), defaultValue: .number(0), meaning: "added to x"),
            DriverOption(name: "settle", kind: .duration(.milliseconds(1)...Interval.seconds(1)),
                         defaultValue: .duration(.milliseconds(10)), meaning: "wait before reading"),
            DriverOption(name: "fast", kind: .boolean, defaultValue: .boolean(false), meaning: "skip averaging"),
        ],
        make: { _ in fatalError("never built") })

    /// Decodes `yaml` as the `options:` value of an `every` sensor.
    static func decode(_ yaml: String) -> (DriverOptions?, [String]) {
        let document = YAMLReader.read(yaml, file: "t.yaml")
        let validator = Validator(file: "t.yaml")
        guard let root = document.root else { return (nil, ["no document"]) }
        let options = ProfileDecoder(validator: validator)
            .decodeOptions(Field(node: root, path: "sensors[0].options"), driver: everyKind)
        return (options, validator.diagnostics.map(\.description))
    }

    @Test("integer, number and duration options are read in their ranges")
    func inRange() {
        let (options, diagnostics) = Self.decode("{ samples: 16, offset: -2.5, settle: 250ms, fast: true }")
        #expect(diagnostics.isEmpty)
        #expect(options?.given == ["samples": .integer(16), "offset": .number(-2.5),
                                   "settle": .duration(.milliseconds(250)), "fast": .boolean(true)])
    }

    @Test("values out of range or of the wrong type are located errors", arguments: [
        ("{ samples: 17 }", "t.yaml:1:12: error: sensors[0].options.samples: expected an integer from 1 to 16, got '17'"),
        ("{ samples: 2.5 }", "t.yaml:1:12: error: sensors[0].options.samples: expected an integer from 1 to 16, got '2.5'"),
        ("{ offset: 6 }", "t.yaml:1:11: error: sensors[0].options.offset: expected a number from -5 to 5, got '6'"),
        ("{ settle: 2s }", "t.yaml:1:11: error: sensors[0].options.settle: expected a duration from 1ms to 1s, got '2s'"),
        ("{ settle: 10 }", "t.yaml:1:11: error: sensors[0].options.settle: expected a duration such as 20ms, 5s or 1m, got '10'"),
        ("{ samples: 4, sampels: 4 }",
         "t.yaml:1:15: error: sensors[0].options: unknown option 'sampels' of driver every, expected one of samples, offset, settle, fast (did you mean 'samples'?)"),
    ])
    func refused(yaml: String, expected: String) {
        let (options, diagnostics) = Self.decode(yaml)
        #expect(options == nil)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.hasPrefix(expected) == true, "\(diagnostics)")
    }
}
