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
    private var child: ChildProcess?
    private let lock = NSLock()
    private var received: [ReceivedMessage] = []

    init(topic: String, port: Int = TestEnvironment.brokerPort, qos: Int = 1) throws {
        let arguments = ["-h", "127.0.0.1", "-p", "\(port)", "-q", "\(qos)", "-t", topic, "-F", "%r %t %p"]
        child = try ChildProcess("/usr/bin/mosquitto_sub", arguments) { [weak self] line in
            self?.append(line)
        }
    }

    deinit { stop() }

    func stop() { child?.stop(grace: 2) }

    private func append(_ line: String) {
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2 else { return }
        let message = ReceivedMessage(retained: parts[0] == "1", topic: String(parts[1]),
                                      payload: parts.count > 2 ? String(parts[2]) : "", arrival: Date())
        lock.lock()
        received.append(message)
        lock.unlock()
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
func publish(_ topic: String, _ message: String, retain: Bool = false, port: Int = TestEnvironment.brokerPort) throws {
    let result = try run("/usr/bin/mosquitto_pub", ["-h", "127.0.0.1", "-p", "\(port)", "-q", "1", "-t", topic, "-m", message]
                         + (retain ? ["-r"] : []))
    if result.status != 0 { throw TestFailure("mosquitto_pub failed: \(result.error)") }
}
