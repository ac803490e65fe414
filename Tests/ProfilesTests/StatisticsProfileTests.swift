import Profiles
import SensorgateCore
import Testing

/// `mqtt.stats`: its interval (default 60 s, `0`/`off` for none) and its summary line.
@Suite("Statistics profile key")
struct StatisticsProfileTests {
    static func text(_ mqtt: String) -> String {
        "gateway:\n  id: gw\nmqtt:\n" + mqtt + "\ninputs:\n  - id: door\n    gpio: { line: 17 }\n"
    }

    static func messages(_ mqtt: String) -> [String] {
        do {
            _ = try ProfileLoader.load(text: text(mqtt), path: "s.yaml")
            return []
        } catch {
            switch error {
            case .invalid(let diagnostics): return diagnostics.map(\.description)
            case .unreadable(_, let reason): return [reason]
            }
        }
    }

    @Test("defaults: every 60 s with a summary line, also without a stats key")
    func defaults() throws {
        let plain = try ProfileLoader.load(text: "gateway:\n  id: gw\n", path: "s.yaml")
        #expect(plain.mqtt.stats == StatisticsSettings(interval: .seconds(60), log: true))
        let empty = try ProfileLoader.load(text: Self.text("  stats: {}"), path: "s.yaml")
        #expect(empty.mqtt.stats == StatisticsSettings(interval: .seconds(60), log: true))
    }

    @Test("an interval and log: false decode; 0 and off turn statistics off")
    func values() throws {
        let set = try ProfileLoader.load(text: Self.text("  stats: { interval: 5s, log: false }"), path: "s.yaml")
        #expect(set.mqtt.stats == StatisticsSettings(interval: .seconds(5), log: false))
        for off in ["0", "off"] {
            let profile = try ProfileLoader.load(text: Self.text("  stats: { interval: \(off) }"), path: "s.yaml")
            #expect(profile.mqtt.stats.interval == nil, "\(off)")
        }
    }

    @Test("a bad interval, a bad log and an unknown key are located errors")
    func errors() {
        let short = Self.messages("  stats: { interval: 100ms }")
        #expect(short.count == 1 && short[0].hasPrefix("s.yaml:4:22: error: mqtt.stats.interval: expected a duration from 1s (or 0 or off for none) to 24h"),
                "\(short)")
        let words = Self.messages("  stats: { interval: often }")
        #expect(words.count == 1 && words[0].contains("mqtt.stats.interval: expected a duration"), "\(words)")
        let log = Self.messages("  stats: { log: sometimes }")
        #expect(log.count == 1 && log[0].contains("mqtt.stats.log: expected true or false"), "\(log)")
        let typo = Self.messages("  stats: { intervall: 5s }")
        #expect(typo.count == 1 && typo[0].contains("unknown key 'intervall' (did you mean 'interval'?)"), "\(typo)")
        let scalar = Self.messages("  stats: 60s")
        #expect(scalar.count == 1 && scalar[0].contains("mqtt.stats: expected a mapping"), "\(scalar)")
        let misspelt = Self.messages("  statz: { interval: 5s }")
        #expect(misspelt.count == 1 && misspelt[0].contains("(did you mean 'stats'?)"), "\(misspelt)")
    }
}
