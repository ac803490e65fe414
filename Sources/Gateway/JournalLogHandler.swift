#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging

/// Log lines for systemd's journal when stderr is connected to it: each line starts with
/// its syslog priority as `<N>` (sd-daemon(3)'s prefixes, which journald turns into the
/// entry's PRIORITY=) and has no timestamp of its own, since the journal stamps every
/// entry. Elsewhere (a terminal, a file, a test) `sensorgate` logs with swift-log's stream
/// handler as before.
public struct JournalLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    public init(level: Logger.Level) {
        logLevel = level
    }

    /// The handler for `sensorgate`'s own logs: this one when stderr is the journal.
    public static func standardError(label: String, level: Logger.Level) -> any LogHandler {
        if stderrIsJournal(environment: getenv("JOURNAL_STREAM").map { String(cString: $0) }) {
            return JournalLogHandler(level: level)
        }
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }

    /// systemd sets `$JOURNAL_STREAM` to `DEVICE:INODE` of the stream it connected to
    /// stdout or stderr; a child whose stderr was redirected since inherits the variable,
    /// so it counts only when stderr is still that stream (systemd.exec(5)).
    static func stderrIsJournal(environment value: String?) -> Bool {
        guard let value else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var status = stat()
        guard fstat(STDERR_FILENO, &status) == 0 else { return false }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let line = Self.line(priority: Self.priority(event.level), source: event.source, message: event.message.description,
                             metadata: mergedMetadata(event.metadata))
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            // One write per line, so lines of different threads never interleave.
            var offset = 0
            while offset < buffer.count {
                let written = write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }

    private func mergedMetadata(_ event: Logger.Metadata?) -> Logger.Metadata {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let event { merged.merge(event) { _, new in new } }
        return merged
    }

    /// `<6>[MQTT] connected to mqtt://127.0.0.1:1883 as 'gw' key=value`: one line, as
    /// journald splits entries at newlines.
    static func line(priority: Int, source: String, message: String, metadata: Logger.Metadata) -> String {
        var text = "<\(priority)>[\(source)] " + message
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { text += " \(key)=\(value)" }
        return String(text.map { $0 == "\n" ? " " : $0 }) + "\n"
    }

    /// syslog(3) priorities: swift-log's trace and debug are both LOG_DEBUG.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }
}
