import Foundation
import Logging

/// A logger whose lines the test reads back.
final class CapturedLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String] = []

    var logger: Logger { Logger(label: "test") { _ in Handler(sink: self) } }

    var lines: [String] { lock.withLock { entries } }

    fileprivate func append(_ line: String) {
        lock.withLock { entries.append(line) }
    }

    private struct Handler: LogHandler {
        let sink: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            sink.append("\(event.level): \(event.message)")
        }
    }
}
