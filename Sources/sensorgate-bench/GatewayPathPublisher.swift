import Logging
import MQTT
import Runtime
import SensorgateCore

/// The gateway's publish path in-process: the real ``EventLoop`` on a thread of its own,
/// the real ``MQTTClient`` (libmosquitto driven by the loop, no network thread) and the
/// real ``PayloadEncoder``, and for QoS 1/2, given a file, the durable ``OutboxPublisher``
/// in front of the client as the gateway runs it with `mqtt.outbox` (its defaults: `seq`
/// from the outbox, group commit, in-flight window 100). Messages are published on the
/// loop thread in batches; between batches the loop goes back to `epoll_wait` (the next
/// batch is a timer due at once), so it services the socket as it does in the gateway.
final class GatewayPathPublisher: @unchecked Sendable {
    struct Run {
        var firstPublish: Int64 = 0
        var lastPublish: Int64 = 0
        var published = 0
        /// The client's own count of messages it could not hand to libmosquitto.
        var dropped: UInt64 = 0
        var problem: String?
    }

    private let loop: EventLoop
    private var thread: BenchThread?

    // Loop thread only.
    private var client: MQTTClient?
    private var outbox: OutboxPublisher?
    private var encoder = PayloadEncoder()

    // Shared with the bench's main thread.
    private let lock = Mutex()
    private var connected = false
    private var finished = false
    private var stopped = false
    private var run = Run()
    private var problem: String?

    init() throws(BenchError) {
        do {
            loop = try EventLoop()
        } catch {
            throw BenchError("event loop: \(error)")
        }
    }

    /// Starts the loop thread, creates the client on it and waits for the connection.
    func start(port: Int, clientID: String, logger: Logger, outboxPath: String? = nil, timeout: Double = 5) throws(BenchError) {
        let loop = self.loop
        thread = try BenchThread.start { [self] in
            loop.run()
            lock.withLock { stopped = true }
        }
        loop.execute { [self] in
            let configuration = MQTTClientConfiguration(host: "127.0.0.1", port: port, clientID: clientID,
                                                        maxInflight: 100, maxBuffered: 1_000_000)
            do {
                let client = try MQTTClient(configuration: configuration, loop: loop, logger: logger)
                client.onConnect = { [unowned self] in lock.withLock { connected = true } }
                self.client = client
                if let outboxPath {
                    let outbox = try Outbox(configuration: OutboxConfiguration(path: outboxPath))
                    self.outbox = OutboxPublisher(outbox: outbox, client: client, loop: loop, logger: logger)
                    self.outbox?.start()
                }
                client.start()
            } catch {
                lock.withLock { problem = "\(error)" }
            }
        }
        let ready = BenchClock.wait(timeout: timeout, interval: 0.002) { lock.withLock { connected || problem != nil } }
        if let problem = lock.withLock({ problem }) { throw BenchError("gateway path: \(problem)") }
        guard ready else { throw BenchError("gateway path: no connection to 127.0.0.1:\(port) within \(timeout) s") }
    }

    /// Publishes `count` reading payloads with `seq` 1...count on the loop thread,
    /// `batch` per loop turn; returns at once (see ``isFinished``).
    func publish(topic: String, count: Int, qos: Int32, batch: Int, value: @escaping @Sendable (Int) -> Double) {
        loop.execute { [self] in
            let first = BenchClock.monotonicNanoseconds()
            lock.withLock { run.firstPublish = first }
            publishBatch(from: 1, topic: topic, count: count, qos: qos, batch: max(1, batch), value: value)
        }
    }

    private func publishBatch(from start: Int, topic: String, count: Int, qos: Int32, batch: Int,
                              value: @escaping @Sendable (Int) -> Double) {
        guard let client else { return }
        let publisher: any MessagePublisher = outbox ?? client
        let end = min(count, start + batch - 1)
        if start <= end {
            for index in start...end {
                let payload = encoder.state(.number(value(index)), unit: "°C", utc: BenchClock.realtimeNanoseconds(),
                                            seq: outbox?.nextSequence() ?? UInt64(index))
                publisher.publish(topic: topic, payload: payload, qos: qos, retain: false)
            }
        }
        if end < count {
            loop.schedule(at: loop.now()) { [self] in
                publishBatch(from: end + 1, topic: topic, count: count, qos: qos, batch: batch, value: value)
            }
        } else {
            let last = BenchClock.monotonicNanoseconds()
            let dropped = client.statistics.dropped + (outbox?.counters.dropped ?? 0)
            lock.withLock {
                run.lastPublish = last
                run.published = count
                run.dropped = dropped
                finished = true
            }
        }
    }

    var isFinished: Bool { lock.withLock { finished } }
    var result: Run { lock.withLock { run } }

    /// Shuts the client down (delivering what is pending, at most `flush` seconds), stops
    /// the loop and joins its thread.
    func shutdown(flush: Double = 2) {
        guard let thread else { return }
        let loop = self.loop
        loop.execute { [self] in
            guard let client else {
                loop.stop()
                return
            }
            let publisher: any MessagePublisher = outbox ?? client
            publisher.shutdown(timeout: .seconds(flush), final: []) { loop.stop() }
        }
        if !BenchClock.wait(timeout: flush + 3, interval: 0.005, until: { lock.withLock { stopped } }) {
            log("gateway path: the client did not finish its shutdown in time; stopping the loop")
            loop.stop()
        }
        thread.join()
        self.thread = nil
        // The client belongs to the loop thread, which has ended: release it here.
        client = nil
        outbox = nil
    }
}
