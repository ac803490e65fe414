import SensorgateCore

/// A debounced change of a binary input: the new logical level and the source time at
/// which the raw line first reached it (the kernel timestamp of the edge that began the
/// stable period), not the time it was published.
public struct LevelChange: Sendable, Equatable {
    public var level: Bool
    public var timestamp: Timestamp

    @inlinable
    public init(level: Bool, timestamp: Timestamp) {
        self.level = level
        self.timestamp = timestamp
    }
}
