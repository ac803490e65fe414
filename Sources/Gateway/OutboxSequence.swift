#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
import MQTT

/// `seq` with an outbox: the outbox's counter, stored in the same transaction as the
/// messages it numbers, so after any restart (SIGKILL included) the next number is the
/// successor of the last one handed out: a gap at a subscriber is a loss, never a skip.
///
/// At a clean stop the last number is also written to the counter file the gateway uses
/// without an outbox (`<state_dir>/<gateway id>.seq`), so turning the outbox off later
/// continues above it; the outbox in turn starts above that file's number.
final class OutboxSequence: SequenceSource {
    private let publisher: OutboxPublisher
    private let counterFile: String
    private let logger: Logger
    var onFailure: (String) -> Void = { _ in }
    /// The outbox numbers every message it is given (a full disk drops the batch, counted
    /// by the outbox itself), so none is ever withheld for lack of a number.
    var withheldInAll: UInt64 { 0 }

    init(publisher: OutboxPublisher, counterFile: String, logger: Logger) {
        self.publisher = publisher
        self.counterFile = counterFile
        self.logger = logger
    }

    func next() -> UInt64? { publisher.nextSequence() }

    func close() {
        let directory = String(counterFile[..<(counterFile.lastIndex(of: "/") ?? counterFile.startIndex)])
        // Only where a state directory exists: the outbox may live elsewhere on purpose.
        var status = stat()
        guard stat(directory, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else { return }
        do {
            try StateFile.replace(counterFile, with: Array("\(publisher.outbox.lastSequence)\n".utf8))
        } catch {
            logger.warning("cannot record the last seq in \(counterFile) for runs without an outbox: \(error)")
        }
    }
}
