import Foundation
import Testing

/// Paths and the broker the test script (`Tests/run`) prepared.
enum TestEnvironment {
    static let repository: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The gateway binary: `SENSORGATE_BIN`, else the debug build next to the tests.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["SENSORGATE_BIN"] { return path }
        return repository.appendingPathComponent(".build/debug/sensorgate").path
    }

    /// The broker `Tests/run` started (`SENSORGATE_TEST_BROKER=mqtt://127.0.0.1:PORT`), or one
    /// these tests start themselves when run without the script.
    static let brokerPort: Int = {
        if let url = ProcessInfo.processInfo.environment["SENSORGATE_TEST_BROKER"],
           let port = url.split(separator: ":").last.flatMap({ Int($0) }) {
            return port
        }
        return OwnBroker.shared.port
    }()

    static var brokerURL: String { "mqtt://127.0.0.1:\(brokerPort)" }

    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sensorgate-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The demo profile with a unique gateway id, so tests never share topics or client ids.
    static func demoProfile(in directory: URL, id: String) throws -> URL {
        let source = repository.appendingPathComponent("DeviceProfiles/examples/demo.yaml")
        var text = try String(contentsOf: source, encoding: .utf8)
        guard let range = text.firstRange(of: #/\n  id: demo\b/#) else {
            throw TestFailure("demo.yaml has no 'id: demo' line")
        }
        text.replaceSubrange(range, with: "\n  id: \(id)")
        let target = directory.appendingPathComponent("\(id).yaml")
        try text.write(to: target, atomically: true, encoding: .utf8)
        return target
    }

    static func uniqueID(_ base: String) -> String {
        "\(base)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A broker started by `deploy/dev/broker` (for tests run without `Tests/run`, and for
/// tests that stop and restart their own broker).
final class OwnBroker: @unchecked Sendable {
    static let shared = try! OwnBroker()

    let directory: URL
    private(set) var port: Int

    init(port: Int? = nil) throws {
        directory = TestEnvironment.temporaryDirectory()
        self.port = 0
        self.port = try start(port: port)
    }

    @discardableResult
    func start(port: Int? = nil) throws -> Int {
        var environment = ProcessInfo.processInfo.environment
        if let port { environment["BROKER_PORT"] = String(port) }
        let result = try run(TestEnvironment.repository.appendingPathComponent("deploy/dev/broker").path,
                             ["start", directory.path], environment: environment)
        guard result.status == 0, let started = Int(result.output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestFailure("could not start mosquitto: \(result.output)")
        }
        self.port = started
        return started
    }

    func stop() throws {
        _ = try run(TestEnvironment.repository.appendingPathComponent("deploy/dev/broker").path, ["stop", directory.path])
    }

    deinit { try? stop() }
}

/// Runs a program to completion and returns its exit status, standard output and error.
func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
         timeout: TimeInterval = 30) throws -> (status: Int32, output: String, error: String) {
    let child = try ChildProcess(executable, arguments, environment: environment)
    guard let status = child.waitForExit(timeout: timeout) else {
        child.stop(grace: 1)
        throw TestFailure("\(executable) \(arguments) did not finish within \(timeout) s")
    }
    // The readers finish when the pipes close; give them a moment.
    usleep(50_000)
    return (status, child.output, child.errorOutput)
}
