import Pipeline
import Profiles
import SensorgateCore
import Testing

/// An input's `filters:` decoded against each binary filter's declared syntax.
@Suite("Binary filter decoding")
struct BinaryFilterDecodingTests {
    static func profile(_ filters: String, count: Bool = false) -> String {
        """
        gateway: { id: b }
        inputs:
          - id: button
            gpio: { line: 17 }
        \(count ? "    count: { every: 10s }\n" : "")    filters: \(filters)
        """
    }

    static func filters(_ list: String) throws -> [BinaryFilterSpec] {
        try #require(ProfileLoader.load(text: profile(list), path: "b.yaml").inputs.first).filters
    }

    static func diagnostics(_ text: String) -> [String] {
        do {
            _ = try ProfileLoader.load(text: text, path: "b.yaml")
            return []
        } catch {
            guard case .invalid(let diagnostics) = error else { return ["\(error)"] }
            return diagnostics.map(\.description)
        }
    }

    @Test func namesAloneShortFormsAndMappingsDecodeInListOrder() throws {
        let decoded = try Self.filters("""
            [invert, { delayed_on: 100ms }, { delayed_off: { period: 1s } }, { delayed_on_off: 50ms },
                     { delayed_on_off: { time_on: 10ms, time_off: 20ms } }, { settle: 30ms }, autorepeat,
                     { autorepeat: { delay: 2s, time_on: 500ms } }, { debounce: 5ms }]
            """)
        #expect(decoded.map(\.name) == ["invert", "delayed_on", "delayed_off", "delayed_on_off", "delayed_on_off",
                                        "settle", "autorepeat", "autorepeat", "debounce"])
        #expect(decoded[1].settings.duration("period") == .milliseconds(100))
        #expect(decoded[2].settings.duration("period") == .seconds(1))
        #expect(decoded[3].settings.duration("time") == .milliseconds(50))
        #expect(decoded[4].settings.duration("time_off") == .milliseconds(20))
        // Defaults are filled in, for the name alone and for the keys left out.
        #expect(decoded[6].settings.duration("delay") == .seconds(1))
        #expect(decoded[6].settings.duration("time_on") == .milliseconds(900))
        #expect(decoded[7].settings.duration("delay") == .seconds(2))
        #expect(decoded[7].settings.duration("time_off") == .milliseconds(100))
        for spec in decoded { #expect(BinaryFilterCatalog.make(spec) != nil) }
        // `- invert:` with an empty value is the name alone.
        #expect(try Self.filters("\n      - invert:\n      - settle: 1s") .map(\.name) == ["invert", "settle"])
    }

    @Test func noFiltersByDefault() throws {
        let input = try #require(ProfileLoader.load(text: "gateway: { id: b }\ninputs:\n  - { id: b, gpio: { line: 3 } }\n",
                                                    path: "b.yaml").inputs.first)
        #expect(input.filters.isEmpty)
    }

    @Test func anUnknownNameIsLocatedWithADidYouMean() {
        let messages = Self.diagnostics(Self.profile("[invert, { delayed_onn: 1s }]"))
        #expect(messages == ["b.yaml:5:25: error: inputs[0].filters[1]: unknown binary filter 'delayed_onn', expected one of invert, delayed_on, delayed_off, delayed_on_off, settle, autorepeat or debounce (did you mean 'delayed_on'?)"])
    }

    @Test func aNumericFilterNameSaysItIsForSensorChannels() {
        let messages = Self.diagnostics(Self.profile("[{ median: 5 }]"))
        #expect(messages.count == 1)
        #expect(messages.first?.contains("median is a filter of a sensor channel's numbers") == true)
    }

    @Test func settingsAreCheckedAgainstTheFiltersSyntax() {
        let cases: [(String, String)] = [
            ("[delayed_on]", "missing required key 'period' of filter delayed_on ({ delayed_on: 100ms })"),
            ("[{ delayed_on: 0s }]", "inputs[0].filters[0].delayed_on"),
            ("[{ settle: fast }]", "inputs[0].filters[0].settle"),
            ("[{ autorepeat: { delay: 1s, repeat: 2 } }]", "repeat"),
            ("[{ delayed_on_off: { time_on: 10ms } }]", "expected time, or both time_on and time_off"),
            ("[{ delayed_on_off: { time: 10ms, time_off: 20ms } }]", "give time, or time_on and time_off, not both"),
            ("[delayed_on_off]", "expected time, or both time_on and time_off"),
            ("[{ invert: true }]", "inputs[0].filters[0].invert"),
            ("[{ invert: {}, settle: 1s }]", "expected one filter per list entry, got 2 keys ('invert', 'settle')"),
            ("invert", "expected a list of binary filters"),
        ]
        for (filters, expected) in cases {
            let messages = Self.diagnostics(Self.profile(filters))
            #expect(messages.count == 1, "\(filters): \(messages)")
            #expect(messages.first?.contains(expected) == true, "\(filters): \(messages)")
            #expect(messages.first?.hasPrefix("b.yaml:5:") == true, "\(filters): \(messages)")
        }
    }

    @Test func aCounterRefusesFilters() {
        let messages = Self.diagnostics(Self.profile("[invert]", count: true))
        #expect(messages == ["b.yaml:6:14: error: inputs[0].filters: binary filters shape a published level; a pulse counter publishes counts: remove filters or count"])
    }
}
