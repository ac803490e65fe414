import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The outbox on a filesystem that fills up while the broker stops acknowledging (a real
/// tmpfs of 1 MiB, a real mosquitto frozen with SIGSTOP so rows pile up and the database
/// must grow): the fault reaches `<prefix>/error`, the drops are counted, and writing
/// resumes once there is room again.
@Suite("Outbox on a full disk (real binary, real mosquitto, real tmpfs)", .serialized,
       .enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
struct OutboxDiskFullIntegrationTests {
    @Test("a full disk: one error on <prefix>/error without seq, drops counted, writable again after room is made")
    func fullDiskIsReported() throws {
        let broker = try OwnBroker()
        let directory = TestEnvironment.temporaryDirectory()
        let small = directory.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: small, withIntermediateDirectories: true)
        let mounted = try run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", small.path])
        try #require(mounted.status == 0, "mount: \(mounted.error)")
        defer { _ = try? run("/bin/umount", ["-l", small.path]) }

        let id = TestEnvironment.uniqueID("diskfull")
        let prefix = "sensorgate/\(id)"
        let profile = directory.appendingPathComponent("\(id).yaml")
        try """
        gateway:
          id: \(id)
        mqtt:
          qos: 1
          outbox: { path: \(small.path)/\(id).outbox }
        sensors:
          - id: power
            driver: ina219
            i2c: { bus: 1, address: 0x40 }
            interval: 10ms
        """.write(to: profile, atomically: true, encoding: .utf8)
        let subscriber = try Subscriber(topic: "\(prefix)/#", port: broker.port, qos: 1)
        try subscriber.waitUntilSubscribed(probeTopic: "\(prefix)/probe", port: broker.port)
        let gateway = try GatewayProcess(["run", "--profile", profile.path, "--broker", "mqtt://127.0.0.1:\(broker.port)",
                                          "--state-dir", directory.appendingPathComponent("state").path, "--simulate"])
        defer { _ = gateway.stop() }
        #expect(subscriber.wait(timeout: 15) { $0.filter { $0.seq != nil }.count >= 100 }, "\(gateway.log)")

        // Fill what is left of the tmpfs, then stop the broker's acknowledgements.
        let filler = small.appendingPathComponent("filler").path
        _ = try run("/bin/dd", ["if=/dev/zero", "of=\(filler)", "bs=4096"])
        let pid = try #require(pid_t(try String(contentsOf: broker.directory.appendingPathComponent("mosquitto.pid"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(pid, SIGSTOP)
        let refused = gateway.waitForLog(timeout: 20) { $0.contains("new messages are dropped and counted") }
        // Room is made while the broker is still stopped: acknowledgements freeing pages
        // must not end the episode before the test does, or there would be two.
        try FileManager.default.removeItem(atPath: filler)
        let writable = gateway.waitForLog(timeout: 20) { $0.contains("writable again") }
        kill(pid, SIGCONT)
        try #require(refused, "the outbox never met the full disk:\n\(gateway.log)")
        #expect(writable, "\(gateway.log)")

        // The fault waited in the client's memory while the broker was stopped.
        #expect(subscriber.wait(timeout: 15) { messages in
            messages.contains { $0.topic == "\(prefix)/error" && $0.payload.contains("outbox") && $0.payload.contains("dropped and counted") }
        }, "\(gateway.log)")
        let fault = subscriber.messages(on: "\(prefix)/error").first
        #expect(fault?.json?["seq"] == nil, "a fault the outbox could not store has no seq: \(fault?.payload ?? "none")")
        #expect(fault?.json?["ts"] is String, "\(fault?.payload ?? "none")")
        let resumed = subscriber.messages.count
        #expect(subscriber.wait(timeout: 15) { $0.dropFirst(resumed).filter { $0.seq != nil }.count >= 50 }, "\(gateway.log)")
        #expect(gateway.stop() == 0, "\(gateway.log)")
        let last = try #require(gateway.log.split(separator: "\n").last { $0.contains("stopped; published") })
        let counted = last.range(of: " outbox disk error").flatMap { range in
            Int(last[..<range.lowerBound].reversed().prefix { $0.isNumber }.reversed().map(String.init).joined())
        }
        #expect((counted ?? 0) > 0, "the shutdown line counts the disk drops: \(last)")
        #expect(gateway.log.split(separator: "\n").filter { $0.contains("new messages are dropped and counted") }.count == 1,
                "one error per episode:\n\(gateway.log)")
        // The loss shows as a gap in seq, at most as wide as the drops counted.
        let numbers = Set(subscriber.messages.compactMap(\.seq))
        let gap = (numbers.min() ?? 0)...(numbers.max() ?? 0)
        let missing = gap.count - numbers.count
        #expect(missing > 0 && missing <= counted ?? 0, "\(missing) seq missing, \(counted ?? 0) counted as disk drops")
        _ = try? broker.stop()
    }
}
