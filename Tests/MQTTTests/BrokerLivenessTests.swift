import Foundation
import Logging
import MQTT
import Runtime
import SensorgateCore
import Testing

/// A broker that stops answering while its TCP connection stays up (SIGSTOP: the kernel
/// still acknowledges every segment, so nothing below MQTT notices).
@Suite("MQTTClient against a frozen mosquitto", .serialized)
struct BrokerLivenessTests {
    @Test("a broker that stops answering is given up within 1.5 x keepalive, with a readable reason, and reconnected when it answers again")
    func frozenBroker() throws {
        let broker = try PrivateBroker()
        defer { broker.stop() }
        let host = try LoopHost()
        defer { host.stop() }
        let log = CapturedLog()
        let client = Box<MQTTClient?>(nil)
        let reasons = Box<[(String, Date)]>([])
        let port = broker.port
        host.loop.execute {
            let configuration = MQTTClientConfiguration(host: "127.0.0.1", port: port, clientID: "frozen-\(UUID().uuidString.prefix(8))",
                                                        keepalive: .seconds(5), reconnectMinDelay: .milliseconds(200),
                                                        reconnectMaxDelay: .seconds(1), connectTimeout: .seconds(1))
            guard let mqtt = try? MQTTClient(configuration: configuration, loop: host.loop, logger: log.logger) else { return }
            mqtt.onDisconnect = { reason in reasons.update { $0.append((reason, Date())) } }
            mqtt.start()
            client.update { $0 = mqtt }
        }
        try #require(waitFor(5) { host.onLoop { client.current?.state } == .connected }, "\(log.lines)")
        // Steady QoS 1 traffic, as a gateway sends: libmosquitto's "last message out" keeps
        // moving, which is what delayed its own check.
        func publishWhile(_ seconds: Double, until condition: () -> Bool) -> Bool {
            waitFor(seconds) {
                host.loop.execute {
                    client.current?.publish(topic: "sensorgate-test/frozen", payload: Array("x".utf8), qos: 1, retain: false)
                }
                return condition()
            }
        }
        _ = publishWhile(0.5) { false }

        broker.freeze()
        let frozenAt = Date()
        let noticed = publishWhile(20) { !reasons.current.isEmpty }
        broker.thaw()
        try #require(noticed, "the frozen broker was never noticed:\n\(log.lines.joined(separator: "\n"))")
        let (reason, noticedAt) = reasons.current[0]
        // 1.5 x keepalive (libmosquitto's smallest keepalive is 5 s) after the last byte, which
        // came before the freeze; a margin for a busy machine.
        #expect(noticedAt.timeIntervalSince(frozenAt) <= 7.5 + 0.5, "noticed after \(noticedAt.timeIntervalSince(frozenAt)) s")
        #expect(reason.hasPrefix("the broker did not answer for "), "\(reason)")
        #expect(reason.hasSuffix(" (keepalive 5s)"), "\(reason)")
        let lost = log.lines.filter { $0.contains("lost connection") }
        #expect(lost.count == 1, "\(log.lines)")
        #expect(lost.first?.contains("the broker did not answer for ") == true, "\(lost)")
        #expect(lost.first?.contains("reconnect attempt 1 in ") == true, "\(lost)")

        #expect(waitFor(10) { host.onLoop { client.current?.state } == .connected }, "no reconnect after the broker answered again:\n\(log.lines.joined(separator: "\n"))")
        #expect(log.lines.contains { $0.contains("reconnected") })
        let done = Box(false)
        host.loop.execute { client.current?.shutdown(timeout: .seconds(2), final: []) { done.update { $0 = true } } }
        #expect(waitFor(5) { done.current })
    }
}

@Suite("MQTTClient retry log lines")
struct RetryLogTests {
    @Test("without a broker: the first retry is attempt 1, delays in human units, one line per failure")
    func attemptNumbering() throws {
        let host = try LoopHost()
        defer { host.stop() }
        let log = CapturedLog()
        let client = Box<MQTTClient?>(nil)
        host.loop.execute {
            // Port 1 on loopback: nothing listens there, connections are refused at once.
            let configuration = MQTTClientConfiguration(host: "127.0.0.1", port: 1, clientID: "nobody-numbered",
                                                        reconnectMinDelay: .milliseconds(50))
            guard let mqtt = try? MQTTClient(configuration: configuration, loop: host.loop, logger: log.logger) else { return }
            mqtt.start()
            client.update { $0 = mqtt }
        }
        #expect(waitFor(3) { log.lines.filter { $0.contains("unreachable") }.count >= 3 })
        let done = Box(false)
        host.loop.execute { client.current?.shutdown(timeout: .seconds(1), final: []) { done.update { $0 = true } } }
        #expect(waitFor(2) { done.current })
        let lines = log.lines.filter { $0.contains("unreachable") }
        #expect(lines.count >= 3, "\(log.lines)")
        guard lines.count >= 3 else { return }
        // Full jitter: anywhere from 0 to the 50 ms minimum.
        let firstDelay = lines[0].split(separator: "reconnect attempt 1 in ").last.map(String.init) ?? ""
        #expect(firstDelay == "0s" || (firstDelay.hasSuffix("ms") && (Int(firstDelay.dropLast(2)) ?? 99) <= 50), "\(lines[0])")
        #expect(!lines[0].contains("failed"), "the first connection is not a reconnect attempt: \(lines[0])")
        #expect(lines[1].contains("; reconnect attempt 1 failed; reconnect attempt 2 in "), "\(lines[1])")
        #expect(lines[2].contains("; reconnect attempt 2 failed; reconnect attempt 3 in "), "\(lines[2])")
        for line in lines {
            #expect(line.hasSuffix("ms") || line.hasSuffix("s"), "\(line)")
            #expect(!line.hasSuffix("ns"), "a delay in nanoseconds: \(line)")
        }
    }
}
