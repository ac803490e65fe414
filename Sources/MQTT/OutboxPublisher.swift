import Logging
import Runtime
import SensorgateCore

/// The durable path to the broker: QoS 1/2 messages go into the ``Outbox`` first and to
/// the client only once committed, at most ``OutboxConfiguration/inflight`` at a time,
/// and leave the outbox when the broker acknowledges them.
///
/// Everything published during one loop turn is committed in one transaction on the
/// next turn, then sent. QoS 0 messages are not stored; they wait for that same commit
/// only because it makes their `seq` durable, then go to the client (whose memory buffer
/// holds them while the broker is away).
///
/// While the disk refuses writes (full, read-only, I/O errors), what is published is
/// dropped and counted (``OutboxCounters/droppedDiskError``); `seq` keeps counting, so
/// the loss shows as a gap once a commit succeeds again. One error line starts such an
/// episode and one line ends it.
///
/// Loop-confined.
public final class OutboxPublisher: MessagePublisher {
    public let outbox: Outbox
    public private(set) var client: MQTTClient
    private let loop: EventLoop
    private let logger: Logger
    private var direct: [OutgoingMessage] = []
    private var flushScheduled = false
    private var rowsByMid: [Int32: Int64] = [:]
    private var syncTimer: EventLoop.TimerID?
    /// Set while commits fail: the first failure's text, logged once.
    private var diskFailure: OutboxError?
    private var droppedBeforeFailure: UInt64 = 0
    private var fullDropsLogged: UInt64 = 0
    private var nextFullDropLog: Timestamp?
    private var stopping = false
    private var brokerRefusals: UInt64 = 0
    /// Set once the client was told to send `final`: nothing more may go out after it.
    private var finalHandedOver = false

    /// Called once per episode of refused writes, after its error is logged, with the same
    /// text, so the gateway can also publish it (around the outbox, which cannot take it).
    public var onDiskFailure: (String) -> Void = { _ in }

    /// How often a full outbox is reported at most.
    static let dropLogInterval = Interval.seconds(10)

    public init(outbox: Outbox, client: MQTTClient, loop: EventLoop, logger: Logger) {
        self.outbox = outbox
        self.client = client
        self.loop = loop
        self.logger = logger
        attach(client)
        // Before anything is numbered: the start's first readings already take numbers.
        let waiting = outbox.counters.depth > 0 ? "\(outbox.counters.depth) messages from the previous run are sent first, in order" : "empty"
        logger.info("outbox \(outbox.configuration.path): \(waiting); seq continues at \(outbox.lastSequence + 1)")
    }

    public var counters: OutboxCounters { outbox.counters }

    private func attach(_ client: MQTTClient) {
        client.onAcknowledged = { [weak self] mid in self?.acknowledged(mid) }
        client.onRefused = { [weak self] mid, reason in self?.refusedByBroker(mid, reason) ?? false }
        client.onReadyToSend = { [weak self] in self?.sendWaiting() }
    }

    /// From now on rows go to `successor`: those in flight with the retiring client wait
    /// again (its mids mean nothing to the successor) and go out once it connects. The
    /// retiring client's own acknowledgements are no longer listened to, so a row it
    /// delivers meanwhile is sent again by the successor: a duplicate, never a loss.
    public func switchClient(to successor: MQTTClient) {
        client.onAcknowledged = { _ in }
        client.onRefused = { _, _ in false }
        client.onReadyToSend = {}
        rowsByMid.removeAll()
        do {
            try outbox.handBack()
        } catch {
            logger.error("outbox: \(error); the rows in flight are sent again anyway")
        }
        client = successor
        attach(successor)
        sendWaiting()
    }

    /// Starts the sync policy's timer.
    public func start() {
        scheduleSync()
    }

    /// The next `seq`, recorded with the commit of the messages published in this turn.
    public func nextSequence() -> UInt64 { outbox.nextSequence() }

    public func publish(topic: String, payload: [UInt8], qos: Int32, retain: Bool) {
        let message = OutgoingMessage(topic: topic, payload: payload, qos: qos, retain: retain)
        if qos > 0 { outbox.append(message) } else { direct.append(message) }
        scheduleFlush()
    }

    private var sendScheduled = false

    /// Refills the in-flight window on the next loop turn (after an acknowledgement).
    private func scheduleSend() {
        guard !sendScheduled else { return }
        sendScheduled = true
        loop.schedule(after: .zero) { [weak self] in
            guard let self else { return }
            sendScheduled = false
            sendWaiting()
        }
    }

    public var backlog: Int { outbox.counters.depth + direct.count + client.backlog - outbox.inFlight }

    // MARK: Committing and sending

    private func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        loop.schedule(after: outbox.configuration.batchInterval) { [weak self] in
            guard let self else { return }
            flushScheduled = false
            flush()
        }
    }

    /// Commits this turn's messages, then sends the QoS 0 ones and what waits in the outbox.
    func flush() {
        let droppedBefore = outbox.counters.droppedFull
        let diskDropsBefore = outbox.counters.droppedDiskError
        do {
            try outbox.commit()
            if let failure = diskFailure {
                logger.notice("outbox \(outbox.configuration.path) writable again; \(outbox.counters.droppedDiskError - droppedBeforeFailure) messages were dropped meanwhile (\(failure.kind == .full ? "disk full" : "write errors"))")
                diskFailure = nil
            }
            for message in direct { client.publish(topic: message.topic, payload: message.payload, qos: message.qos, retain: message.retain) }
            direct.removeAll(keepingCapacity: true)
        } catch {
            // Their seq may not be durable: sending them could repeat a number after a crash.
            outbox.countDropped(unstored: direct.count)
            direct.removeAll(keepingCapacity: true)
            if diskFailure == nil {
                diskFailure = error
                droppedBeforeFailure = diskDropsBefore
                let text = "outbox \(outbox.configuration.path): \(error); new messages are dropped and counted until a write succeeds (seq keeps counting, so subscribers see the gap)"
                logger.error("\(text)")
                onDiskFailure(text)
            }
        }
        if outbox.counters.droppedFull > droppedBefore { reportFullDrops() }
        sendWaiting()
    }

    private func reportFullDrops() {
        let now = loop.now()
        if let next = nextFullDropLog, now < next { return }
        nextFullDropLog = now + Self.dropLogInterval
        let configuration = outbox.configuration
        logger.warning("outbox full (\(outbox.counters.depth) messages, \(outbox.counters.bytes) bytes; limits max_messages \(configuration.maxMessages), max_bytes \(configuration.maxBytes)): dropped the oldest, \(outbox.counters.droppedFull - fullDropsLogged) since the last report, \(outbox.counters.droppedFull) in all")
        fullDropsLogged = outbox.counters.droppedFull
    }

    /// Hands waiting rows to the client while the in-flight window has room.
    private func sendWaiting() {
        guard client.canSend, !finalHandedOver else { return }
        while outbox.inFlight < outbox.configuration.inflight {
            let rows: [Outbox.Row]
            do {
                rows = try outbox.waitingRows(limit: outbox.configuration.inflight - outbox.inFlight)
            } catch {
                logger.error("outbox: \(error); retrying with the next acknowledgement or message")
                return
            }
            guard !rows.isEmpty else { return }
            for row in rows {
                switch client.sendTracked(row.message) {
                case .sent(let mid):
                    rowsByMid[mid] = row.id
                    outbox.handed(row)
                case .notConnected:
                    return
                case .refused(let reason):
                    // It would block every message behind it: it leaves the outbox as dropped.
                    logger.error("cannot publish to '\(LogText.escaped(row.message.topic))': \(reason); the message leaves the outbox")
                    outbox.handed(row)
                    outbox.discard(row.id)
                    scheduleFlush()
                }
            }
        }
    }

    /// Runs inside libmosquitto's callback: only bookkeeping here. The deletion rides
    /// with the next commit (of new messages, else the sync timer's): until then a
    /// SIGKILL re-sends the message at the next start, a duplicate, never a loss.
    private func acknowledged(_ mid: Int32) {
        guard let id = rowsByMid.removeValue(forKey: mid) else { return }
        outbox.acknowledge(id)
        scheduleSend()
    }

    /// The broker refused a row by an MQTT 5 reason code: sent again it would be refused
    /// again, so it leaves the outbox as refused, like a message libmosquitto refuses.
    /// Runs inside libmosquitto's callback: only bookkeeping and one log line here.
    private func refusedByBroker(_ mid: Int32, _ reason: String) -> Bool {
        guard let id = rowsByMid.removeValue(forKey: mid) else { return false }
        outbox.discard(id)
        brokerRefusals += 1
        if brokerRefusals == 1 || brokerRefusals.isMultiple(of: 1000) {
            logger.error("broker \(client.brokerDescription) refused a message from the outbox: \(reason); it leaves the outbox as refused (\(brokerRefusals) so far)")
        }
        scheduleFlush()
        scheduleSend()
        return true
    }

    // MARK: The sync policy

    private func scheduleSync() {
        // With `sync: 0s` every commit syncs; the timer still commits acknowledgements
        // when nothing new is published.
        let configured = outbox.configuration.syncInterval
        let interval = configured > .zero ? configured : .seconds(1)
        guard !stopping else { return }
        syncTimer = loop.schedule(after: interval) { [weak self] in
            guard let self else { return }
            syncTimer = nil
            flush()
            do {
                try outbox.synchronize()
            } catch {
                logger.error("outbox: \(error)")
            }
            scheduleSync()
        }
    }

    // MARK: Stopping

    /// Commits, delivers what the outbox holds while the broker acknowledges within
    /// `timeout`, then lets the client send `final` (nothing follows it) and disconnect,
    /// and closes the outbox: what was not acknowledged stays for the next start.
    public func shutdown(timeout: Interval, final: [OutgoingMessage], completion: @escaping () -> Void) {
        stopping = true
        if let syncTimer { loop.cancel(syncTimer) }
        syncTimer = nil
        flush()
        let deadline = loop.now() + timeout
        drain(until: deadline) { [weak self] in
            guard let self else { return }
            finalHandedOver = true
            let left = deadline - loop.now()
            client.shutdown(timeout: left > .zero ? left : .zero, final: final) { [weak self] in
                guard let self else { return }
                // Acknowledgements that arrived while the client finished are recorded too.
                do {
                    try outbox.close()
                } catch {
                    logger.error("outbox: \(error)")
                }
                if outbox.counters.depth > 0 {
                    logger.notice("outbox \(outbox.configuration.path): \(outbox.counters.depth) messages not acknowledged are kept for the next start")
                }
                completion()
            }
        }
    }

    /// The gateway did not start: close the outbox as a clean stop, nothing was sent.
    public func abandon() {
        stopping = true
        if let syncTimer { loop.cancel(syncTimer) }
        syncTimer = nil
        do {
            try outbox.close()
        } catch {
            logger.error("outbox: \(error)")
        }
    }

    private func drain(until deadline: Timestamp, then: @escaping () -> Void) {
        flush()
        let done = outbox.counters.depth == 0 && !outbox.hasUncommitted
        guard !done, client.state == .connected, loop.now() < deadline else {
            then()
            return
        }
        loop.schedule(after: .milliseconds(20)) { [weak self] in self?.drain(until: deadline, then: then) }
    }
}
