import SensorgateCore

/// The durable queue of QoS 1 and 2 messages, and the `seq` counter that numbers them.
///
/// One SQLite database in WAL mode. Messages are appended in memory and written by
/// ``commit()`` in one transaction (the caller commits once per loop turn, before any of
/// them is handed to libmosquitto), together with the last `seq` handed out, so after a
/// crash or a SIGKILL numbering continues with the successor of the last number that
/// could have been published. A message leaves the database only when the broker
/// acknowledged it (``acknowledge(_:)``, written by the next commit).
///
/// Bounded by ``OutboxConfiguration/maxMessages`` and ``OutboxConfiguration/maxBytes``:
/// past either, the oldest messages not yet handed to the client are dropped (messages in
/// flight stay until acknowledged, so the bounds may be exceeded by the in-flight window).
///
/// Loop-confined, like the client.
public final class Outbox {
    public struct Row {
        public var id: Int64
        public var message: OutgoingMessage
    }

    public let configuration: OutboxConfiguration
    public private(set) var counters = OutboxCounters()
    /// The last `seq` handed out (durable once committed).
    public private(set) var lastSequence: UInt64
    /// Set when the previous run ended without a clean stop under another boot of the
    /// system: how far `seq` skipped ahead.
    public private(set) var skippedAfterPowerLoss: UInt64?
    /// The highest row id handed to the client: rows above it wait for their turn.
    public var handedUpTo: Int64 = 0

    private let database: OutboxDatabase
    private var pending: [Row] = []
    private var pendingBytes = 0
    /// Rows to delete with the next commit, with their sizes (0 for a row this process did not hand out).
    private var acknowledgedIDs: [(id: Int64, size: Int)] = []
    /// How many of ``acknowledgedIDs`` were discarded, not acknowledged.
    private var discardedCount = 0
    /// Sizes of the rows handed to the client and not acknowledged yet.
    private var handedSizes: [Int64: Int] = [:]
    private var nextID: Int64 = 1
    private var sequenceDirty = false
    private var unsyncedCommits = 0
    private var isClosed = false

    private let insert: OutboxDatabase.Statement
    private let delete: OutboxDatabase.Statement
    private let saveSequence: OutboxDatabase.Statement
    private let waiting: OutboxDatabase.Statement
    private let oldestWaiting: OutboxDatabase.Statement
    private let dropWaiting: OutboxDatabase.Statement

    static let schemaVersion = 1

    /// Opens (or creates) the outbox. `pageLimit` caps the database's pages, so that
    /// tests meet SQLite's "database or disk is full" without filling a disk.
    public convenience init(configuration: OutboxConfiguration) throws(OutboxError) {
        try self.init(configuration: configuration, pageLimit: nil)
    }

    init(configuration: OutboxConfiguration, pageLimit: Int?) throws(OutboxError) {
        self.configuration = configuration
        let database: OutboxDatabase
        do {
            database = try OutboxDatabase(path: configuration.path)
        } catch {
            throw Self.explained(error, path: configuration.path)
        }
        self.database = database
        do {
            try Self.prepareSchema(database, configuration: configuration)
            if let pageLimit { try database.execute("PRAGMA max_page_count = \(pageLimit)", "cannot limit the pages") }
        } catch {
            database.close()
            throw Self.explained(error, path: configuration.path)
        }
        do {
            insert = try database.prepare("INSERT INTO message (id, qos, retain, topic, payload) VALUES (?, ?, ?, ?, ?)")
            delete = try database.prepare("DELETE FROM message WHERE id = ?")
            saveSequence = try database.prepare("UPDATE state SET last_seq = ?, clean = ?, boot_id = ? WHERE one = 1")
            waiting = try database.prepare("SELECT id, qos, retain, topic, payload FROM message WHERE id > ? ORDER BY id LIMIT ?")
            oldestWaiting = try database.prepare("SELECT id, length(topic) + length(payload) FROM message WHERE id > ? ORDER BY id LIMIT 512")
            dropWaiting = try database.prepare("DELETE FROM message WHERE id > ? AND id <= ?")
            let state = try database.prepare("SELECT last_seq, clean, boot_id FROM state WHERE one = 1")
            var stored: UInt64 = 0
            var clean = true
            var bootID = configuration.bootID
            if try state.step("cannot read the last seq") {
                stored = UInt64(bitPattern: state.int64(0))
                clean = state.int64(1) != 0
                bootID = state.text(2)
            }
            state.reset()
            var last = max(stored, configuration.sequenceFloor)
            if !clean, bootID != configuration.bootID {
                // The last writes before a power cut may be gone, `seq` among them.
                last += configuration.powerLossSkip
                skippedAfterPowerLoss = configuration.powerLossSkip
            }
            lastSequence = last
            let totals = try database.prepare("SELECT count(*), coalesce(sum(length(topic) + length(payload)), 0), coalesce(max(id), 0) FROM message")
            _ = try totals.step("cannot count the messages")
            counters.depth = Int(totals.int64(0))
            counters.bytes = Int(totals.int64(1))
            nextID = totals.int64(2) + 1
            totals.reset()
            // From now on an unclean end is one to recognise at the next start.
            saveSequence.bind(1, Int64(bitPattern: lastSequence))
            saveSequence.bind(2, 0)
            saveSequence.bind(3, configuration.bootID)
            try saveSequence.run("cannot record the start")
            if configuration.syncInterval == .zero { try database.checkpoint() }
        } catch {
            database.close()
            throw Self.explained(error, path: configuration.path)
        }
    }

    deinit { database.close() }

    private static func prepareSchema(_ database: OutboxDatabase, configuration: OutboxConfiguration) throws(OutboxError) {
        // Small pages: a commit writes each page it changed to the log, so the page size
        // is what one commit costs the SD card (only a new database takes it).
        try database.execute("PRAGMA page_size = 1024", "cannot set the page size")
        // WAL: a commit appends to `<path>-wal` (one write, no fsync with NORMAL); the
        // checkpoint on the sync interval fsyncs it and folds it into the database.
        try database.execute("PRAGMA journal_mode = WAL", "cannot switch to WAL mode")
        try database.execute(configuration.syncInterval == .zero ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL",
                             "cannot set the sync policy")
        try database.execute("""
            BEGIN IMMEDIATE;
            CREATE TABLE IF NOT EXISTS message (id INTEGER PRIMARY KEY, qos INTEGER NOT NULL, retain INTEGER NOT NULL,
                                                topic BLOB NOT NULL, payload BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS state (one INTEGER PRIMARY KEY CHECK (one = 1), last_seq INTEGER NOT NULL,
                                              clean INTEGER NOT NULL, boot_id TEXT NOT NULL);
            INSERT OR IGNORE INTO state (one, last_seq, clean, boot_id) VALUES (1, 0, 1, '');
            PRAGMA user_version = \(schemaVersion);
            COMMIT;
            """, "cannot create the tables")
    }

    /// The error with what to do about it.
    private static func explained(_ error: OutboxError, path: String) -> OutboxError {
        switch error.kind {
        case .corrupt:
            return OutboxError(.corrupt, "\(error.description): the outbox is damaged or not an outbox; move \(path) (and its -wal and -shm files) aside to start with an empty one, its undelivered messages are then lost")
        case .unavailable:
            return OutboxError(.unavailable, "\(error.description): the directory must exist and be writable by the gateway (set mqtt.outbox.path, gateway.state_dir or systemd's StateDirectory=)")
        case .full:
            return OutboxError(.full, "\(error.description): the disk is full; free space or move the outbox (mqtt.outbox.path)")
        case .failed:
            return error
        }
    }

    // MARK: Numbering and queueing

    /// The next `seq`: durable with the next ``commit()``.
    public func nextSequence() -> UInt64 {
        lastSequence += 1
        sequenceDirty = true
        counters.assigned += 1
        return lastSequence
    }

    /// Queues a message for the next ``commit()``; returns its row id.
    @discardableResult
    public func append(_ message: OutgoingMessage) -> Int64 {
        let id = nextID
        nextID += 1
        pending.append(Row(id: id, message: message))
        pendingBytes += message.topic.utf8.count + message.payload.count
        return id
    }

    /// The broker acknowledged row `id`: it is deleted by the next ``commit()``.
    public func acknowledge(_ id: Int64) {
        // Out of the in-flight window at once: the window refills before the deletion commits.
        acknowledgedIDs.append((id, handedSizes.removeValue(forKey: id) ?? 0))
    }

    /// Row `id` was refused by the client and will never be sent: deleted by the next
    /// ``commit()`` and counted as dropped.
    public func discard(_ id: Int64) {
        acknowledge(id)
        discardedCount += 1
    }

    /// Messages that were never stored because the disk failed (QoS 0 messages whose
    /// `seq` could not be made durable).
    public func countDropped(unstored count: Int) {
        counters.droppedDiskError += UInt64(count)
    }

    /// True when ``commit()`` has something to write.
    public var hasUncommitted: Bool { !pending.isEmpty || !acknowledgedIDs.isEmpty || sequenceDirty }

    /// Writes the queued messages, the acknowledged deletions and the last `seq` in one
    /// transaction. On failure nothing of it is written: the queued messages are dropped
    /// (counted in ``OutboxCounters/droppedDiskError``), the deletions are kept for the
    /// next commit, and the error is returned.
    public func commit() throws(OutboxError) {
        guard !isClosed, hasUncommitted else { return }
        do {
            try database.execute("BEGIN IMMEDIATE", "cannot start a transaction")
        } catch {
            dropPending()
            throw error
        }
        do {
            var acknowledgedBytes = 0, deleted = 0
            for (id, size) in acknowledgedIDs {
                delete.bind(1, id)
                try delete.run("cannot delete an acknowledged message")
                if database.changes > 0 {
                    acknowledgedBytes += size
                    deleted += 1
                }
            }
            for row in pending {
                insert.bind(1, row.id)
                insert.bind(2, Int64(row.message.qos))
                insert.bind(3, row.message.retain ? 1 : 0)
                insert.bind(4, Array(row.message.topic.utf8))
                insert.bind(5, row.message.payload)
                try insert.run("cannot store a message")
            }
            var depth = counters.depth - deleted + pending.count
            var bytes = counters.bytes - acknowledgedBytes + pendingBytes
            var dropped = 0
            if depth > configuration.maxMessages || bytes > configuration.maxBytes {
                (dropped, bytes) = try dropOldest(depth: depth, bytes: bytes)
                depth -= dropped
            }
            if sequenceDirty {
                saveSequence.bind(1, Int64(bitPattern: lastSequence))
                saveSequence.bind(2, 0)
                saveSequence.bind(3, configuration.bootID)
                try saveSequence.run("cannot record the last seq")
            }
            try database.execute("COMMIT", "cannot commit")
            counters.acknowledged += UInt64(acknowledgedIDs.count - discardedCount)
            counters.droppedRefused += UInt64(discardedCount)
            discardedCount = 0
            counters.stored += UInt64(pending.count)
            counters.droppedFull += UInt64(dropped)
            counters.depth = depth
            counters.bytes = bytes
            acknowledgedIDs.removeAll(keepingCapacity: true)
            pending.removeAll(keepingCapacity: true)
            pendingBytes = 0
            sequenceDirty = false
            unsyncedCommits += 1
        } catch {
            dropPending()
            if database.inTransaction {
                do {
                    try database.execute("ROLLBACK", "cannot roll back")
                } catch let rollback {
                    // Left open, the transaction would make every later commit fail too.
                    throw OutboxError(rollback.kind, "\(error.description); then \(rollback.description)")
                }
            }
            throw error
        }
    }

    private func dropPending() {
        counters.droppedDiskError += UInt64(pending.count)
        pending.removeAll(keepingCapacity: true)
        pendingBytes = 0
    }

    /// Deletes the oldest rows not handed to the client until both bounds hold (inside
    /// the commit's transaction); returns how many went and the bytes left.
    private func dropOldest(depth: Int, bytes: Int) throws(OutboxError) -> (Int, Int) {
        var depth = depth, bytes = bytes, dropped = 0
        var cutoff = handedUpTo
        while depth > configuration.maxMessages || bytes > configuration.maxBytes {
            oldestWaiting.bind(1, cutoff)
            var found = false
            while depth > configuration.maxMessages || bytes > configuration.maxBytes,
                  try oldestWaiting.step("cannot find the oldest messages") {
                found = true
                cutoff = oldestWaiting.int64(0)
                bytes -= Int(oldestWaiting.int64(1))
                depth -= 1
                dropped += 1
            }
            oldestWaiting.reset()
            if !found { break }  // only messages in flight are left
        }
        if cutoff > handedUpTo {
            dropWaiting.bind(1, handedUpTo)
            dropWaiting.bind(2, cutoff)
            try dropWaiting.run("cannot drop the oldest messages")
        }
        return (dropped, bytes)
    }

    // MARK: Handing out

    /// Up to `limit` committed rows above ``handedUpTo``, oldest first.
    public func waitingRows(limit: Int) throws(OutboxError) -> [Row] {
        guard limit > 0, !isClosed else { return [] }
        waiting.bind(1, handedUpTo)
        waiting.bind(2, Int64(limit))
        defer { waiting.reset() }
        var rows: [Row] = []
        while try waiting.step("cannot read the waiting messages") {
            let topic = String(decoding: waiting.bytes(3), as: UTF8.self)
            rows.append(Row(id: waiting.int64(0), message: OutgoingMessage(
                topic: topic, payload: waiting.bytes(4), qos: Int32(waiting.int64(1)), retain: waiting.int64(2) != 0)))
        }
        return rows
    }

    /// Row `row` is now with the client: it waits for its acknowledgement.
    public func handed(_ row: Row) {
        handedUpTo = max(handedUpTo, row.id)
        handedSizes[row.id] = row.message.topic.utf8.count + row.message.payload.count
    }

    /// Rows handed to the client and not acknowledged yet.
    public var inFlight: Int { handedSizes.count }

    /// The client the rows in flight went to is gone (a new broker, new credentials): they
    /// wait again, to be handed to its successor from the oldest on. Acknowledgements
    /// recorded so far are committed first, so the rows they name are not sent again; a row
    /// whose acknowledgement could not be committed may go out twice (QoS 1 allows it).
    public func handBack() throws(OutboxError) {
        defer {
            if let oldest = handedSizes.keys.min() { handedUpTo = min(handedUpTo, oldest - 1) }
            handedSizes.removeAll()
        }
        try commit()
    }

    // MARK: Syncing and closing

    /// Makes what was committed survive a power cut (the sync policy's timer calls it).
    public func synchronize() throws(OutboxError) {
        guard !isClosed, unsyncedCommits > 0 else { return }
        unsyncedCommits = 0
        try database.checkpoint()
    }

    /// Commits what is queued, marks the stop clean, syncs and closes. Unacknowledged
    /// messages stay for the next start.
    public func close() throws(OutboxError) {
        guard !isClosed else { return }
        defer {
            isClosed = true
            database.close()
        }
        try commit()
        saveSequence.bind(1, Int64(bitPattern: lastSequence))
        saveSequence.bind(2, 1)
        saveSequence.bind(3, configuration.bootID)
        try saveSequence.run("cannot record the clean stop")
        try database.checkpoint(truncating: true)
    }
}
