import Foundation

/// A mosquitto of the test's own (deploy/dev/broker), for tests that freeze or kill it.
final class PrivateBroker {
    struct Failure: Error, CustomStringConvertible { var description: String }

    let directory: URL
    let port: Int
    let pid: pid_t

    private static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("deploy/dev/broker").path

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sensorgate-mqtt-\(UUID().uuidString)")
        let output = try Self.runScript(["start", directory.path])
        guard let port = Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw Failure(description: "could not start mosquitto: \(output)")
        }
        let pidText = try String(contentsOf: directory.appendingPathComponent("mosquitto.pid"), encoding: .utf8)
        guard let pid = pid_t(pidText.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw Failure(description: "unreadable mosquitto.pid: \(pidText)")
        }
        self.port = port
        self.pid = pid
    }

    func freeze() { kill(pid, SIGSTOP) }
    func thaw() { kill(pid, SIGCONT) }

    /// Thaws first: a stopped process keeps a SIGTERM pending and would not exit.
    func stop() {
        thaw()
        _ = try? Self.runScript(["stop", directory.path])
        try? FileManager.default.removeItem(at: directory)
    }

    private static func runScript(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
