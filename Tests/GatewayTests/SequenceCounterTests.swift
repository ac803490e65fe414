import Foundation
import Logging
import SensorgateCore
import Testing
@testable import Gateway

/// The seq counter against a real directory: what is on disk always bounds what was
/// handed out, whatever happens to the disk.
@Suite("Sequence counter")
struct SequenceCounterTests {
    let directory = TestEnvironment.temporaryDirectory().appendingPathComponent("state").path
    let log = CapturedLog()
    let clock = ManualClock()
    var file: String { directory + "/gw.seq" }

    func counter(block: UInt64 = 16) throws(GatewayError) -> SequenceCounter {
        try SequenceCounter(directory: directory, gatewayID: "gw", block: block, logger: log.logger, clock: clock)
    }

    func stored() -> UInt64? {
        (try? String(contentsOfFile: file, encoding: .utf8)).flatMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    func write(_ text: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: false, encoding: .utf8)
    }

    func startError(_ text: String) throws -> String {
        try write(text)
        do {
            _ = try counter()
            return "started"
        } catch {
            return error.description
        }
    }

    @Test("counts from 1, reserves ahead, and a clean stop records the exact last number")
    func freshStartAndCleanStop() throws {
        let sequence = try counter()
        #expect(stored() == 16)
        var values: [UInt64] = []
        for _ in 0..<40 {
            values.append(try #require(sequence.next()))
            #expect(values.last! <= stored()!, "handed out \(values.last!) above the reservation \(stored()!)")
        }
        #expect(values == Array(1...40))
        sequence.close()
        #expect(stored() == 40)
        #expect(!FileManager.default.fileExists(atPath: file + ".tmp"))
    }

    @Test("an empty .seq stops the start and says what to do")
    func emptyFileIsAnError() throws {
        let message = try startError("")
        #expect(message.contains("is empty"), "\(message)")
        #expect(message.contains("echo"), "\(message)")
    }

    @Test("a .seq cut short (no final newline) or holding garbage stops the start")
    func truncatedFileIsAnError() throws {
        let truncated = try startError("12")
        #expect(truncated.contains("truncated"), "\(truncated)")
        let garbage = try startError("12\u{1b}[31mx\n")
        #expect(garbage.contains("truncated or corrupt"), "\(garbage)")
        #expect(!garbage.contains("\u{1b}"), "control characters are escaped: \(garbage)")
    }

    @Test("a number near 2^64 is an error, not a trap", arguments: [UInt64.max, UInt64.max - 1, UInt64.max - 31])
    func nearTheTopIsAnError(value: UInt64) throws {
        let message = try startError("\(value)\n")
        #expect(message.contains("top of seq's 64-bit range"), "\(message)")
    }

    @Test("counting up to the top stops handing out numbers instead of overflowing")
    func reachingTheTopStops() throws {
        try write("\(UInt64.max - 32)\n")
        let sequence = try counter()
        var last: UInt64 = 0
        for _ in 0..<64 {
            guard let value = sequence.next() else { break }
            #expect(value > last)
            last = value
        }
        #expect(last == UInt64.max - 1)
        #expect(sequence.next() == nil)
        #expect(log.lines(.error).count == 1, "\(log.all)")
        #expect(log.lines(.error).first?.contains("top of its 64-bit range") == true, "\(log.all)")
        sequence.close()
        #expect(stored() == UInt64.max - 1)
    }

    @Test("a failed reservation stops numbering at what is on disk, logs once, and recovers")
    func failedReservationStopsNumbering() throws {
        var sequence: SequenceCounter? = try counter()
        // A directory where the temporary file goes makes every write fail, even as root.
        try FileManager.default.createDirectory(atPath: file + ".tmp", withIntermediateDirectories: false)
        var handedOut: [UInt64] = []
        for _ in 0..<40 {
            if let value = sequence!.next() { handedOut.append(value) }
        }
        #expect(handedOut == Array(1...16), "only the numbers reserved on disk")
        #expect(stored() == 16)
        #expect(log.lines(.error).count == 1, "one error per episode:\n\(log.all)")
        #expect(log.lines(.error).first?.contains("cannot reserve seq numbers") == true)

        // Retries run once a second; still failing, still silent.
        clock.advance(by: .seconds(2))
        #expect(sequence!.next() == nil)
        #expect(log.lines(.error).count == 1, "\(log.all)")

        // After a crash the next run starts above everything published.
        sequence = nil
        try FileManager.default.removeItem(atPath: file + ".tmp")
        let restarted = try counter()
        #expect(try #require(restarted.next()) > handedOut.last!)
    }

    @Test("numbering resumes when the disk can be written again")
    func reservationRecovers() throws {
        let sequence = try counter()
        try FileManager.default.createDirectory(atPath: file + ".tmp", withIntermediateDirectories: false)
        for _ in 0..<20 { _ = sequence.next() }
        try FileManager.default.removeItem(atPath: file + ".tmp")
        #expect(sequence.next() == nil, "no retry before a second has passed")
        clock.advance(by: .seconds(1))
        #expect(sequence.next() == 17)
        #expect(stored()! >= 17)
        #expect(log.lines(.notice).contains { $0.contains("reserved again") && $0.contains("5 messages were dropped") },
                "\(log.all)")
    }

    @Test("a state directory deleted while running is recreated from the counter in memory, lock included")
    func deletedDirectoryIsRecreated() throws {
        let sequence = try counter()
        for _ in 0..<10 { _ = sequence.next() }
        try FileManager.default.removeItem(atPath: directory)
        clock.advance(by: .seconds(1))
        #expect(sequence.next() == 11)
        #expect(try #require(stored()) >= 11)
        #expect(log.lines(.error).contains { $0.contains("disappeared") }, "\(log.all)")
        // The recreated directory is locked again: no second gateway can take it.
        #expect(throws: GatewayError.self) { try counter() }
        // And a crash now restarts above 11, not at 1.
    }

    @Test("a .seq deleted while running is written again")
    func deletedFileIsRecreated() throws {
        let sequence = try counter()
        for _ in 0..<5 { _ = sequence.next() }
        try FileManager.default.removeItem(atPath: file)
        clock.advance(by: .seconds(1))
        #expect(sequence.next() == 6)
        #expect(try #require(stored()) >= 6)
    }

    @Test("a second counter on the same state directory is refused, naming the directory and the pid")
    func secondInstanceIsRefused() throws {
        let first = try counter()
        #expect(first.next() == 1)
        var message = ""
        do {
            let other = try SequenceCounter(directory: directory, gatewayID: "other", logger: log.logger, clock: clock)
            _ = other
        } catch {
            message = error.description
        }
        #expect(message.contains("already running with the state directory \(directory)"), "\(message)")
        #expect(message.contains("pid \(getpid())"), "\(message)")
    }

    @Test("a full disk at stop leaves the previous .seq intact and no temporary file")
    func fullDiskAtStop() throws {
        let sequence = try counter()
        for _ in 0..<3 { _ = sequence.next() }
        // /dev/full accepts the open and fails the write with ENOSPC, as a full disk does.
        try FileManager.default.createSymbolicLink(atPath: file + ".tmp", withDestinationPath: "/dev/full")
        sequence.close()
        #expect(stored() == 16)
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: file + ".tmp")) == nil)
        #expect(!FileManager.default.fileExists(atPath: file + ".tmp"))
        #expect(log.lines(.error).contains { $0.contains("No space left on device") }, "\(log.all)")
    }
}
