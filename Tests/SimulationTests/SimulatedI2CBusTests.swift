import Testing
import SensorgateCore
import Simulation

/// 256 plain registers with auto-increment (or register/value pair writes); register n
/// starts at n. Records every write the bus delivers.
final class RecordingRegisterFile: SimulatedI2CDevice, @unchecked Sendable {
    private let lock = Mutex()
    private var registers: [UInt8] = (0...255).map { UInt8($0) }
    private var recorded: [(UInt8, UInt8)] = []
    private var transactions = 0
    let writeLayout: SimulatedWriteLayout

    init(layout: SimulatedWriteLayout = .autoIncrement) { writeLayout = layout }

    var writes: [[UInt8]] { lock.withLock { recorded.map { [$0.0, $0.1] } } }
    var transactionCount: Int { lock.withLock { transactions } }

    func beginTransaction() { lock.withLock { transactions += 1 } }
    func readRegister(_ register: UInt8) -> UInt8 { lock.withLock { registers[Int(register)] } }
    func writeRegister(_ register: UInt8, value: UInt8) {
        lock.withLock {
            registers[Int(register)] = value
            recorded.append((register, value))
        }
    }
}

enum Operation: String, CaseIterable, Sendable {
    case quick, readByte, writeByte, readByteData, writeByteData, readWordData, writeWordData, readBlock, writeBlock
    case transfer

    func run(on bus: any I2CBus, address: UInt8) throws(I2CError) {
        switch self {
        case .quick: try bus.quick(address: address)
        case .readByte: _ = try bus.readByte(address: address)
        case .writeByte: try bus.writeByte(address: address, value: 1)
        case .readByteData: _ = try bus.readByteData(address: address, register: 1)
        case .writeByteData: try bus.writeByteData(address: address, register: 1, value: 2)
        case .readWordData: _ = try bus.readWordData(address: address, register: 1)
        case .writeWordData: try bus.writeWordData(address: address, register: 1, value: 2)
        case .transfer: _ = try bus.transfer(address: address, [.write([1]), .read(count: 2)])
        case .readBlock: _ = try bus.readBlock(address: address, register: 1, count: 4)
        case .writeBlock: try bus.writeBlock(address: address, register: 1, bytes: [1, 2])
        }
    }
}

@Suite("Simulated I2C bus")
struct SimulatedI2CBusTests {
    @Test("every transaction to an empty address is a NACK", arguments: Operation.allCases)
    func nackForEmptyAddress(operation: Operation) {
        let bus = SimulatedI2CBus(number: 4)
        bus.attach(RecordingRegisterFile(), at: 0x20)
        do {
            try operation.run(on: bus, address: 0x21)
            Issue.record("\(operation) reached an empty address")
        } catch {
            #expect(error.code == .nack)
            #expect(error.bus == 4 && error.address == 0x21)
        }
        #expect(bus.log.last?.failure == .nack)
        #expect(bus.log.last?.address == 0x21)
    }

    @Test("every transaction to a present part succeeds", arguments: Operation.allCases)
    func ackForPresentPart(operation: Operation) throws {
        let bus = SimulatedI2CBus()
        let part = RecordingRegisterFile()
        bus.attach(part, at: 0x20)
        try operation.run(on: bus, address: 0x20)
        #expect(part.transactionCount == 1)
        #expect(bus.log.count == 1 && bus.log[0].failure == nil)
    }

    @Test("block reads auto-increment from the register written first")
    func blockRead() throws {
        let bus = SimulatedI2CBus()
        bus.attach(RecordingRegisterFile(), at: 0x20)
        #expect(try bus.readBlock(address: 0x20, register: 0x10, count: 4) == [0x10, 0x11, 0x12, 0x13])
        #expect(try bus.readBlock(address: 0x20, register: 0xFE, count: 3) == [0xFE, 0xFF, 0x00])
        // A receive byte continues where the last access left the pointer.
        #expect(try bus.readByte(address: 0x20) == 0x01)
        #expect(try bus.readByte(address: 0x20) == 0x02)
        #expect(bus.log[0].written == [0x10])
        #expect(bus.log[0].read == [0x10, 0x11, 0x12, 0x13])
    }

    @Test("word reads are little-endian, word writes go low byte first")
    func words() throws {
        let bus = SimulatedI2CBus()
        let part = RecordingRegisterFile()
        bus.attach(part, at: 0x20)
        #expect(try bus.readWordData(address: 0x20, register: 0x30) == 0x3130)
        try bus.writeWordData(address: 0x20, register: 0x40, value: 0xBEEF)
        #expect(part.writes == [[0x40, 0xEF], [0x41, 0xBE]])
        #expect(bus.log.last?.written == [0x40, 0xEF, 0xBE])
    }

    @Test("block writes auto-increment on most parts")
    func blockWriteAutoIncrement() throws {
        let bus = SimulatedI2CBus()
        let part = RecordingRegisterFile()
        bus.attach(part, at: 0x20)
        try bus.writeBlock(address: 0x20, register: 0x50, bytes: [9, 8, 7])
        #expect(part.writes == [[0x50, 9], [0x51, 8], [0x52, 7]])
        #expect(bus.registerWrites(to: 0x20) == [[0x50, 9, 8, 7]])
    }

    @Test("block writes are register/value pairs on parts that say so")
    func blockWritePairs() throws {
        let bus = SimulatedI2CBus()
        let part = RecordingRegisterFile(layout: .registerValuePairs)
        bus.attach(part, at: 0x20)
        try bus.writeBlock(address: 0x20, register: 0xF2, bytes: [0x01, 0xF4, 0x25, 0xF5])
        #expect(part.writes == [[0xF2, 0x01], [0xF4, 0x25]])
        // The trailing register byte only moved the pointer.
        #expect(try bus.readByte(address: 0x20) == 0xF5)
    }

    @Test("a send byte sets the register pointer without writing")
    func sendByte() throws {
        let bus = SimulatedI2CBus()
        let part = RecordingRegisterFile()
        bus.attach(part, at: 0x20)
        try bus.writeByte(address: 0x20, value: 0x77)
        #expect(part.writes.isEmpty)
        #expect(try bus.readByte(address: 0x20) == 0x77)
        #expect(bus.registerWrites(to: 0x20).isEmpty)
    }

    @Test("block lengths outside 1...32 are refused", arguments: [0, 33, -1])
    func blockLength(count: Int) {
        let bus = SimulatedI2CBus()
        bus.attach(RecordingRegisterFile(), at: 0x20)
        #expect(throws: I2CError(.unsupported, bus: 1, address: 0x20, "I2C block read of \(count) bytes (1...32)")) {
            try bus.readBlock(address: 0x20, register: 0, count: count)
        }
        #expect(bus.log.isEmpty)
    }

    @Test("NACK the next N transactions, then answer again")
    func injectedNACKs() throws {
        let bus = SimulatedI2CBus()
        let part = RecordingRegisterFile()
        bus.attach(part, at: 0x20)
        bus.nackNext(2)
        for _ in 0..<2 {
            #expect(throws: I2CError.self) { try bus.readByteData(address: 0x20, register: 5) }
        }
        #expect(try bus.readByteData(address: 0x20, register: 5) == 5)
        #expect(bus.log.map(\.failure) == [.nack, .nack, nil])
        #expect(part.transactionCount == 1)
    }

    @Test("injected failures carry the code asked for")
    func injectedCodes() {
        let bus = SimulatedI2CBus()
        bus.attach(RecordingRegisterFile(), at: 0x20)
        bus.failNext(1, with: .bus)
        do {
            try bus.quick(address: 0x20)
            Issue.record("no failure")
        } catch {
            #expect(error.code == .bus)
        }
    }

    @Test("a stuck bus times out for every address until cleared")
    func stuck() throws {
        let bus = SimulatedI2CBus()
        bus.attach(RecordingRegisterFile(), at: 0x20)
        bus.isStuck = true
        for address: UInt8 in [0x20, 0x21] {
            do {
                try bus.quick(address: address)
                Issue.record("answered on a stuck bus")
            } catch {
                #expect(error.code == .timeout)
            }
        }
        #expect(bus.isStuck)
        bus.isStuck = false
        try bus.quick(address: 0x20)
    }

    @Test("a corrupted read XORs the data of the next read only; the part is unaffected")
    func corruptRead() throws {
        let bus = SimulatedI2CBus()
        bus.attach(RecordingRegisterFile(), at: 0x20)
        bus.corruptNextReads(1, xor: 0x0F)
        try bus.writeByteData(address: 0x20, register: 0x60, value: 0x60)   // writes are not reads
        #expect(try bus.readBlock(address: 0x20, register: 0x10, count: 2) == [0x1F, 0x1E])
        #expect(try bus.readBlock(address: 0x20, register: 0x10, count: 2) == [0x10, 0x11])
    }

    @Test("clearFaults drops pending faults")
    func clearFaults() throws {
        let bus = SimulatedI2CBus()
        bus.attach(RecordingRegisterFile(), at: 0x20)
        bus.nackNext(5)
        bus.corruptNextReads(5)
        bus.isStuck = true
        bus.clearFaults()
        #expect(try bus.readByteData(address: 0x20, register: 3) == 3)
    }

    @Test("the log keeps the most recent transactions, oldest first")
    func logRing() throws {
        let bus = SimulatedI2CBus(logCapacity: 3)
        bus.attach(RecordingRegisterFile(), at: 0x20)
        for register: UInt8 in 1...5 { _ = try bus.readByteData(address: 0x20, register: register) }
        #expect(bus.log.map(\.written) == [[3], [4], [5]])
        bus.clearLog()
        #expect(bus.log.isEmpty)
        let silent = SimulatedI2CBus(logCapacity: 0)
        silent.attach(RecordingRegisterFile(), at: 0x20)
        try silent.quick(address: 0x20)
        #expect(silent.log.isEmpty)
    }

    @Test("detaching a part makes its address NACK")
    func detach() throws {
        let bus = SimulatedI2CBus()
        bus.attach(RecordingRegisterFile(), at: 0x20)
        bus.attach(RecordingRegisterFile(), at: 0x10)
        #expect(bus.addresses == [0x10, 0x20])
        bus.detach(address: 0x20)
        #expect(bus.device(at: 0x20) == nil)
        #expect(throws: I2CError.self) { try bus.quick(address: 0x20) }
    }

    @Test("transactions from many threads are serialised")
    func concurrent() async throws {
        let bus = SimulatedI2CBus(logCapacity: 10_000)
        let part = RecordingRegisterFile()
        bus.attach(part, at: 0x20)
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for i in 0..<100 {
                        let register = UInt8(worker * 16 + i % 16)
                        try? bus.writeByteData(address: 0x20, register: register, value: register)
                        _ = try? bus.readBlock(address: 0x20, register: register, count: 2)
                    }
                }
            }
        }
        #expect(bus.log.count == 1_600)
        #expect(part.transactionCount == 1_600)
        #expect(bus.log.allSatisfy { $0.failure == nil })
    }
}
