#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CMosquitto
import SensorgateCore

/// The baseline: a raw libmosquitto publisher as a C program would write it, with
/// `TCP_NODELAY`, its network thread from `mosquitto_loop_start` and the publishing
/// done on a thread of the bench's own.
final class RawPublisher: @unchecked Sendable {
    /// What a flat-out run did.
    struct Run {
        /// Monotonic ns just before the first `mosquitto_publish`.
        var firstPublish: Int64 = 0
        var lastPublish: Int64 = 0
        var published = 0
        /// Messages given up on after repeated errors.
        var failed = 0
        /// Times the publisher waited for libmosquitto's queue to drain.
        var backoffs = 0
        var problem: String?
    }

    private let handle: OpaquePointer
    private let lock = Mutex()
    private var connected = false
    private var completed: UInt64 = 0
    private var looping = false

    init(clientID: String, maxInflight: Int) throws(BenchError) {
        guard let handle = mosquitto_new(clientID, true, nil) else {
            throw BenchError("mosquitto_new failed: \(String(cString: strerror(errno)))")
        }
        self.handle = handle
        mosquitto_int_option(handle, MOSQ_OPT_TCP_NODELAY, 1)
        mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, Int32(MQTT_PROTOCOL_V311))
        mosquitto_max_inflight_messages_set(handle, UInt32(max(1, maxInflight)))
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
        mosquitto_connect_callback_set(handle) { _, userdata, rc in
            guard let publisher = RawPublisher.from(userdata) else { return }
            publisher.lock.withLock { publisher.connected = rc == 0 }
        }
        mosquitto_disconnect_callback_set(handle) { _, userdata, _ in
            guard let publisher = RawPublisher.from(userdata) else { return }
            publisher.lock.withLock { publisher.connected = false }
        }
        // QoS 0: called once the packet is written to the socket; QoS 1: on PUBACK.
        mosquitto_publish_callback_set(handle) { _, userdata, _ in
            guard let publisher = RawPublisher.from(userdata) else { return }
            publisher.lock.withLock { publisher.completed += 1 }
        }
    }

    deinit {
        stop()
        mosquitto_destroy(handle)
    }

    private static func from(_ userdata: UnsafeMutableRawPointer?) -> RawPublisher? {
        userdata.map { Unmanaged<RawPublisher>.fromOpaque($0).takeUnretainedValue() }
    }

    /// Connects to 127.0.0.1:`port`, starts the network thread and waits for the CONNACK.
    func start(port: Int, timeout: Double = 5) throws(BenchError) {
        let rc = mosquitto_connect(handle, "127.0.0.1", Int32(port), 30)
        guard rc == MOSQ_ERR_SUCCESS.rawValue else {
            throw BenchError("raw publisher: cannot connect to 127.0.0.1:\(port): \(describe(rc))")
        }
        let started = mosquitto_loop_start(handle)
        guard started == MOSQ_ERR_SUCCESS.rawValue else {
            throw BenchError("raw publisher: mosquitto_loop_start: \(describe(started))")
        }
        lock.withLock { looping = true }
        guard BenchClock.wait(timeout: timeout, interval: 0.002, until: { lock.withLock { connected } }) else {
            throw BenchError("raw publisher: no CONNACK within \(timeout) s")
        }
    }

    var completedCount: UInt64 { lock.withLock { completed } }
    var isConnected: Bool { lock.withLock { connected } }

    func stop() {
        let wasLooping = lock.withLock { () -> Bool in
            let was = looping
            looping = false
            return was
        }
        guard wasLooping else { return }
        mosquitto_disconnect(handle)
        mosquitto_loop_stop(handle, false)
    }

    private func publish(topic: String, _ bytes: [UInt8], qos: Int32) -> Int32 {
        bytes.withUnsafeBytes { raw in
            mosquitto_publish(handle, nil, topic, Int32(raw.count), raw.baseAddress, qos, false)
        }
    }

    /// Latency baseline (call on a thread of its own): binary-input payloads stamped with
    /// the current UTC time, `ratePerSecond` a second at fixed monotonic deadlines, QoS 0,
    /// until `stop` is set or `maxMessages`/`maxSeconds` is reached. Returns the count sent.
    func publishPaced(topic: String, ratePerSecond: Int, stop: SharedFlag, maxMessages: Int, maxSeconds: Double) -> Int {
        var writer = RawPayloadWriter()
        let period = Int64(1_000_000_000 / max(1, ratePerSecond))
        let start = BenchClock.monotonicNanoseconds()
        let end = start + Int64(maxSeconds * 1e9)
        var sent = 0
        var level = false
        while sent < maxMessages, !stop.isSet {
            let due = start + Int64(sent + 1) * period
            if due > end { break }
            BenchClock.sleep(untilMonotonic: due)
            level.toggle()
            writer.binary(level, utcNanoseconds: BenchClock.realtimeNanoseconds(), seq: UInt64(sent + 1))
            _ = publish(topic: topic, writer.bytes, qos: 0)
            sent += 1
        }
        return sent
    }

    /// Throughput baseline (call on a thread of its own): `count` reading payloads with
    /// `seq` 1...count as fast as libmosquitto takes them. When more than `backlogLimit`
    /// messages are not yet written (QoS 0) or acknowledged (QoS 1), or a publish fails
    /// for lack of memory, it backs off for 20 µs. Gives up after `maxSeconds`.
    func publishFlatOut(topic: String, count: Int, qos: Int32, backlogLimit: Int, maxSeconds: Double,
                        value: (Int) -> Double) -> Run {
        var writer = RawPayloadWriter()
        var run = Run()
        let deadline = BenchClock.monotonicNanoseconds() + Int64(maxSeconds * 1e9)
        var published: UInt64 = 0
        run.firstPublish = BenchClock.monotonicNanoseconds()
        var index = 1
        while index <= count {
            if Int(published) - Int(completedCount) >= backlogLimit {
                run.backoffs += 1
                BenchClock.sleep(seconds: 20e-6)
                if BenchClock.monotonicNanoseconds() > deadline {
                    run.problem = "timed out after \(maxSeconds) s with \(count - index + 1) messages unsent"
                    run.failed += count - index + 1
                    break
                }
                continue
            }
            writer.reading(value(index), unit: "°C", utcNanoseconds: BenchClock.realtimeNanoseconds(), seq: UInt64(index))
            var rc = publish(topic: topic, writer.bytes, qos: qos)
            var attempts = 0
            while rc != MOSQ_ERR_SUCCESS.rawValue, attempts < 5_000, BenchClock.monotonicNanoseconds() < deadline {
                attempts += 1
                run.backoffs += 1
                BenchClock.sleep(seconds: rc == MOSQ_ERR_NOMEM.rawValue ? 20e-6 : 1e-3)
                rc = publish(topic: topic, writer.bytes, qos: qos)
            }
            if rc == MOSQ_ERR_SUCCESS.rawValue {
                published += 1
            } else {
                run.failed += 1
                run.problem = "mosquitto_publish: \(describe(rc))"
            }
            index += 1
        }
        run.lastPublish = BenchClock.monotonicNanoseconds()
        run.published = Int(published)
        return run
    }
}
