import Foundation
import Logging
@testable import MQTT
import Runtime
import SensorgateCore
import Testing

/// The outbox in front of a real client and a real mosquitto: commit, send within the
/// window, delete on acknowledgement; and a disk that refuses writes.
@Suite("OutboxPublisher against mosquitto", .enabled(if: brokerPort != nil, "needs SENSORGATE_TEST_BROKER (Tests/run starts one)"))
struct OutboxPublisherTests {
    let directory: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("outbox-publisher-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    final class Rig: @unchecked Sendable {
        let host: LoopHost
        var client: MQTTClient?
        var publisher: OutboxPublisher?
        let received = Box<[String]>([])
        let log = CapturedLog()

        init(path: String, topic: String, pageLimit: Int? = nil) throws {
            host = try LoopHost()
            let opened = Box<Bool>(false)
            host.loop.execute { [self] in
                let configuration = MQTTClientConfiguration(host: "127.0.0.1", port: brokerPort!, clientID: "outbox-\(UInt32.random(in: 0...UInt32.max))")
                guard let mqtt = try? MQTTClient(configuration: configuration, loop: host.loop, logger: log.logger),
                      let outbox = try? Outbox(configuration: OutboxConfiguration(path: path, maxMessages: 100_000), pageLimit: pageLimit)
                else { return }
                mqtt.onMessage = { [received] message in received.update { $0.append(String(decoding: message.payload, as: UTF8.self)) } }
                mqtt.subscribe(topic, qos: 1)
                let publisher = OutboxPublisher(outbox: outbox, client: mqtt, loop: host.loop, logger: log.logger)
                publisher.start()
                mqtt.start()
                client = mqtt
                self.publisher = publisher
                opened.update { $0 = true }
            }
            guard waitFor(10, { opened.current && host.onLoop { [self] in client?.state } == .connected }) else {
                // The client and the outbox go with the rig: their loop must not outlive them.
                host.stop()
                throw OutboxError(.failed, "no connection: \(log.lines)")
            }
            usleep(200_000)  // the subscription's SUBACK
        }

        /// Publishes `count` numbered messages in one loop turn, numbered by the outbox.
        func publish(_ count: Int, topic: String) {
            host.loop.execute { [self] in
                for _ in 0..<count {
                    guard let publisher else { return }
                    publisher.publish(topic: topic, payload: Array("\(publisher.nextSequence())".utf8), qos: 1, retain: false)
                }
            }
        }

        var counters: OutboxCounters { host.onLoop { [self] in publisher!.counters } }

        func stop() {
            let done = Box(false)
            host.loop.execute { [self] in publisher?.shutdown(timeout: .seconds(2), final: []) { done.update { $0 = true } } }
            _ = waitFor(5) { done.current }
            host.stop()
        }
    }

    @Test("a burst far larger than the window: committed, sent in order 100 at a time, all acknowledged and deleted")
    func burst() throws {
        let topic = "sensorgate-test/\(UInt32.random(in: 0...UInt32.max))/outbox"
        let rig = try Rig(path: directory + "/burst.outbox", topic: topic)
        rig.publish(5_000, topic: topic)
        #expect(waitFor(20) { rig.received.current.count >= 5_000 }, "\(rig.received.current.count) received; \(rig.log.lines)")
        #expect(rig.received.current == (1...5_000).map { "\($0)" })
        #expect(waitFor(5) { rig.counters.acknowledged == 5_000 && rig.counters.depth == 0 }, "\(rig.counters)")
        rig.stop()
    }

    @Test("the disk refuses writes: new messages dropped and counted, one error, seq keeps counting, then writes resume")
    func diskRefusesWrites() throws {
        let topic = "sensorgate-test/\(UInt32.random(in: 0...UInt32.max))/outbox-full"
        // Room for a few hundred short rows; the broker is up, so acknowledged rows free pages again.
        let rig = try Rig(path: directory + "/full.outbox", topic: topic, pageLimit: 12)
        rig.publish(20_000, topic: topic)
        #expect(waitFor(20) { rig.counters.droppedDiskError > 0 && rig.counters.depth == 0 }, "\(rig.counters)")
        let afterBurst = rig.counters
        #expect(afterBurst.stored + afterBurst.droppedDiskError == 20_000, "\(afterBurst)")
        #expect(rig.log.lines.filter { $0.contains("new messages are dropped and counted") }.count == 1, "\(rig.log.lines)")
        // What was stored arrived, in order; the gap is exactly the dropped ones.
        #expect(waitFor(10) { rig.received.current.count == Int(afterBurst.stored) })
        let numbers = rig.received.current.compactMap { Int($0) }
        #expect(numbers == numbers.sorted())
        rig.publish(1, topic: topic)
        #expect(waitFor(10) { rig.received.current.last == "20001" }, "seq kept counting: \(rig.received.current.suffix(3))")
        #expect(rig.log.lines.contains { $0.contains("writable again") && $0.contains("\(afterBurst.droppedDiskError) messages were dropped") },
                "\(rig.log.lines)")
        rig.stop()
    }
}
