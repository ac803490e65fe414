import SensorgateCore

/// Where the outbox lives and how far it may grow. Built by the gateway from `mqtt.outbox`.
public struct OutboxConfiguration: Sendable, Equatable {
    /// The database file (SQLite, WAL mode: `<path>-wal` and `<path>-shm` beside it).
    public var path: String
    /// Most messages kept; past it the oldest waiting ones are dropped and counted.
    public var maxMessages: Int
    /// Most topic and payload bytes kept; past it the oldest waiting ones are dropped and counted.
    public var maxBytes: Int
    /// QoS 1/2 messages sent and not yet acknowledged at once (libmosquitto's in-flight window).
    public var inflight: Int
    /// How often what was written reaches the disk itself (`fsync`); `.zero` syncs every
    /// commit. Between syncs a write reaches the kernel, which survives a crash or SIGKILL
    /// of the gateway but not a power cut.
    public var syncInterval: Interval
    /// The longest a message waits for the commit that stores it (group commit: one
    /// transaction for everything published meanwhile); `.zero` commits once per loop turn.
    public var batchInterval: Interval
    /// This boot of the system (`/proc/sys/kernel/random/boot_id`): an unclean stop under
    /// another boot id was a power cut or a kernel crash, which may have lost the last
    /// `syncInterval` of writes, `seq` included.
    public var bootID: String
    /// The lowest `seq` already used elsewhere (the counter file of a run without an
    /// outbox): numbering continues above it.
    public var sequenceFloor: UInt64
    /// How far `seq` skips after a power cut, so that no number the lost writes had
    /// handed out is handed out again.
    public var powerLossSkip: UInt64

    public init(path: String, maxMessages: Int = 1_000_000, maxBytes: Int = 256 << 20, inflight: Int = 100,
                syncInterval: Interval = .seconds(1), batchInterval: Interval = .milliseconds(10), bootID: String = "", sequenceFloor: UInt64 = 0,
                powerLossSkip: UInt64 = 65_536) {
        self.path = path
        self.maxMessages = maxMessages
        self.maxBytes = maxBytes
        self.inflight = inflight
        self.syncInterval = syncInterval
        self.batchInterval = batchInterval
        self.bootID = bootID
        self.sequenceFloor = sequenceFloor
        self.powerLossSkip = powerLossSkip
    }
}
