import Profiles
import SensorgateCore
import Testing

@Suite("Outbox profile keys")
struct OutboxProfileTests {
    func load(_ outbox: String) -> Result<Profile, ProfileLoadError> {
        let text = "gateway: { id: gw }\nmqtt:\n  outbox: \(outbox)\ninputs:\n  - { id: door, gpio: { line: 17 } }\n"
        do {
            return .success(try ProfileLoader.load(text: text, path: "gw.yaml"))
        } catch {
            return .failure(error)
        }
    }

    func errors(_ outbox: String) -> String {
        guard case .failure(let error) = load(outbox) else { return "" }
        return "\(error)"
    }

    @Test("an empty outbox mapping takes every default")
    func defaults() throws {
        let profile = try load("{}").get()
        #expect(profile.mqtt.outbox == OutboxSettings(path: nil, maxMessages: 1_000_000, maxBytes: 256 << 20, inflight: 100,
                                                      sync: .seconds(1), batch: .milliseconds(10)))
    }

    @Test("every key decodes")
    func allKeys() throws {
        let profile = try load("{ path: /data/gw.outbox, max_messages: 5000, max_bytes: 1048576, inflight: 20, sync: 0s, batch: 50ms }").get()
        #expect(profile.mqtt.outbox == OutboxSettings(path: "/data/gw.outbox", maxMessages: 5_000, maxBytes: 1_048_576,
                                                      inflight: 20, sync: .zero, batch: .milliseconds(50)))
    }

    @Test("out of range values and unknown keys are located errors, with a did-you-mean")
    func errorsAreLocated() {
        #expect(errors("{ inflight: 0 }").contains("gw.yaml:3:23: error: mqtt.outbox.inflight: expected an integer from 1 to 65535, got '0'"))
        #expect(errors("{ max_bytes: 10 }").contains("mqtt.outbox.max_bytes: expected an integer from 4096 to 1099511627776"))
        #expect(errors("{ sync: 2m }").contains("mqtt.outbox.sync: expected a duration from 0s to 1m"))
        #expect(errors("{ batch: 2s }").contains("mqtt.outbox.batch: expected a duration from 0s to 1s"))
        #expect(errors("{ max_message: 10 }").contains("max_messages"), "\(errors("{ max_message: 10 }"))")
        #expect(errors("{ max_messages: 10, inflight: 20 }").contains("the in-flight window (20) must not exceed max_messages (10)"))
    }
}
