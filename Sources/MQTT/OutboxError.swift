/// Why the outbox could not do what was asked: the file, the step and SQLite's reason.
public struct OutboxError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The file is not a SQLite database, or its pages are damaged.
        case corrupt
        /// The disk or the file system refused to store more (`SQLITE_FULL`).
        case full
        /// The file or its directory cannot be opened or written (permissions, read-only mount, missing directory).
        case unavailable
        /// Any other failure of SQLite or of the disk.
        case failed
    }

    public var kind: Kind
    public var description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
