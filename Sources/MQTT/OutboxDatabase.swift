import CSQLite

/// One SQLite connection, with errors turned into ``OutboxError`` values that name the
/// file, the step and SQLite's reason. Only the few calls the outbox needs.
final class OutboxDatabase {
    let path: String
    private let handle: OpaquePointer
    private var closed = false

    init(path: String) throws(OutboxError) {
        self.path = path
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let reason = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            if let db { sqlite3_close_v2(db) }
            throw Self.error(rc, "cannot open \(path)", reason)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        // Another process holding a write lock (a second gateway) is waited for briefly.
        sqlite3_busy_timeout(db, 2_000)
    }

    deinit { close() }

    func close() {
        guard !closed else { return }
        closed = true
        sqlite3_close_v2(handle)
    }

    /// Runs statements that return no rows (or whose rows are of no interest).
    func execute(_ sql: String, _ step: String) throws(OutboxError) {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        let reason = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
        sqlite3_free(message)
        guard rc == SQLITE_OK else { throw Self.error(rc, "\(step) in \(path)", reason) }
    }

    func prepare(_ sql: String) throws(OutboxError) -> Statement {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw failure(rc, "cannot prepare a query") }
        return Statement(statement, database: self)
    }

    /// True inside a transaction (SQLite ends one by itself after some failures, a full disk among them).
    var inTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Rows changed by the last statement.
    var changes: Int { Int(sqlite3_changes(handle)) }

    /// Writes what the write-ahead log holds into the database file, syncing both
    /// (`PRAGMA wal_checkpoint(PASSIVE)`: it never waits for a reader).
    func checkpoint(truncating: Bool = false) throws(OutboxError) {
        let mode = truncating ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE
        let rc = sqlite3_wal_checkpoint_v2(handle, nil, mode, nil, nil)
        guard rc == SQLITE_OK || rc == SQLITE_BUSY else { throw failure(rc, "cannot sync the write-ahead log") }
    }

    func failure(_ rc: Int32, _ step: String) -> OutboxError {
        Self.error(rc, "\(step) in \(path)", String(cString: sqlite3_errmsg(handle)))
    }

    static func error(_ rc: Int32, _ step: String, _ reason: String) -> OutboxError {
        let kind: OutboxError.Kind
        switch rc & 0xFF {
        case SQLITE_CORRUPT, SQLITE_NOTADB: kind = .corrupt
        case SQLITE_FULL: kind = .full
        case SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_PERM, SQLITE_AUTH: kind = .unavailable
        default: kind = .failed
        }
        return OutboxError(kind, "\(step): \(reason)")
    }

    /// A prepared statement, reset after every use.
    final class Statement {
        private let handle: OpaquePointer
        private unowned let database: OutboxDatabase

        fileprivate init(_ handle: OpaquePointer, database: OutboxDatabase) {
            self.handle = handle
            self.database = database
        }

        deinit { sqlite3_finalize(handle) }

        func bind(_ index: Int32, _ value: Int64) {
            sqlite3_bind_int64(handle, index, value)
        }

        func bind(_ index: Int32, _ bytes: [UInt8]) {
            bytes.withUnsafeBytes { raw in
                // SQLITE_TRANSIENT: SQLite copies the bytes before this returns.
                _ = sqlite3_bind_blob(handle, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
                                      Int32(raw.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self))
            }
        }

        func bind(_ index: Int32, _ text: String) {
            sqlite3_bind_text(handle, index, text, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        }

        /// Steps once: true with a row to read, false when done.
        func step(_ what: String) throws(OutboxError) -> Bool {
            let rc = sqlite3_step(handle)
            switch rc {
            case SQLITE_ROW: return true
            case SQLITE_DONE: return false
            default:
                let error = database.failure(rc, what)
                sqlite3_reset(handle)
                throw error
            }
        }

        /// Runs a statement that returns no rows, then resets it.
        func run(_ what: String) throws(OutboxError) {
            defer { reset() }
            _ = try step(what)
        }

        func reset() {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }

        func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

        func bytes(_ column: Int32) -> [UInt8] {
            // The pointer first, then its length (SQLite's documented order).
            guard let base = sqlite3_column_blob(handle, column) else { return [] }
            let count = Int(sqlite3_column_bytes(handle, column))
            return [UInt8](UnsafeRawBufferPointer(start: base, count: count))
        }

        func text(_ column: Int32) -> String {
            guard let text = sqlite3_column_text(handle, column) else { return "" }
            return String(cString: text)
        }
    }
}
