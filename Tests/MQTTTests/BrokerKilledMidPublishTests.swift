import Foundation
import Logging
import MQTT
import Runtime
import SensorgateCore
import Testing

/// A broker killed while the client still believes it is connected: the publishes that
/// follow meet a socket the peer has closed (libmosquitto answers EPIPE as
/// MOSQ_ERR_ERRNO, or ECONNRESET as MOSQ_ERR_CONN_LOST) before the loop sees the close.
@Suite("MQTTClient publishing into a connection the broker just dropped", .serialized)
struct BrokerKilledMidPublishTests {
    @Test("QoS 1 messages stay with libmosquitto for the reconnect and QoS 0 go back to the buffer: none is counted as dropped")
    func nothingDroppedOnSocketErrors() throws {
        let broker = try PrivateBroker()
        defer { broker.stop() }
        let host = try LoopHost()
        defer { host.stop() }
        let log = CapturedLog()
        let client = Box<MQTTClient?>(nil)
        let port = broker.port
        host.loop.execute {
            let configuration = MQTTClientConfiguration(host: "127.0.0.1", port: port, clientID: "killed-\(UUID().uuidString.prefix(8))",
                                                        reconnectMinDelay: .seconds(30), reconnectMaxDelay: .seconds(30))
            guard let mqtt = try? MQTTClient(configuration: configuration, loop: host.loop, logger: log.logger) else { return }
            mqtt.start()
            client.update { $0 = mqtt }
        }
        try #require(waitFor(5) { host.onLoop { client.current?.state } == .connected }, "\(log.lines)")

        // All on the loop thread, so the loop cannot notice the close in between: kill the
        // broker, let the kernel close its end, then publish into the dead connection.
        let pid = broker.pid
        let outcome = host.onLoop { () -> (MQTTClient.Statistics, Int)? in
            guard let mqtt = client.current else { return nil }
            kill(pid, SIGKILL)
            usleep(300_000)
            for index in 0..<20 {
                mqtt.publish(topic: "sensorgate-test/killed", payload: Array("\(index)".utf8), qos: index.isMultiple(of: 2) ? 1 : 0, retain: false)
            }
            return (mqtt.statistics, mqtt.backlog)
        }
        let (statistics, backlog) = try #require(outcome)
        #expect(statistics.published == 20)
        #expect(statistics.dropped == 0, "counted as dropped although libmosquitto or the buffer keeps them:\n\(log.lines.joined(separator: "\n"))")
        #expect(statistics.refused == 0)
        #expect(!log.lines.contains { $0.contains("cannot publish") }, "\(log.lines)")
        // Every message is still owed: unacknowledged (QoS 1, with libmosquitto) or buffered (QoS 0).
        #expect(backlog == 20, "backlog \(backlog)")
        #expect(waitFor(5) { host.onLoop { client.current?.state } != .connected }, "the loop never noticed the dead broker")
        let done = Box(false)
        host.loop.execute { client.current?.shutdown(timeout: .milliseconds(100), final: []) { done.update { $0 = true } } }
        #expect(waitFor(5) { done.current })
    }
}
