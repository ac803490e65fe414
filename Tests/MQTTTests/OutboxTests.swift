import Foundation
@testable import MQTT
import SensorgateCore
import Testing

/// The outbox against real SQLite files in a scratch directory.
@Suite("Outbox")
struct OutboxTests {
    let directory: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("outbox-test-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()
    var path: String { directory + "/gw.outbox" }

    func open(maxMessages: Int = 1_000, maxBytes: Int = 1 << 20, inflight: Int = 10, boot: String = "boot-a",
              floor: UInt64 = 0, pageLimit: Int? = nil) throws(OutboxError) -> Outbox {
        try Outbox(configuration: OutboxConfiguration(path: path, maxMessages: maxMessages, maxBytes: maxBytes,
                                                      inflight: inflight, bootID: boot, sequenceFloor: floor,
                                                      powerLossSkip: 1_000), pageLimit: pageLimit)
    }

    /// A reading as the gateway publishes it: numbered, then queued.
    func reading(_ outbox: Outbox, bytes: Int = 10) -> (seq: UInt64, id: Int64) {
        let seq = outbox.nextSequence()
        let payload = Array("\(seq)".utf8) + [UInt8](repeating: 0x20, count: max(0, bytes - "\(seq)".utf8.count))
        return (seq, outbox.append(OutgoingMessage(topic: "t", payload: payload, qos: 1, retain: false)))
    }

    func seqs(_ rows: [Outbox.Row]) -> [Int] {
        rows.map { Int(String(decoding: $0.message.payload, as: UTF8.self).trimmingCharacters(in: .whitespaces)) ?? -1 }
    }

    @Test("hands rows out in order, a window at a time, and deletes only what was acknowledged")
    func orderingAndAcknowledgement() throws {
        let outbox = try open()
        var ids: [Int64] = []
        for _ in 0..<25 { ids.append(reading(outbox).id) }
        #expect(try outbox.waitingRows(limit: 5).isEmpty, "nothing is handed out before it is committed")
        try outbox.commit()
        #expect(outbox.counters.depth == 25)
        let first = try outbox.waitingRows(limit: 10)
        #expect(seqs(first) == Array(1...10))
        first.forEach(outbox.handed)
        #expect(outbox.inFlight == 10)
        #expect(seqs(try outbox.waitingRows(limit: 10)) == Array(11...20), "handed rows are not handed again")
        for row in first.prefix(4) { outbox.acknowledge(row.id) }
        try outbox.commit()
        #expect(outbox.counters.depth == 21)
        #expect(outbox.counters.acknowledged == 4)
        #expect(outbox.inFlight == 6)
        // A restart (the object dropped without a clean close) replays every unacknowledged row in order.
        let again = try open()
        #expect(seqs(try again.waitingRows(limit: 100)) == Array(5...25))
        #expect(again.counters.depth == 21)
    }

    @Test("after a crash numbering continues with the successor of the last committed seq")
    func sequenceSurvivesACrash() throws {
        do {
            let outbox = try open()
            for _ in 0..<7 { _ = reading(outbox) }
            try outbox.commit()
            _ = outbox.nextSequence()  // numbered, never committed: never published either
        }
        let reopened = try open()
        #expect(reopened.lastSequence == 7)
        #expect(reopened.nextSequence() == 8)
        #expect(reopened.skippedAfterPowerLoss == nil, "same boot: a crash of the process, the WAL holds everything")
    }

    @Test("an unclean stop under another boot id (a power cut) skips numbers; a clean stop does not")
    func powerLossSkips() throws {
        do {
            let outbox = try open(boot: "boot-a")
            for _ in 0..<3 { _ = reading(outbox) }
            try outbox.commit()
        }
        let afterPowerCut = try open(boot: "boot-b")
        #expect(afterPowerCut.skippedAfterPowerLoss == 1_000)
        #expect(afterPowerCut.nextSequence() == 1_004)
        try afterPowerCut.commit()
        try afterPowerCut.close()
        let afterCleanStop = try open(boot: "boot-c")
        #expect(afterCleanStop.skippedAfterPowerLoss == nil)
        #expect(afterCleanStop.nextSequence() == 1_005)
    }

    @Test("numbering starts above the counter file of runs without an outbox")
    func floorFromTheCounterFile() throws {
        let outbox = try open(floor: 41)
        #expect(outbox.nextSequence() == 42)
    }

    @Test("past max_messages the oldest waiting rows are dropped and counted; rows in flight stay")
    func countCap() throws {
        let outbox = try open(maxMessages: 10)
        for _ in 0..<4 { _ = reading(outbox) }
        try outbox.commit()
        let inFlight = try outbox.waitingRows(limit: 2)
        inFlight.forEach(outbox.handed)
        for _ in 0..<12 { _ = reading(outbox) }
        try outbox.commit()
        #expect(outbox.counters.depth == 10)
        #expect(outbox.counters.droppedFull == 6)
        #expect(outbox.counters.assigned == UInt64(outbox.counters.depth) + outbox.counters.droppedFull)
        // 1 and 2 are in flight; 3...8 were the oldest waiting.
        #expect(seqs(try outbox.waitingRows(limit: 100)) == Array(9...16))
        for row in inFlight { outbox.acknowledge(row.id) }
        try outbox.commit()
        #expect(outbox.counters.depth == 8)
        let reopened = try open(maxMessages: 10)
        #expect(reopened.counters.depth == 8)
    }

    @Test("past max_bytes the oldest waiting rows are dropped until the bytes fit")
    func byteCap() throws {
        // Each row: topic "t" (1 byte) and a 99-byte payload.
        let outbox = try open(maxBytes: 1_000)
        for _ in 0..<15 { _ = reading(outbox, bytes: 99) }
        try outbox.commit()
        #expect(outbox.counters.bytes == 1_000)
        #expect(outbox.counters.depth == 10)
        #expect(outbox.counters.droppedFull == 5)
        #expect(seqs(try outbox.waitingRows(limit: 100)) == Array(6...15))
        let reopened = try open(maxBytes: 1_000)
        #expect(reopened.counters.bytes == 1_000)
    }

    @Test("a file that is not a database stops the open with what to do")
    func corruptFile() throws {
        try Data(String(repeating: "not a database, just text. ", count: 200).utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try open()
        } throws: { error in
            guard let error = error as? OutboxError else { return false }
            return error.kind == .corrupt && error.description.contains(path) && error.description.contains("move")
        }
    }

    @Test("a damaged page is reported, never a crash")
    func damagedPages() throws {
        do {
            let outbox = try open()
            for _ in 0..<2_000 { _ = reading(outbox, bytes: 200) }
            try outbox.commit()
            try outbox.close()
        }
        // Overwrite the middle of the file (the table's pages) with garbage.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seek(toOffset: 64 * 1024)
        handle.write(Data(repeating: 0xA5, count: 128 * 1024))
        try handle.close()
        var failure: OutboxError?
        do {
            let outbox = try open()
            _ = try outbox.waitingRows(limit: 5_000)
        } catch {
            failure = error
        }
        #expect(failure?.kind == .corrupt, "\(String(describing: failure))")
    }

    @Test("a directory that does not exist is a clear error")
    func missingDirectory() throws {
        #expect {
            _ = try Outbox(configuration: OutboxConfiguration(path: directory + "/missing/gw.outbox"))
        } throws: { error in
            guard let error = error as? OutboxError else { return false }
            return error.kind == .unavailable && error.description.contains("writable")
        }
    }

    @Test("a full database: the batch is dropped and counted, seq keeps counting, acknowledgements wait, writes resume")
    func fullDisk() throws {
        // Few pages: a few hundred 200-byte rows fill them.
        let outbox = try open(maxMessages: 100_000, pageLimit: 40)
        var committed = 0
        var failure: OutboxError?
        while failure == nil, committed < 10_000 {
            for _ in 0..<10 { _ = reading(outbox, bytes: 200) }
            do {
                try outbox.commit()
                committed += 10
            } catch {
                failure = error
            }
        }
        #expect(failure?.kind == .full, "\(String(describing: failure))")
        #expect(outbox.counters.droppedDiskError == 10)
        #expect(outbox.counters.stored == UInt64(committed))
        let lastStored = UInt64(committed)
        #expect(outbox.lastSequence == lastStored + 10, "the dropped messages' numbers are not reused: the loss is a gap")
        // Acknowledging frees pages: once the deletions commit, new messages fit again.
        let rows = try outbox.waitingRows(limit: 100)
        rows.forEach(outbox.handed)
        rows.forEach { outbox.acknowledge($0.id) }
        try outbox.commit()
        let next = reading(outbox, bytes: 200)
        try outbox.commit()
        #expect(next.seq == lastStored + 11)
        #expect(outbox.counters.depth == committed - rows.count + 1)
    }
}
