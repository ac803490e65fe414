#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
@testable import MQTT
import Runtime
import SensorgateCore
import Testing

/// The client under `protocolVersion: .v5` against mosquitto processes of the tests' own:
/// the properties a v5 subscriber sees on both publish paths, and the broker's reason
/// codes (a refused CONNACK, a refused PUBACK) logged by name.
@Suite("MQTT 5 client against mosquitto")
struct MQTT5ClientTests {
    final class Rig: @unchecked Sendable {
        let host: LoopHost
        let log = CapturedLog()
        var client: MQTTClient?
        var publisher: OutboxPublisher?

        init(port: Int, clientID: String, version: MQTTClientConfiguration.ProtocolVersion = .v5, outboxPath: String? = nil,
             _ configure: @escaping @Sendable (inout MQTTClientConfiguration) -> Void = { _ in }) throws {
            host = try LoopHost()
            let made = Box(false)
            host.loop.execute { [self] in
                var configuration = MQTTClientConfiguration(host: "127.0.0.1", port: port, clientID: clientID,
                                                            reconnectMinDelay: .milliseconds(100), reconnectMaxDelay: .milliseconds(500))
                configuration.protocolVersion = version
                configure(&configuration)
                guard let mqtt = try? MQTTClient(configuration: configuration, loop: host.loop, logger: log.logger) else { return }
                if let outboxPath, let outbox = try? Outbox(configuration: OutboxConfiguration(path: outboxPath)) {
                    let publisher = OutboxPublisher(outbox: outbox, client: mqtt, loop: host.loop, logger: log.logger)
                    publisher.start()
                    self.publisher = publisher
                }
                mqtt.start()
                client = mqtt
                made.update { $0 = true }
            }
            guard waitFor(5, { made.current }) else {
                // The client goes with the rig: its loop must not outlive it.
                host.stop()
                throw MQTTError("the client was not created: \(log.lines)")
            }
        }

        var state: MQTTClient.State? { host.onLoop { [self] in client?.state } }
        var statistics: MQTTClient.Statistics { host.onLoop { [self] in client!.statistics } }

        func waitForLog(_ seconds: Double, _ text: String) -> Bool {
            waitFor(seconds) { log.lines.contains { $0.contains(text) } }
        }

        func stop() {
            let done = Box(false)
            host.loop.execute { [self] in
                let finished: () -> Void = { done.update { $0 = true } }
                if let publisher { publisher.shutdown(timeout: .seconds(1), final: [], completion: finished) }
                else { client?.shutdown(timeout: .seconds(1), final: [], completion: finished) }
            }
            _ = waitFor(5) { done.current }
            host.stop()
        }
    }

    static func unique(_ base: String) -> String { "\(base)-\(UInt32.random(in: 0...UInt32.max))" }

    @Test("every publish carries its content type and the user property; expiry on all but retained messages, on both paths")
    func properties() throws {
        let broker = try MQTT5Broker(["allow_anonymous true"])
        defer { broker.stop() }
        let subscriber = Self.unique("sub")
        let session = ["-V", "mqttv5", "-h", "127.0.0.1", "-p", "\(broker.port)", "-i", subscriber, "-c", "-x", "600", "-q", "1",
                       "-t", "p5/#"]
        // A persistent v5 session that queues what arrives while no subscriber program runs.
        _ = try runClient("mosquitto_sub", session + ["-E"])
        let rig = try Rig(port: broker.port, clientID: Self.unique("p5")) { configuration in
            configuration.messageExpiry = .seconds(120)
            configuration.userProperties = [.init(name: "gateway", value: "gw-test")]
        }
        defer { rig.stop() }
        #expect(waitFor(5) { rig.state == .connected }, "\(rig.log.lines)")
        let tracked = Box<MQTTClient.SendOutcome?>(nil)
        rig.host.loop.execute {
            guard let client = rig.client else { return }
            client.publish(topic: "p5/json", payload: Array(#"{"value":1}"#.utf8), qos: 1, retain: false)
            client.publish(topic: "p5/status", payload: Array("online".utf8), qos: 1, retain: true)
            client.publish(topic: "p5/empty", payload: [], qos: 1, retain: false)
            let outcome = client.sendTracked(OutgoingMessage(topic: "p5/tracked", payload: Array(#"{"seq":2}"#.utf8), qos: 1, retain: false))
            tracked.update { $0 = outcome }
        }
        #expect(waitFor(5) { rig.statistics.acknowledged == 4 }, "\(rig.statistics)")
        if case .sent = tracked.current {} else { Issue.record("sendTracked: \(String(describing: tracked.current))") }

        let output = try runClient("mosquitto_sub", session + ["-C", "4", "-W", "10", "-F", "%t|%C|%E|%P|%p"])
        let lines = Dictionary(output.split(separator: "\n").map { line in
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            return (fields[0], fields)
        }, uniquingKeysWith: { first, _ in first })
        #expect(lines.count == 4, "\(output)")
        for topic in ["p5/json", "p5/tracked"] {
            let fields = lines[topic] ?? []
            #expect(fields.count == 5 && fields[1] == "application/json" && fields[3] == "gateway:gw-test", "\(topic): \(fields)")
            // The broker counts the expiry down while the message waits in the session.
            let expiry = fields.count == 5 ? Int(fields[2]) : nil
            #expect(expiry.map { (100...120).contains($0) } == true, "\(topic): \(fields)")
        }
        #expect(lines["p5/status"] == ["p5/status", "text/plain", "", "gateway:gw-test", "online"], "\(output)")
        #expect(lines["p5/empty"] == ["p5/empty", "", "120", "gateway:gw-test", ""] || lines["p5/empty"]?[2] == "119", "\(output)")
    }

    @Test("a CONNACK refusal is logged by its reason code's name (MQTT 5) or its return code's (3.1.1)")
    func refusedConnection() throws {
        let broker = try MQTT5Broker(["allow_anonymous false"])
        defer { broker.stop() }
        let five = try Rig(port: broker.port, clientID: Self.unique("refused5"))
        defer { five.stop() }
        #expect(five.waitForLog(10, "refused the connection: Not authorized (0x87)"), "\(five.log.lines)")
        #expect(five.waitForLog(5, "unreachable (") && five.state != .connected, "\(five.log.lines)")
        let three = try Rig(port: broker.port, clientID: Self.unique("refused3"), version: .v311)
        defer { three.stop() }
        #expect(three.waitForLog(10, "refused the connection: Connection Refused: not authorised"), "\(three.log.lines)")
    }

    @Test("a PUBACK refusal is not an acknowledgement: counted as refused, logged by name; from the outbox the row leaves as refused")
    func refusedMessages() throws {
        let broker = try MQTT5Broker(["allow_anonymous true", "acl_file ACL"], acl: "topic readwrite allowed/#\n")
        defer { broker.stop() }
        let direct = try Rig(port: broker.port, clientID: Self.unique("acl"))
        defer { direct.stop() }
        #expect(waitFor(5) { direct.state == .connected }, "\(direct.log.lines)")
        direct.host.loop.execute {
            direct.client?.publish(topic: "denied/a", payload: Array("{}".utf8), qos: 1, retain: false)
            direct.client?.publish(topic: "allowed/a", payload: Array("{}".utf8), qos: 1, retain: false)
            direct.client?.publish(topic: "denied/b", payload: Array("{}".utf8), qos: 1, retain: false)
        }
        #expect(waitFor(5) { direct.statistics.acknowledged == 1 && direct.statistics.refused == 2 }, "\(direct.statistics)")
        #expect(direct.statistics.dropped == 2)
        #expect(direct.host.onLoop { direct.client!.backlog } == 0)
        #expect(direct.waitForLog(2, "refused a message: Not authorized (0x87); it is not re-sent (1 refused so far)"), "\(direct.log.lines)")

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt5-outbox-\(UUID().uuidString)").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let queued = try Rig(port: broker.port, clientID: Self.unique("acl-outbox"), outboxPath: path)
        defer { queued.stop() }
        #expect(waitFor(5) { queued.state == .connected }, "\(queued.log.lines)")
        queued.host.loop.execute {
            guard let publisher = queued.publisher else { return }
            for topic in ["denied/1", "allowed/1", "denied/2", "denied/3"] {
                publisher.publish(topic: topic, payload: Array("{\"seq\":\(publisher.nextSequence())}".utf8), qos: 1, retain: false)
            }
        }
        let counters = { queued.host.onLoop { queued.publisher!.counters } }
        #expect(waitFor(10) { counters().droppedRefused == 3 && counters().acknowledged == 1 && counters().depth == 0 }, "\(counters())")
        // The outbox accounts for its own rows: the client does not count them again.
        #expect(queued.statistics.refused == 0)
        #expect(queued.waitForLog(2, "refused a message from the outbox: Not authorized (0x87)"), "\(queued.log.lines)")
    }

    @Test("reason codes, content types and expiry seconds")
    func values() {
        #expect("\(ReasonCode(0x87))" == "Not authorized (0x87)")
        // DISCONNECT reasons (mosquitto 2.0.11 closes a taken-over session without one).
        #expect("\(ReasonCode(0x8E))" == "Session taken over (0x8E)")
        #expect("\(ReasonCode(0x8B))" == "Server shutting down (0x8B)")
        #expect(ReasonCode(0x87).isFailure && !ReasonCode(0).isFailure && !ReasonCode(0x10).isFailure)
        #expect(PayloadContentType(of: Array(#"{"value":1}"#.utf8)) == .json)
        #expect(PayloadContentType(of: Array("offline".utf8)) == .text)
        #expect(PayloadContentType(of: []) == .none)
        #expect(MQTTClientConfiguration.wholeSeconds(.seconds(90)) == 90)
        #expect(MQTTClientConfiguration.wholeSeconds(.milliseconds(1_500)) == 2)
        #expect(MQTTClientConfiguration.wholeSeconds(.milliseconds(1)) == 1)
        #expect(MQTTClientConfiguration.wholeSeconds(.seconds(Int(UInt32.max) + 10)) == UInt32.max - 1)
    }
}
