#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CMosquitto
import SensorgateCore

/// The measuring end: a plain libmosquitto client on its own thread (`mosquitto_loop_start`),
/// subscribed before anything is published.
///
/// For every message it takes `CLOCK_REALTIME` and `CLOCK_MONOTONIC` first, then reads
/// the payload's `ts` and `seq`. While recording, latency = receipt (realtime) − `ts`.
/// With `expected` > 0 it also marks `seq` 1...expected in a bitset, to count losses
/// and duplicates of a delivery run.
final class BenchSubscriber: @unchecked Sendable {
    struct Snapshot {
        /// Every message received.
        var received = 0
        /// Distinct `seq` in 1...expected (delivery runs).
        var unique = 0
        var duplicates = 0
        /// `seq` outside 1...expected, or no `seq`.
        var unexpected = 0
        /// Monotonic ns of the first and last receipt.
        var firstReceipt: Int64?
        var lastReceipt: Int64?
        /// Latencies recorded so far.
        var recorded = 0
        /// Recorded messages whose `ts` could not be read.
        var malformed = 0
        /// While recording: lowest and highest `seq` seen and the number of distinct ones.
        var recordedSeqRange: (low: UInt64, high: UInt64)?
    }

    let topic: String
    private let handle: OpaquePointer
    private let qos: Int32
    private let expected: Int
    private let lock = Mutex()
    private var state = Snapshot()
    private var subscribed = false
    private var subscribeRefused = false
    private var looping = false
    private var recording = false
    private var capacity = 0
    private var latencies: [Double] = []
    private var seen: [UInt64]
    private var fields = PayloadFields()

    /// - Parameters:
    ///   - expected: the `seq` range 1...expected of a delivery run; 0 for none.
    init(clientID: String, topic: String, qos: Int32, expected: Int = 0) throws(BenchError) {
        guard let handle = mosquitto_new(clientID, true, nil) else {
            throw BenchError("mosquitto_new failed: \(String(cString: strerror(errno)))")
        }
        self.handle = handle
        self.topic = topic
        self.qos = qos
        self.expected = expected
        self.seen = [UInt64](repeating: 0, count: expected > 0 ? (expected + 64) / 64 : 0)
        mosquitto_int_option(handle, MOSQ_OPT_TCP_NODELAY, 1)
        mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, Int32(MQTT_PROTOCOL_V311))
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
        mosquitto_connect_callback_set(handle) { mosq, userdata, rc in
            guard rc == 0, let mosq, let subscriber = BenchSubscriber.from(userdata) else { return }
            mosquitto_subscribe(mosq, nil, subscriber.topic, subscriber.qos)
        }
        mosquitto_subscribe_callback_set(handle) { _, userdata, _, count, granted in
            guard let subscriber = BenchSubscriber.from(userdata) else { return }
            let refused = count < 1 || (granted.map { $0.pointee > 2 } ?? true)
            subscriber.lock.withLock {
                if refused { subscriber.subscribeRefused = true } else { subscriber.subscribed = true }
            }
        }
        mosquitto_message_callback_set(handle) { _, userdata, message in
            var realtime = timespec(), monotonic = timespec()
            clock_gettime(CLOCK_REALTIME, &realtime)
            clock_gettime(CLOCK_MONOTONIC, &monotonic)
            guard let subscriber = BenchSubscriber.from(userdata), let message else { return }
            let receivedUTC = Int64(realtime.tv_sec) * 1_000_000_000 + Int64(realtime.tv_nsec)
            let receivedMonotonic = Int64(monotonic.tv_sec) * 1_000_000_000 + Int64(monotonic.tv_nsec)
            let payload = UnsafeRawBufferPointer(start: message.pointee.payload, count: Int(message.pointee.payloadlen))
            subscriber.received(payload, utc: receivedUTC, monotonic: receivedMonotonic)
        }
    }

    deinit {
        stop()
        mosquitto_destroy(handle)
    }

    private static func from(_ userdata: UnsafeMutableRawPointer?) -> BenchSubscriber? {
        userdata.map { Unmanaged<BenchSubscriber>.fromOpaque($0).takeUnretainedValue() }
    }

    /// Connects to the broker on 127.0.0.1 and waits (at most `timeout` s) for the SUBACK.
    func start(port: Int, timeout: Double = 5) throws(BenchError) {
        let rc = mosquitto_connect(handle, "127.0.0.1", Int32(port), 30)
        guard rc == MOSQ_ERR_SUCCESS.rawValue else {
            throw BenchError("subscriber: cannot connect to 127.0.0.1:\(port): \(describe(rc))")
        }
        let started = mosquitto_loop_start(handle)
        guard started == MOSQ_ERR_SUCCESS.rawValue else {
            throw BenchError("subscriber: mosquitto_loop_start: \(describe(started))")
        }
        lock.withLock { looping = true }
        let ready = BenchClock.wait(timeout: timeout, interval: 0.002) {
            lock.withLock { subscribed || subscribeRefused }
        }
        guard ready, lock.withLock({ subscribed }) else {
            throw BenchError("subscriber: no SUBACK for '\(topic)' within \(timeout) s")
        }
    }

    /// Starts recording latencies (at most `capacity`).
    func beginRecording(capacity: Int) {
        lock.withLock {
            latencies.removeAll(keepingCapacity: true)
            latencies.reserveCapacity(capacity)
            self.capacity = capacity
            state.recorded = 0
            state.malformed = 0
            state.recordedSeqRange = nil
            recording = true
        }
    }

    func endRecording() { lock.withLock { recording = false } }

    var snapshot: Snapshot { lock.withLock { state } }

    /// The latencies recorded, in µs, in arrival order.
    var recordedLatencies: [Double] { lock.withLock { latencies } }

    /// Disconnects and joins the network thread.
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

    private func received(_ payload: UnsafeRawBufferPointer, utc: Int64, monotonic: Int64) {
        lock.withLock {
            fields.parse(payload)
            state.received += 1
            if state.firstReceipt == nil { state.firstReceipt = monotonic }
            state.lastReceipt = monotonic
            if expected > 0 {
                if let seq = fields.seq, seq >= 1, seq <= UInt64(expected) {
                    let index = Int(seq - 1)
                    let bit: UInt64 = 1 << UInt64(index & 63)
                    if seen[index >> 6] & bit != 0 {
                        state.duplicates += 1
                    } else {
                        seen[index >> 6] |= bit
                        state.unique += 1
                    }
                } else {
                    state.unexpected += 1
                }
            }
            guard recording, state.recorded < capacity else { return }
            guard let ts = fields.timestampMicroseconds else {
                state.malformed += 1
                return
            }
            latencies.append(Double(utc - ts * 1_000) / 1_000)
            state.recorded += 1
            if let seq = fields.seq {
                if let range = state.recordedSeqRange {
                    state.recordedSeqRange = (min(range.low, seq), max(range.high, seq))
                } else {
                    state.recordedSeqRange = (seq, seq)
                }
            }
        }
    }
}

func describe(_ rc: Int32) -> String {
    if rc == MOSQ_ERR_ERRNO.rawValue { return String(cString: strerror(errno)) }
    return String(cString: mosquitto_strerror(rc))
}
