#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CMosquitto
import SensorgateCore

/// The fleet's measuring end: one persistent QoS 1 session (clean session off, a fixed
/// client id) on `sensorgate/#` of the fleet's broker, counting every `seq` per gateway.
///
/// The session, with what the broker queued for it, outlives both this client's
/// connection and a restart of a persistent broker, so a `seq` it never receives is one
/// the gateway lost. The gateway is the second topic level (`sensorgate/<gateway id>/...`);
/// messages of other gateways or without a `seq` (the `online` status) are not counted.
final class FleetSubscriber: @unchecked Sendable {
    /// What one gateway's messages looked like at the subscriber.
    struct Tally {
        var unique = 0
        var duplicates = 0
        var lowest: UInt64 = .max
        var highest: UInt64 = 0
        /// `seq` in 1...highest never received.
        var missing = 0
        /// Monotonic ns of the first receipt, and of the first receipt of a reading taken
        /// after ``FleetSubscriber/mark()``.
        var firstReceipt: Int64?
        var firstAfterMark: Int64?
    }

    private let handle: OpaquePointer
    private let clientID: String
    private let lock = Mutex()
    private let index: [String: Int]
    private var tallies: [Tally]
    private var seen: [[UInt64]]
    private var fields = PayloadFields()
    /// UTC µs of the mark.
    private var markedAt: Int64?
    private var subscribed = false
    private var looping = false
    private(set) var firstReceipt: Int64?
    private(set) var lastReceipt: Int64?
    private var received = 0

    init(clientID: String, gateways: [String]) throws(BenchError) {
        guard let handle = mosquitto_new(clientID, false, nil) else {
            throw BenchError("mosquitto_new failed: \(String(cString: strerror(errno)))")
        }
        self.handle = handle
        self.clientID = clientID
        var index: [String: Int] = [:]
        for (position, id) in gateways.enumerated() { index[id] = position }
        self.index = index
        tallies = Array(repeating: Tally(), count: gateways.count)
        seen = Array(repeating: [], count: gateways.count)
        mosquitto_int_option(handle, MOSQ_OPT_TCP_NODELAY, 1)
        mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, Int32(MQTT_PROTOCOL_V311))
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
        mosquitto_connect_callback_set(handle) { mosq, _, rc in
            guard rc == 0, let mosq else { return }
            // The session keeps the subscription; asking again is harmless and covers a
            // broker that lost it.
            mosquitto_subscribe(mosq, nil, "sensorgate/#", 1)
        }
        mosquitto_subscribe_callback_set(handle) { _, userdata, _, count, granted in
            guard let subscriber = FleetSubscriber.from(userdata) else { return }
            let granted = count >= 1 && (granted.map { $0.pointee <= 2 } ?? false)
            if granted { subscriber.lock.withLock { subscriber.subscribed = true } }
        }
        mosquitto_message_callback_set(handle) { _, userdata, message in
            var monotonic = timespec()
            clock_gettime(CLOCK_MONOTONIC, &monotonic)
            guard let subscriber = FleetSubscriber.from(userdata), let message, let topic = message.pointee.topic else { return }
            let now = Int64(monotonic.tv_sec) * 1_000_000_000 + Int64(monotonic.tv_nsec)
            let payload = UnsafeRawBufferPointer(start: message.pointee.payload, count: Int(message.pointee.payloadlen))
            subscriber.received(topic: String(cString: topic), payload, at: now)
        }
    }

    deinit {
        disconnect()
        mosquitto_destroy(handle)
    }

    private static func from(_ userdata: UnsafeMutableRawPointer?) -> FleetSubscriber? {
        userdata.map { Unmanaged<FleetSubscriber>.fromOpaque($0).takeUnretainedValue() }
    }

    /// Connects (resuming the session if the broker kept it) and waits for the SUBACK.
    func connect(port: Int, timeout: Double = 5) throws(BenchError) {
        lock.withLock { subscribed = false }
        let rc = mosquitto_connect(handle, "127.0.0.1", Int32(port), 30)
        guard rc == MOSQ_ERR_SUCCESS.rawValue else {
            throw BenchError("fleet subscriber: cannot connect to 127.0.0.1:\(port): \(describe(rc))")
        }
        let started = mosquitto_loop_start(handle)
        guard started == MOSQ_ERR_SUCCESS.rawValue else {
            throw BenchError("fleet subscriber: mosquitto_loop_start: \(describe(started))")
        }
        lock.withLock { looping = true }
        guard BenchClock.wait(timeout: timeout, interval: 0.001, until: { lock.withLock { subscribed } }) else {
            throw BenchError("fleet subscriber: no SUBACK for 'sensorgate/#' within \(timeout) s")
        }
    }

    /// Disconnects cleanly (the session stays with the broker) and joins the network thread.
    func disconnect() {
        let wasLooping = lock.withLock { () -> Bool in
            let was = looping
            looping = false
            return was
        }
        guard wasLooping else { return }
        mosquitto_disconnect(handle)
        mosquitto_loop_stop(handle, false)
    }

    /// From now on, each gateway's first receipt of a reading whose `ts` is at or after
    /// this moment is recorded as `firstAfterMark`. Called when the broker is back: such a
    /// reading can only have reached it once its gateway had reconnected, while older ones
    /// (queued in the session, re-sent in flight) arrive as soon as the subscriber is back.
    func mark() {
        lock.withLock {
            markedAt = BenchClock.realtimeNanoseconds() / 1_000
            for position in tallies.indices { tallies[position].firstAfterMark = nil }
        }
    }

    /// Every gateway's tally, with its missing `seq` counted.
    var snapshot: [Tally] {
        lock.withLock {
            var result = tallies
            for position in result.indices where result[position].highest > 0 {
                result[position].missing = Int(result[position].highest) - result[position].unique
            }
            return result
        }
    }

    /// Distinct messages counted over all gateways, and receipts of any kind.
    var totals: (unique: Int, received: Int, first: Int64?, last: Int64?) {
        lock.withLock { (tallies.reduce(0) { $0 + $1.unique }, received, firstReceipt, lastReceipt) }
    }

    private func received(topic: String, _ payload: UnsafeRawBufferPointer, at now: Int64) {
        let parts = topic.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0] == "sensorgate", let position = index[String(parts[1])] else { return }
        lock.withLock {
            received += 1
            fields.parse(payload)
            guard let seq = fields.seq, seq >= 1, seq < 1 << 24 else { return }
            if firstReceipt == nil { firstReceipt = now }
            lastReceipt = now
            if tallies[position].firstReceipt == nil { tallies[position].firstReceipt = now }
            if let markedAt, tallies[position].firstAfterMark == nil, let ts = fields.timestampMicroseconds, ts >= markedAt {
                tallies[position].firstAfterMark = now
            }
            let bit = Int(seq - 1)
            let word = bit >> 6
            if word >= seen[position].count {
                seen[position].append(contentsOf: repeatElement(0, count: max(word + 1 - seen[position].count, 64)))
            }
            let mask: UInt64 = 1 << UInt64(bit & 63)
            if seen[position][word] & mask != 0 {
                tallies[position].duplicates += 1
            } else {
                seen[position][word] |= mask
                tallies[position].unique += 1
                tallies[position].lowest = min(tallies[position].lowest, seq)
                tallies[position].highest = max(tallies[position].highest, seq)
            }
        }
    }
}
