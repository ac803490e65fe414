import Logging
import Testing
#if canImport(Glibc)
import Glibc
#endif

@testable import Gateway

@Suite("Journal log lines")
struct JournalLogHandlerTests {
    @Test("syslog priorities: trace and debug 7, info 6, notice 5, warning 4, error 3, critical 2")
    func priorities() {
        let levels: [Logger.Level] = [.trace, .debug, .info, .notice, .warning, .error, .critical]
        #expect(levels.map(JournalLogHandler.priority) == [7, 7, 6, 5, 4, 3, 2])
    }

    @Test("one line: the priority, the source, the message, sorted metadata; newlines flattened")
    func lineFormat() {
        let line = JournalLogHandler.line(priority: 4, source: "MQTT", message: "lost connection\nto broker",
                                          metadata: ["z": "1", "a": "two"])
        #expect(line == "<4>[MQTT] lost connection to broker a=two z=1\n")
    }

    @Test("stderr counts as the journal only when JOURNAL_STREAM names its device and inode")
    func streamIdentity() {
        var status = stat()
        #expect(fstat(STDERR_FILENO, &status) == 0)
        #expect(JournalLogHandler.stderrIsJournal(environment: "\(status.st_dev):\(status.st_ino)"))
        #expect(!JournalLogHandler.stderrIsJournal(environment: "\(status.st_dev):\(status.st_ino &+ 1)"))
        #expect(!JournalLogHandler.stderrIsJournal(environment: nil))
        #expect(!JournalLogHandler.stderrIsJournal(environment: "garbage"))
    }
}
