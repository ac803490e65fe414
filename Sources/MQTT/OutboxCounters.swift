/// What the outbox did since the gateway started: read-only for the gateway's logs and
/// statistics.
public struct OutboxCounters: Sendable, Equatable {
    /// `seq` numbers handed out.
    public var assigned: UInt64 = 0
    /// QoS 1/2 messages written to the outbox.
    public var stored: UInt64 = 0
    /// Messages the broker acknowledged (PUBACK for QoS 1, PUBCOMP for QoS 2) and that left the outbox.
    public var acknowledged: UInt64 = 0
    /// The oldest waiting messages dropped because the outbox reached `max_messages` or `max_bytes`.
    public var droppedFull: UInt64 = 0
    /// Messages dropped because the disk refused to store them (full disk, I/O error).
    public var droppedDiskError: UInt64 = 0
    /// Messages libmosquitto refused outright (too large, say), removed so they block nothing behind them.
    public var droppedRefused: UInt64 = 0
    /// Messages in the outbox now (waiting, or sent and not acknowledged yet).
    public var depth: Int = 0
    /// Their topic and payload bytes.
    public var bytes: Int = 0

    public init() {}

    /// Every drop, whatever the cause.
    public var dropped: UInt64 { droppedFull + droppedDiskError + droppedRefused }
}
