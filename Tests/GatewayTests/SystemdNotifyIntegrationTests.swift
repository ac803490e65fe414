import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real binary talking systemd's notify protocol to a socket of the test's own, as it
/// does under `Type=notify`: READY=1 once started, a readable STATUS=, WATCHDOG=1 at half
/// the interval systemd gives, STOPPING=1 when it stops; and journal-style lines when
/// stderr is the journal's stream.
@Suite("systemd notify", .serialized)
struct SystemdNotifyIntegrationTests {
    @Test("READY=1 with a status after the start, WATCHDOG=1 at half WatchdogSec, STOPPING=1 on SIGTERM")
    func notifiesTheServiceManager() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("notify")
        let profile = try TestEnvironment.demoProfile(in: directory, id: id)
        let socket = try NotifySocket(directory: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = socket.path
        environment["WATCHDOG_USEC"] = "600000"
        environment.removeValue(forKey: "WATCHDOG_PID")
        let child = try ChildProcess(TestEnvironment.binary, [
            "run", "--profile", profile.path, "--broker", TestEnvironment.brokerURL,
            "--state-dir", directory.appendingPathComponent("state").path, "--simulate",
        ], environment: environment)
        defer { child.stop(grace: 2) }

        #expect(socket.wait(timeout: 15) { $0.contains { $0.hasPrefix("READY=1\n") } }, "\(socket.messages)\n\(child.errorOutput)")
        let ready = try #require(socket.messages.first { $0.hasPrefix("READY=1\n") })
        #expect(ready.contains("STATUS=") && ready.contains("mqtt://127.0.0.1:\(TestEnvironment.brokerPort)"), "\(ready)")
        #expect(ready.contains("waiting"), "\(ready)")
        // Nothing before READY=1: the first message is it.
        #expect(socket.messages.first?.hasPrefix("READY=1") == true, "\(socket.messages)")
        // The log line that ends the start comes first.
        #expect(child.errorOutput.contains("running on the simulator"), "\(child.errorOutput)")

        // 600 ms watchdog: a ping every 300 ms, so at least 4 in 2 s on a loaded machine.
        let before = socket.messages.filter { $0 == "WATCHDOG=1" }.count
        Thread.sleep(forTimeInterval: 2)
        let pings = socket.messages.filter { $0 == "WATCHDOG=1" }.count - before
        #expect(pings >= 4 && pings <= 10, "\(pings) pings in 2 s with WATCHDOG_USEC=600000")

        child.signal(SIGTERM)
        #expect(child.waitForExit(timeout: 15) == 0, "\(child.errorOutput)")
        let stopping = socket.messages.first { $0.hasPrefix("STOPPING=1") }
        #expect(stopping?.contains("STATUS=stopping") == true, "\(socket.messages.suffix(3))")
    }

    @Test("the STATUS= line is refreshed with a rate once running")
    func statusIsRefreshed() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let profile = try TestEnvironment.demoProfile(in: directory, id: TestEnvironment.uniqueID("status"))
        let socket = try NotifySocket(directory: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = socket.path
        environment.removeValue(forKey: "WATCHDOG_USEC")
        let child = try ChildProcess(TestEnvironment.binary, [
            "run", "--profile", profile.path, "--broker", TestEnvironment.brokerURL,
            "--state-dir", directory.appendingPathComponent("state").path, "--simulate",
        ], environment: environment)
        defer { child.stop(grace: 2) }
        // The first refresh comes 10 s after READY=1.
        #expect(socket.wait(timeout: 25) { $0.contains { $0.hasPrefix("STATUS=connected to") && $0.contains("messages/min") } },
                "\(socket.messages)\n\(child.errorOutput)")
        #expect(!socket.messages.contains("WATCHDOG=1"), "no watchdog without WATCHDOG_USEC")
        child.signal(SIGTERM)
        #expect(child.waitForExit(timeout: 15) == 0, "\(child.errorOutput)")
    }

    @Test("stderr that is the journal's stream gets priorities and no timestamps")
    func journalLines() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let profile = try TestEnvironment.demoProfile(in: directory, id: TestEnvironment.uniqueID("journal"))
        // JOURNAL_STREAM names stderr's own device and inode, as systemd sets it.
        let script = #"JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2) exec "$0" "$@""#
        let child = try ChildProcess("/bin/sh", ["-c", script, TestEnvironment.binary,
            "run", "--profile", profile.path, "--broker", TestEnvironment.brokerURL,
            "--state-dir", directory.appendingPathComponent("state").path, "--simulate",
        ])
        defer { child.stop(grace: 2) }
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline, !child.errorOutput.contains("connected to") { usleep(50_000) }
        child.signal(SIGTERM)
        #expect(child.waitForExit(timeout: 15) == 0, "\(child.errorOutput)")
        let lines = child.errorOutput.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("<6>[Gateway] gateway '") }, "\(child.errorOutput)")
        #expect(lines.contains { $0.hasPrefix("<6>[MQTT] connected to") }, "\(child.errorOutput)")
        #expect(lines.allSatisfy { $0.hasPrefix("<") }, "every line carries a priority:\n\(child.errorOutput)")
        #expect(!child.errorOutput.contains("+0000"), "no timestamp of its own:\n\(child.errorOutput)")
    }

    @Test("a JOURNAL_STREAM inherited by a redirected stderr is ignored")
    func inheritedJournalStreamIsIgnored() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let profile = try TestEnvironment.demoProfile(in: directory, id: TestEnvironment.uniqueID("nojournal"))
        var environment = ProcessInfo.processInfo.environment
        environment["JOURNAL_STREAM"] = "8:12345"
        let child = try ChildProcess(TestEnvironment.binary, [
            "run", "--profile", profile.path, "--broker", TestEnvironment.brokerURL,
            "--state-dir", directory.appendingPathComponent("state").path, "--simulate",
        ], environment: environment)
        defer { child.stop(grace: 2) }
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline, !child.errorOutput.contains("connected to") { usleep(50_000) }
        child.signal(SIGTERM)
        #expect(child.waitForExit(timeout: 15) == 0)
        #expect(child.errorOutput.contains(" info sensorgate: [MQTT] connected to"), "\(child.errorOutput)")
        #expect(!child.errorOutput.contains("<6>"))
    }
}
