import Foundation
import Testing

/// Two real gateways on one state directory: the second is refused before it connects,
/// so the first keeps its broker session and its seq.
@Suite("One gateway per state directory", .serialized)
struct StateDirectoryLockIntegrationTests {
    @Test("a second gateway on the same state directory exits 1 naming the directory and the pid; the first runs on")
    func secondGatewayIsRefused() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("lock")
        let prefix = "sensorgate/\(id)"
        let profile = try TestEnvironment.demoProfile(in: directory, id: id)
        let state = directory.appendingPathComponent("state")
        let subscriber = try Subscriber(topic: "\(prefix)/#")
        try subscriber.waitUntilSubscribed(probeTopic: "\(prefix)/probe")

        let first = try GatewayProcess.run(profile: profile, stateDirectory: state)
        let started = subscriber.wait(timeout: 15) { $0.contains { $0.topic == "\(prefix)/status" && $0.payload == "online" } }
        try #require(started, "first gateway did not come online:\n\(first.log)")

        let second = try GatewayProcess.run(profile: profile, stateDirectory: state)
        let status = second.waitForExit(timeout: 15)
        #expect(status == 1, "second gateway log:\n\(second.log)")
        #expect(second.log.contains("already running with the state directory \(state.path)"), "\(second.log)")
        #expect(second.log.contains("pid \(first.pid)"), "\(second.log)")

        // The first was not disturbed: still running, still online, still numbering upward.
        let before = subscriber.messages.compactMap(\.seq).max() ?? 0
        let more = subscriber.wait(timeout: 10) { messages in messages.compactMap(\.seq).contains { $0 > before + 3 } }
        #expect(more, "first gateway stopped publishing:\n\(first.log)")
        #expect(first.isRunning)
        #expect(!first.log.contains("lost connection"), "evicted by a second session with its client id:\n\(first.log)")
        #expect(first.stop(signal: SIGTERM) == 0, "\(first.log)")
        subscriber.stop()

        let seqs = subscriber.messages.compactMap(\.seq)
        #expect(zip(seqs, seqs.dropFirst()).allSatisfy { $0 < $1 }, "seq: \(seqs)")
    }
}
