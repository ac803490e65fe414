import Foundation

/// One message as `mosquitto_sub -F '%r %t %p'` prints it.
struct ReceivedMessage: Sendable {
    var retained: Bool
    var topic: String
    var payload: String
    var arrival: Date

    /// The payload as a JSON object, if it is one.
    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any]
    }

    var seq: Int? { json?["seq"] as? Int }
}

/// An independent MQTT subscriber: the `mosquitto_sub` program from mosquitto-clients,
/// so the tests judge the gateway by what a real client receives.
final class Subscriber: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var buffer = Data()
    private var received: [ReceivedMessage] = []

    init(topic: String, port: Int = TestEnvironment.brokerPort, qos: Int = 1) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_sub")
        process.arguments = ["-h", "127.0.0.1", "-p", "\(port)", "-q", "\(qos)", "-t", topic, "-F", "%r %t %p"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            self?.append(handle.availableData)
        }
        try process.run()
    }

    deinit { stop() }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    private func append(_ data: Data) {
        guard !data.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        buffer.append(data)
        while let newline = buffer.firstIndex(of: 0x0A) {
            let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
            buffer.removeSubrange(buffer.startIndex...newline)
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count >= 2 else { continue }
            received.append(ReceivedMessage(retained: parts[0] == "1", topic: String(parts[1]),
                                            payload: parts.count > 2 ? String(parts[2]) : "", arrival: Date()))
        }
    }

    var messages: [ReceivedMessage] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    func messages(on topic: String) -> [ReceivedMessage] { messages.filter { $0.topic == topic } }

    /// Waits until `condition` holds for the messages so far; false on timeout.
    @discardableResult
    func wait(timeout: TimeInterval, until condition: ([ReceivedMessage]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(messages) { return true }
            usleep(20_000)
        }
        return condition(messages)
    }

    /// Publishes a probe under the subscription and waits for it: the subscription is live.
    func waitUntilSubscribed(probeTopic: String, port: Int = TestEnvironment.brokerPort) throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            _ = try run("/usr/bin/mosquitto_pub", ["-h", "127.0.0.1", "-p", "\(port)", "-t", probeTopic, "-m", "probe"])
            if wait(timeout: 0.3, until: { $0.contains { $0.topic == probeTopic } }) { return }
        }
        throw TestFailure("the subscriber never saw its probe on \(probeTopic)")
    }
}

/// Publishes one message with `mosquitto_pub`.
func publish(_ topic: String, _ message: String, port: Int = TestEnvironment.brokerPort) throws {
    let result = try run("/usr/bin/mosquitto_pub", ["-h", "127.0.0.1", "-p", "\(port)", "-q", "1", "-t", topic, "-m", message])
    if result.status != 0 { throw TestFailure("mosquitto_pub failed: \(result.error)") }
}
