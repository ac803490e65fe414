import Foundation
import Testing

/// `mqtt.protocol: 5` with the real binary and real mosquitto: the properties an MQTT 5
/// subscriber sees, and a persistent session kept by its session expiry across a restart.
@Suite("MQTT 5 (real binary, real mosquitto)")
struct MQTT5IntegrationTests {
    /// The demo profile under a unique id with `lines` added to its `mqtt:` section.
    static func profile(in directory: URL, id: String, _ lines: [String]) throws -> URL {
        let url = try TestEnvironment.demoProfile(in: directory, id: id)
        var text = try String(contentsOf: url, encoding: .utf8)
        guard let range = text.range(of: "\nmqtt:\n") else { throw TestFailure("demo.yaml has no mqtt: section") }
        text.replaceSubrange(range, with: "\nmqtt:\n" + lines.map { "  \($0)\n" }.joined())
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// One message as `mosquitto_sub -V mqttv5 -F '%t|%C|%E|%P|%p'` prints it.
    struct Received: Sendable {
        var topic: String, contentType: String, expiry: String, userProperties: String, payload: String
    }

    final class Version5Subscriber: @unchecked Sendable {
        private var child: ChildProcess?
        private let lock = NSLock()
        private var received: [Received] = []

        init(topic: String) throws {
            let arguments = ["-V", "mqttv5", "-h", "127.0.0.1", "-p", "\(TestEnvironment.brokerPort)", "-q", "1", "-t", topic,
                             "-F", "%t|%C|%E|%P|%p"]
            child = try ChildProcess("/usr/bin/mosquitto_sub", arguments) { [weak self] line in self?.append(line) }
        }

        deinit { child?.stop(grace: 2) }

        private func append(_ line: String) {
            let fields = line.split(separator: "|", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 5 else { return }
            lock.withLock { received.append(Received(topic: fields[0], contentType: fields[1], expiry: fields[2],
                                                     userProperties: fields[3], payload: fields[4])) }
        }

        var messages: [Received] { lock.withLock { received } }

        func wait(timeout: TimeInterval, until condition: ([Received]) -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if condition(messages) { return true }
                usleep(20_000)
            }
            return condition(messages)
        }
    }

    @Test("(g) readings carry application/json, the gateway user property and the expiry; the retained status text/plain without expiry")
    func properties() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("mqtt5")
        let prefix = "sensorgate/\(id)"
        let profile = try Self.profile(in: directory, id: id, ["protocol: 5", "message_expiry: 10m"])
        let subscriber = try Version5Subscriber(topic: "\(prefix)/#")
        // The subscription is live once it sees a probe.
        #expect(subscriber.wait(timeout: 10) { messages in
            (try? publish("\(prefix)/probe", "probe")) != nil && messages.contains { $0.topic == "\(prefix)/probe" }
        })
        let gateway = try GatewayProcess.run(profile: profile, stateDirectory: directory.appendingPathComponent("state"))
        defer { _ = gateway.stop() }
        let pressure = "\(prefix)/climate/pressure"
        #expect(subscriber.wait(timeout: 15) { messages in
            messages.contains { $0.topic == pressure } && messages.contains { $0.topic == "\(prefix)/status" }
        }, "\(gateway.log)")
        #expect(gateway.log.contains("over MQTT 5"), "\(gateway.log)")
        for reading in subscriber.messages.filter({ $0.topic == pressure }) {
            #expect(reading.contentType == "application/json", "\(reading)")
            #expect(reading.userProperties == "gateway:\(id)", "\(reading)")
            #expect(reading.expiry == "600" || reading.expiry == "599", "\(reading)")
            #expect(reading.payload.hasPrefix("{\"value\":"), "\(reading)")
        }
        let status = subscriber.messages.first { $0.topic == "\(prefix)/status" }
        #expect(status.map { [$0.contentType, $0.expiry, $0.userProperties, $0.payload] } == ["text/plain", "", "gateway:\(id)", "online"],
                "\(String(describing: status))")
        // The will: retained `offline` with the same properties, published by the broker for a gateway that vanished.
        #expect(gateway.stop(signal: SIGKILL) != nil)
        #expect(subscriber.wait(timeout: 60) { $0.contains { $0.topic == "\(prefix)/status" && $0.payload == "offline" } })
        let will = subscriber.messages.last { $0.topic == "\(prefix)/status" }
        #expect(will.map { [$0.contentType, $0.expiry, $0.userProperties] } == ["text/plain", "", "gateway:\(id)"], "\(String(describing: will))")
    }

    @Test("a persistent session with session_expiry survives a restart: a command sent while the gateway was down acts after it")
    func sessionExpiry() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("mqtt5-session")
        let prefix = "sensorgate/\(id)"
        let profile = try Self.profile(in: directory, id: id, ["protocol: 5", "persistent_session: true", "session_expiry: 10m"])
        let state = directory.appendingPathComponent("state")
        let subscriber = try Subscriber(topic: "\(prefix)/fan")
        try subscriber.waitUntilSubscribed(probeTopic: "\(prefix)/fan")

        let first = try GatewayProcess.run(profile: profile, stateDirectory: state)
        #expect(first.waitForLog(timeout: 15) { $0.contains("persistent session, kept 10m after a disconnection") }, "\(first.log)")
        // The command subscription is made once connected; a command now would act at once.
        #expect(subscriber.wait(timeout: 10) { $0.contains { $0.json?["value"] as? Bool == false } }, "\(first.log)")
        #expect(first.stop() == 0, "\(first.log)")

        // Queued by the broker in the gateway's session (MQTT 5 ends a session at once
        // unless the CONNECT's session expiry says otherwise).
        try publish("\(prefix)/fan/set", "on")
        let second = try GatewayProcess.run(profile: profile, stateDirectory: state)
        defer { _ = second.stop() }
        #expect(subscriber.wait(timeout: 15) { $0.contains { $0.json?["value"] as? Bool == true } }, "\(second.log)")
        #expect(second.stop() == 0, "\(second.log)")
    }
}
