import Foundation

/// The `sensorgate` binary running as a child process, as a user runs it.
final class GatewayProcess: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var errorText = Data()

    init(_ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: TestEnvironment.binary)
        process.arguments = arguments
        let errorPipe = Pipe()
        process.standardError = errorPipe
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        errorPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            lock.lock()
            errorText.append(data)
            lock.unlock()
        }
        try process.run()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// What it logged on standard error so far.
    var log: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: errorText, as: UTF8.self)
    }

    /// Sends `signal` and waits for the exit status; nil if it did not exit in time.
    func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 15) -> Int32? {
        kill(process.processIdentifier, signal)
        return waitForExit(timeout: timeout)
    }

    func waitForExit(timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { return nil }
        usleep(50_000)  // let the stderr handler drain
        return process.terminationStatus
    }

    /// Runs the gateway on a profile with the test broker.
    static func run(profile: URL, stateDirectory: URL, broker: String = TestEnvironment.brokerURL,
                    extra: [String] = ["--simulate"]) throws -> GatewayProcess {
        try GatewayProcess(["run", "--profile", profile.path, "--broker", broker,
                            "--state-dir", stateDirectory.path] + extra)
    }
}
