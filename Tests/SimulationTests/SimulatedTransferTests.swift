import Testing
import SensorDrivers
import SensorgateCore
import Simulation

/// A command part that records raw writes and answers reads from a queue; with
/// `refuseWrites` it does not acknowledge writes.
final class RawPart: SimulatedI2CDevice, @unchecked Sendable {
    private let lock = Mutex()
    private var writes: [[UInt8]] = []
    private var replies: [[UInt8]]
    let refuseWrites: Bool

    init(replies: [[UInt8]] = [], refuseWrites: Bool = false) {
        self.replies = replies
        self.refuseWrites = refuseWrites
    }

    var written: [[UInt8]] { lock.withLock { writes } }

    func write(_ bytes: [UInt8], pointer: inout UInt8) -> Bool {
        lock.withLock { writes.append(bytes) }
        return !refuseWrites
    }

    func read(count: Int, pointer: inout UInt8) -> [UInt8]? {
        lock.withLock { replies.isEmpty ? nil : replies.removeFirst() }
    }
}

@Suite("Plain I2C transfers on the simulated bus")
struct SimulatedTransferTests {
    @Test("a write then a read with a repeated start reads registers like SMBus does")
    func registerPart() throws {
        let bus = SimulatedI2CBus()
        let part = RecordingRegisterFile()
        bus.attach(part, at: 0x50)
        let replies = try bus.transfer(address: 0x50, [.write([0x10]), .read(count: 3), .read(count: 1)])
        #expect(replies == [[0x10, 0x11, 0x12], [0x13]])
        #expect(part.transactionCount == 1)
        try bus.write(address: 0x50, [0x20, 0xAA, 0xBB])
        #expect(part.writes == [[0x20, 0xAA], [0x21, 0xBB]])
        let entry = try #require(bus.log.last)
        #expect(entry.kind == .transfer && entry.written == [0x20, 0xAA, 0xBB] && entry.read.isEmpty)
    }

    @Test("a command part sees the raw bytes of each message")
    func commandPart() throws {
        let bus = SimulatedI2CBus()
        let part = RawPart(replies: [[1, 2, 3, 4, 5, 6]])
        bus.attach(part, at: 0x44)
        try bus.write(address: 0x44, command: 0x2400)
        #expect(part.written == [[0x24, 0x00]])
        #expect(try bus.read(address: 0x44, count: 6) == [1, 2, 3, 4, 5, 6])
        #expect(bus.log.map(\.kind) == [.transfer, .transfer])
    }

    @Test("a part that does not acknowledge is a NACK; the bus's injected faults apply to transfers")
    func faults() throws {
        let bus = SimulatedI2CBus()
        bus.attach(RawPart(refuseWrites: true), at: 0x44)
        bus.attach(RawPart(replies: [[0x0F, 0xF0]]), at: 0x45)
        do {
            try bus.write(address: 0x44, [0x01])
            Issue.record("a refused write succeeded")
        } catch {
            #expect(error.code == .nack)
        }
        do {
            _ = try bus.read(address: 0x46, count: 1)
            Issue.record("read from an empty address")
        } catch {
            #expect(error.code == .nack)
        }
        bus.corruptNextReads(1, xor: 0xFF)
        #expect(try bus.read(address: 0x45, count: 2) == [0xF0, 0x0F])
        bus.failNext(1, with: .timeout)
        do {
            _ = try bus.read(address: 0x45, count: 2)
            Issue.record("read through an injected timeout")
        } catch {
            #expect(error.code == .timeout)
        }
    }

    @Test("shapes no adapter takes are refused before the bus", arguments: [
        [I2CMessage](),
        [.read(count: 0)],
        Array(repeating: I2CMessage.read(count: 1), count: 43),
        [.write([UInt8](repeating: 0, count: 0x10000))],
    ])
    func refusedShapes(messages: [I2CMessage]) {
        let bus = SimulatedI2CBus()
        bus.attach(RawPart(replies: [[0]]), at: 0x44)
        #expect(I2CMessage.problem(with: messages) != nil)
        do {
            _ = try bus.transfer(address: 0x44, messages)
            Issue.record("transfer of \(messages.count) messages accepted")
        } catch {
            #expect(error.code == .unsupported)
        }
        #expect(bus.log.isEmpty)
    }

    @Test("a read message answered short reads 0xff for the missing bytes, as an idle bus does")
    func shortAnswer() throws {
        let bus = SimulatedI2CBus()
        bus.attach(RawPart(replies: [[0x12]]), at: 0x44)
        #expect(try bus.transfer(address: 0x44, [.read(count: 3)]) == [[0x12, 0xFF, 0xFF]])
    }
}
