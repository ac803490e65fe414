#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging

/// What every measurement needs: the mode, the broker, the `sensorgate` binary and a
/// scratch directory for profiles, logs and the gateway's state.
final class BenchContext {
    let quick: Bool
    let broker: BenchBroker
    /// The `sensorgate` executable next to the bench.
    let sensorgate: String
    let workDirectory: String
    let logger: Logger
    private var counter = 0

    init(quick: Bool, broker: BenchBroker, sensorgate: String, workDirectory: String, logger: Logger) {
        self.quick = quick
        self.broker = broker
        self.sensorgate = sensorgate
        self.workDirectory = workDirectory
        self.logger = logger
    }

    var stateDirectory: String { workDirectory + "/state" }
    var brokerURL: String { "mqtt://127.0.0.1:\(broker.port)" }

    /// A name no other step of this run uses (gateway ids, client ids, topics).
    func uniqueName(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)-\(getpid())-\(counter)"
    }

    /// Writes a profile into the scratch directory and returns its path.
    func writeProfile(_ text: String, name: String) throws(BenchError) -> String {
        let path = workDirectory + "/" + name + ".yaml"
        try BenchFiles.write(text, to: path)
        return path
    }

    /// `sensorgate validate FILE`; throws with the validator's output unless it exits 0.
    /// Returns the seconds it took.
    @discardableResult
    func validate(_ profile: String) throws(BenchError) -> Double {
        let logPath = profile + ".validate.log"
        let start = BenchClock.monotonicNanoseconds()
        let end = try ChildProcess.run(sensorgate, ["validate", profile], name: "sensorgate validate",
                                       logPath: logPath, timeout: 60)
        let seconds = Double(BenchClock.monotonicNanoseconds() - start) / 1e9
        guard end == .exited(0) else {
            throw BenchError("sensorgate validate \(profile): \(end):\n\(BenchFiles.tail(logPath))")
        }
        return seconds
    }

    /// Starts `sensorgate run --simulate` on `profile` against the bench's broker.
    /// `timed`: spawned directly (see ``ChildProcess/spawn(_:_:name:logPath:dieWithParent:)``).
    func startGateway(_ profile: String, logName: String, timed: Bool = false) throws(BenchError) -> ChildProcess {
        try broker.ensureRunning()
        return try ChildProcess.spawn(
            sensorgate,
            ["run", "--simulate", "--profile", profile, "--broker", brokerURL, "--state-dir", stateDirectory],
            name: "sensorgate run", logPath: workDirectory + "/" + logName + ".log", dieWithParent: !timed)
    }

    /// SIGTERM, then checks that the gateway exits 0 within 15 s (it flushes for up to 5 s).
    func stopGateway(_ child: ChildProcess) throws(BenchError) {
        let end = child.terminate(grace: 15)
        guard end == .exited(0) else {
            throw BenchError("the gateway ended with \(end) after SIGTERM, not exit 0; its log:\n\(BenchFiles.tail(child.logPath ?? ""))")
        }
    }

    /// Throws if the gateway has exited or the broker has died (waits fail fast instead of timing out).
    func checkAlive(_ child: ChildProcess?) throws(BenchError) {
        if let child, let end = child.poll() {
            throw BenchError("the gateway exited early (\(end)); its log:\n\(BenchFiles.tail(child.logPath ?? ""))")
        }
        if !broker.isAlive {
            throw BenchError("the broker died; its log:\n\(BenchFiles.tail(broker.logPath, lines: 4))")
        }
    }

    /// Waits until `condition` holds, checking every `interval` that the gateway and the
    /// broker are alive; throws `what` after `timeout` seconds.
    func wait(for what: String, timeout: Double, gateway: ChildProcess? = nil, interval: Double = 0.002,
              until condition: () -> Bool) throws(BenchError) {
        let deadline = BenchClock.monotonicNanoseconds() + Int64(timeout * 1e9)
        var lastCheck: Int64 = 0
        while !condition() {
            let now = BenchClock.monotonicNanoseconds()
            if now >= deadline { throw BenchError("timed out after \(timeout) s waiting for \(what)") }
            if now - lastCheck > 100_000_000 {
                try checkAlive(gateway)
                lastCheck = now
            }
            BenchClock.sleep(seconds: interval)
        }
    }
}
