#if canImport(Glibc)
import Glibc
#endif
import Logging
import MQTT
import Runtime
import SensorgateCore
import Testing

@Suite("MQTTClient against mosquitto", .enabled(if: brokerPort != nil, "needs SENSORGATE_TEST_BROKER (Tests/run starts one)"))
struct MQTTClientTests {
    @Test("publishes QoS 1 in order through the broker back to its own subscription, all acknowledged")
    func roundTrip() throws {
        let host = try LoopHost()
        defer { host.stop() }
        let topic = "sensorgate-test/\(UInt32.random(in: 0...UInt32.max))/echo"
        let received = Box<[String]>([])
        let client = Box<MQTTClient?>(nil)
        host.loop.execute {
            let configuration = MQTTClientConfiguration(host: "127.0.0.1", port: brokerPort!, clientID: "echo-\(topic.hashValue)")
            guard let mqtt = try? MQTTClient(configuration: configuration, loop: host.loop, logger: Logger(label: "test")) else { return }
            mqtt.onMessage = { message in received.update { $0.append(String(decoding: message.payload, as: UTF8.self)) } }
            mqtt.subscribe(topic, qos: 1)
            mqtt.start()
            client.update { $0 = mqtt }
        }
        #expect(waitFor(5) { host.onLoop { client.current?.state } == .connected })
        // Publishing before the subscription is acknowledged could lose the first messages; give it a beat.
        usleep(200_000)
        host.loop.execute {
            for index in 0..<200 { client.current?.publish(topic: topic, payload: Array("m\(index)".utf8), qos: 1, retain: false) }
        }
        #expect(waitFor(10) { received.current.count == 200 })
        #expect(received.current == (0..<200).map { "m\($0)" })
        #expect(waitFor(5) { host.onLoop { client.current?.statistics.acknowledged } == 200 })
        let done = Box(false)
        host.loop.execute {
            client.current?.shutdown(timeout: .seconds(2), final: []) { done.update { $0 = true } }
        }
        #expect(waitFor(5) { done.current })
        #expect(host.onLoop { client.current?.state } == .stopped)
    }

    @Test("without a broker: retries, buffers at most max_buffered, drops the oldest and counts them")
    func boundedBuffer() throws {
        let host = try LoopHost()
        defer { host.stop() }
        let client = Box<MQTTClient?>(nil)
        host.loop.execute {
            let configuration = MQTTClientConfiguration(host: "127.0.0.1", port: 1, clientID: "nobody", maxBuffered: 10,
                                                        reconnectMinDelay: .milliseconds(50))
            guard let mqtt = try? MQTTClient(configuration: configuration, loop: host.loop, logger: Logger(label: "test")) else { return }
            mqtt.start()
            for index in 0..<50 { mqtt.publish(topic: "t", payload: [UInt8(index)], qos: 1, retain: false) }
            client.update { $0 = mqtt }
        }
        #expect(waitFor(3) { (host.onLoop { client.current?.statistics.connectFailures } ?? 0) >= 2 })
        let statistics = Box<(Int, UInt64)>((0, 0))
        host.loop.execute {
            if let mqtt = client.current { statistics.update { $0 = (mqtt.backlog, mqtt.statistics.dropped) } }
        }
        #expect(waitFor(2) { statistics.current.0 == 10 })
        #expect(statistics.current.1 == 40)
    }
}
