import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The `sensorgate` binary running as a child process, as a user runs it.
final class GatewayProcess: @unchecked Sendable {
    private let child: ChildProcess

    init(_ arguments: [String]) throws {
        child = try ChildProcess(TestEnvironment.binary, arguments)
    }

    deinit { child.stop(grace: 2) }

    var pid: Int32 { child.pid }
    var isRunning: Bool { child.isRunning }

    /// What it logged on standard error so far.
    var log: String { child.errorOutput }

    /// Sends `signal` and waits for the exit status; nil if it did not exit in time.
    func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 15) -> Int32? {
        child.signal(signal)
        let status = child.waitForExit(timeout: timeout)
        usleep(50_000)  // let the stderr reader drain
        return status
    }

    /// Waits until its log so far satisfies `condition` (the log is read by another
    /// thread, so a line may arrive a little after what it logged became visible elsewhere).
    func waitForLog(timeout: TimeInterval, _ condition: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(log) { return true }
            usleep(50_000)
        }
        return condition(log)
    }

    /// Waits for the exit status without signalling; nil if it did not exit in time.
    func waitForExit(timeout: TimeInterval) -> Int32? {
        let status = child.waitForExit(timeout: timeout)
        usleep(50_000)  // let the stderr reader drain
        return status
    }

    /// Runs the gateway on a profile with the test broker.
    static func run(profile: URL, stateDirectory: URL, broker: String = TestEnvironment.brokerURL,
                    extra: [String] = ["--simulate"]) throws -> GatewayProcess {
        try GatewayProcess(["run", "--profile", profile.path, "--broker", broker,
                            "--state-dir", stateDirectory.path] + extra)
    }
}
