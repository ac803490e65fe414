#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
import MQTT
import Profiles
import Runtime
import SensorgateCore

/// Opening the durable outbox (`mqtt.outbox`) and where it lives.
extension GatewayRuntime {
    /// The outbox's file: `mqtt.outbox.path`, else `<dir>/<gateway id>.outbox` in `--state-dir`
    /// when given, else systemd's `$STATE_DIRECTORY` (its first path), else `gateway.state_dir`.
    static func outboxPath(_ settings: OutboxSettings, gatewayID: String, stateDirectory: String,
                           stateDirectoryFromCommandLine: Bool, environment: String?) -> String {
        if let path = settings.path { return path }
        var directory = stateDirectory
        if !stateDirectoryFromCommandLine, let environment,
           let first = environment.split(separator: ":", omittingEmptySubsequences: true).first {
            directory = String(first)
        }
        return directory + "/" + gatewayID + ".outbox"
    }

    /// `$STATE_DIRECTORY`, which systemd sets for a unit with `StateDirectory=`.
    static var systemdStateDirectory: String? { getenv("STATE_DIRECTORY").map { String(cString: $0) } }

    /// Opens the outbox and locks its directory; every failure says what to do.
    static func openOutbox(_ settings: OutboxSettings, path: String, counterFile: String, client: MQTTClient,
                           loop: EventLoop, logger: Logger) throws(GatewayError) -> (OutboxPublisher, StateDirectoryLock) {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        do {
            try StateFile.makeDirectory(directory.isEmpty ? "/" : directory)
        } catch {
            throw GatewayError("outbox: \(error) (set mqtt.outbox.path, gateway.state_dir or pass --state-dir)")
        }
        let lock = try StateDirectoryLock(directory: directory.isEmpty ? "/" : directory)
        let floor = try SequenceCounter.readNumber(counterFile) ?? 0
        let bootID = readTextFile("/proc/sys/kernel/random/boot_id", limit: 64)?.trimmingWhitespace() ?? ""
        let configuration = OutboxConfiguration(path: path, maxMessages: settings.maxMessages, maxBytes: settings.maxBytes,
                                                inflight: settings.inflight, syncInterval: settings.sync, batchInterval: settings.batch,
                                                bootID: bootID, sequenceFloor: floor)
        let outbox: Outbox
        do {
            outbox = try Outbox(configuration: configuration)
        } catch {
            throw GatewayError("outbox: \(error.description)")
        }
        if let skipped = outbox.skippedAfterPowerLoss {
            logger.warning("outbox \(path): the previous run ended without a clean stop in an earlier boot (a power cut?); its last \(settings.sync.readableDescription) of writes may be lost, so seq skips \(skipped) numbers and continues at \(outbox.lastSequence + 1): no number is repeated")
        }
        return (OutboxPublisher(outbox: outbox, client: client, loop: loop, logger: logger), lock)
    }

    /// The outbox's counters, for logs and the statistics; nil without an outbox.
    var outboxCounters: OutboxCounters? { outbox?.counters }

    /// The shutdown line's outbox part.
    var outboxSummary: String {
        guard let counters = outboxCounters else { return "" }
        return "; outbox: \(counters.assigned) seq assigned, \(counters.stored) stored, \(counters.acknowledged) acknowledged, \(counters.dropped) dropped (full \(counters.droppedFull), disk \(counters.droppedDiskError), refused \(counters.droppedRefused)), \(counters.depth) kept"
    }
}
