import Foundation
import Testing

/// The real binary when its state file cannot be written while it runs: it reports the
/// fault on `<prefix>/error`, numbers nothing it has not reserved on disk, and continues
/// the count, without a repeat, once the disk works again.
@Suite("seq when the state directory fails (real binary, real mosquitto)")
struct SequenceFaultIntegrationTests {
    @Test("state file deleted and unwritable: the fault is published, nothing numbered twice, numbering resumes")
    func unwritableStateFile() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("seqfault")
        let prefix = "sensorgate/\(id)"
        let profile = try TestEnvironment.demoProfile(in: directory, id: id)
        let state = directory.appendingPathComponent("state")
        let seqFile = state.appendingPathComponent("\(id).seq").path
        let subscriber = try Subscriber(topic: "\(prefix)/#")
        try subscriber.waitUntilSubscribed(probeTopic: "\(prefix)/probe")
        let gateway = try GatewayProcess.run(profile: profile, stateDirectory: state)
        defer { _ = gateway.stop() }
        #expect(subscriber.wait(timeout: 10) { $0.contains { $0.topic == "\(prefix)/status" && $0.payload == "online" } },
                "\(gateway.log)")

        // A directory where the temporary file goes makes every write fail, even as root;
        // with the file gone, no number is durably reserved any more.
        try FileManager.default.createDirectory(atPath: seqFile + ".tmp", withIntermediateDirectories: false)
        try FileManager.default.removeItem(atPath: seqFile)
        #expect(subscriber.wait(timeout: 5) { messages in
            messages.contains { $0.topic == "\(prefix)/error" && $0.payload.contains("cannot reserve seq numbers") }
        }, "\(gateway.log)")
        let fault = try #require(subscriber.messages(on: "\(prefix)/error").first)
        #expect(fault.json?["seq"] == nil, "no number is left to give the fault: \(fault.payload)")
        #expect(fault.json?["ts"] is String, "\(fault.payload)")
        usleep(1_500_000)
        let numberedWhileFailing = subscriber.messages.count
        usleep(1_500_000)
        #expect(subscriber.messages.dropFirst(numberedWhileFailing).allSatisfy { $0.seq == nil },
                "numbered while no number was reserved: \(subscriber.messages.dropFirst(numberedWhileFailing).map(\.payload))")

        try FileManager.default.removeItem(atPath: seqFile + ".tmp")
        let resumedFrom = subscriber.messages.count
        #expect(subscriber.wait(timeout: 5) { $0.dropFirst(resumedFrom).contains { $0.seq != nil } }, "\(gateway.log)")
        #expect(gateway.log.contains("reserved again"), "\(gateway.log)")
        #expect(gateway.stop() == 0, "\(gateway.log)")

        let numbers = subscriber.messages.compactMap(\.seq)
        #expect(numbers == numbers.sorted() && Set(numbers).count == numbers.count, "seq repeated or went back: \(numbers)")
        let stored = try String(contentsOfFile: seqFile, encoding: .utf8)
        #expect(Int(stored.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 >= numbers.last ?? .max, "\(stored)")
        #expect(gateway.log.split(separator: "\n").filter { $0.contains("cannot reserve seq numbers") }.count == 1,
                "one error per episode: \(gateway.log)")
    }
}
