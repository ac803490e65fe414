import Profiles
import SensorgateCore
import Testing

/// A driver whose channels depend on its options (the ADS1115's `inputs`): the profile's
/// `channels:` and `simulation:` keys are checked against the channels of the options the
/// sensor sets, not those of the defaults.
@Suite("Channels that depend on options")
struct OptionDependentChannelsTests {
    static func profile(inputs: String?, channels: String, simulation: String) -> String {
        let options = inputs.map { "    options: { inputs: \($0) }\n" } ?? ""
        return """
            gateway: { id: adc }
            sensors:
              - id: adc
                driver: ads1115
                i2c: { bus: 1 }
            \(options)    channels: { \(channels) }
            simulation:
              adc: { \(simulation) }
            """
    }

    /// The diagnostics of loading `text`, empty when it loads.
    static func diagnostics(_ text: String) -> [String] {
        do {
            _ = try ProfileLoader.load(text: text, path: "adc.yaml")
            return []
        } catch {
            guard case .invalid(let diagnostics) = error else { return ["\(error)"] }
            return diagnostics.map(\.description)
        }
    }

    @Test("inputs: differential has the channels a0_a1 and a2_a3, in channels: and simulation:")
    func differentialAccepted() throws {
        let text = Self.profile(inputs: "differential", channels: "a0_a1: { filters: [ { median: 3 } ] }",
                                simulation: "a2_a3: { constant: 0.1 }")
        #expect(Self.diagnostics(text) == [])
        let sensor = try #require(try ProfileLoader.load(text: text, path: "adc.yaml").sensors.first)
        // The channel written first, then the option's other channel.
        #expect(sensor.channels.map(\.name) == ["a0_a1", "a2_a3"])
        #expect(sensor.channels.first?.filters == [.median(size: 3)])
    }

    @Test("inputs: differential refuses a single-ended channel, at its key, listing the differential ones")
    func differentialRefusesSingleEnded() {
        let text = Self.profile(inputs: "differential", channels: "a3: { enabled: false }",
                                simulation: "a0_a1: { constant: 0.1 }")
        #expect(Self.diagnostics(text) == [
            "adc.yaml:7:17: error: sensors[0].channels: unknown channel 'a3' of driver ads1115, expected one of a0_a1, a2_a3",
        ])
    }

    @Test("simulation: keys are checked against the same channels")
    func simulationChecked() {
        let text = Self.profile(inputs: "differential", channels: "a0_a1: {}", simulation: "a0: { constant: 0.1 }")
        #expect(Self.diagnostics(text) == [
            "adc.yaml:9:10: error: simulation.adc: unknown channel 'a0' of driver ads1115, expected one of a0_a1, a2_a3",
        ])
    }

    @Test("without the option (single-ended, the default) it is the other way round")
    func singleEndedDefault() {
        #expect(Self.diagnostics(Self.profile(inputs: nil, channels: "a3: {}", simulation: "a0: { constant: 1 }")) == [])
        let refused = Self.diagnostics(Self.profile(inputs: "single-ended", channels: "a0_a1: {}",
                                                    simulation: "a2_a3: { constant: 1 }"))
        #expect(refused.count == 2)
        #expect(refused.allSatisfy { $0.contains("expected one of a0, a1, a2, a3") }, "\(refused)")
    }
}
