import Foundation
import Testing

/// The real binary against a mosquitto that stops answering while its TCP connection
/// stays up (SIGSTOP): given up within 1.5 x keepalive, said plainly, reconnected after.
@Suite("Frozen broker", .serialized)
struct FrozenBrokerIntegrationTests {
    @Test("a SIGSTOPped broker is noticed within 1.5 x keepalive, with the reason in the log, and the gateway reconnects")
    func frozenBroker() throws {
        let broker = try OwnBroker()
        let pidText = try String(contentsOf: broker.directory.appendingPathComponent("mosquitto.pid"), encoding: .utf8)
        let brokerPID = try #require(pid_t(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
        // A stopped broker keeps its SIGTERM pending: thaw it before OwnBroker stops it.
        defer { kill(brokerPID, SIGCONT) }
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("frozen")
        let demo = try TestEnvironment.demoProfile(in: directory, id: id)
        var text = try String(contentsOf: demo, encoding: .utf8)
        let mqtt = try #require(text.range(of: "\nmqtt:\n"))
        text.replaceSubrange(mqtt, with: "\nmqtt:\n  keepalive: 5s\n")
        try text.write(to: demo, atomically: true, encoding: .utf8)
        let gateway = try GatewayProcess.run(profile: demo, stateDirectory: directory.appendingPathComponent("state"),
                                             broker: "mqtt://127.0.0.1:\(broker.port)")
        defer { _ = gateway.stop() }
        let connected = waitUntil(10) { gateway.log.contains("connected to") }
        try #require(connected, "\(gateway.log)")
        Thread.sleep(forTimeInterval: 1)

        kill(brokerPID, SIGSTOP)
        let frozenAt = Date()
        let noticed = waitUntil(20) { gateway.log.contains("lost connection") }
        let elapsed = Date().timeIntervalSince(frozenAt)
        kill(brokerPID, SIGCONT)
        try #require(noticed, "\(gateway.log)")
        #expect(elapsed <= 7.5 + 0.75, "noticed after \(elapsed) s:\n\(gateway.log)")
        let lost = gateway.log.split(separator: "\n").filter { $0.contains("lost connection") }
        #expect(lost.first?.contains("the broker did not answer for ") == true, "\(lost)")
        #expect(lost.first?.contains("(keepalive 5s)") == true, "\(lost)")
        #expect(lost.first?.contains("reconnect attempt 1 in ") == true, "\(lost)")
        #expect(waitUntil(15) { gateway.log.contains("reconnected") }, "\(gateway.log)")
        #expect(gateway.stop() == 0, "\(gateway.log)")
    }

    private func waitUntil(_ seconds: TimeInterval, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition()
    }
}
