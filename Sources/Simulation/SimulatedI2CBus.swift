import SensorgateCore

/// An I2C adapter in memory: simulated parts attached at addresses answer the same SMBus
/// transactions that `/dev/i2c-N` carries, so drivers run unchanged against it.
///
/// Thread-safe: every transaction runs under one lock, as on a real adapter. It keeps a
/// log of the exact bytes of recent transactions for tests, and can inject the faults
/// a real bus shows: NACKs, a stuck bus (SDA held low) and corrupted reads.
public final class SimulatedI2CBus: I2CBus, @unchecked Sendable {
    /// One transaction as it went over the wire.
    public struct Transaction: Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Sendable, Equatable {
            case quick, receiveByte, sendByte, readByteData, writeByteData, readWordData, writeWordData
            case readBlock, writeBlock
        }

        public var kind: Kind
        public var address: UInt8
        /// The bytes the master wrote after the address byte: the register (if any), then data.
        public var written: [UInt8]
        /// The bytes the master read back (after any injected corruption).
        public var read: [UInt8]
        /// Why the transaction failed, or nil if it completed.
        public var failure: I2CError.Code?

        public init(kind: Kind, address: UInt8, written: [UInt8] = [], read: [UInt8] = [],
                    failure: I2CError.Code? = nil) {
            self.kind = kind
            self.address = address
            self.written = written
            self.read = read
            self.failure = failure
        }

        /// Whether the transaction wrote data to a register (not just the register pointer).
        public var isRegisterWrite: Bool {
            switch kind {
            case .writeByteData, .writeWordData, .writeBlock: true
            default: false
            }
        }

        public var description: String {
            let w = written.map { "0x" + String($0, radix: 16).leftPadded(to: 2) }.joined(separator: " ")
            let r = read.map { "0x" + String($0, radix: 16).leftPadded(to: 2) }.joined(separator: " ")
            let outcome = failure.map { " failed: \($0.rawValue)" } ?? ""
            return "\(kind.rawValue) @0x\(String(address, radix: 16).leftPadded(to: 2)) w[\(w)] r[\(r)]\(outcome)"
        }
    }

    public let number: Int
    /// How many of the most recent transactions the log keeps (0 keeps none). The default,
    /// 256, covers a test's transactions while keeping a long `run --simulate` small.
    public let logCapacity: Int

    private let lock = Mutex()
    private var devices: [UInt8: any SimulatedI2CDevice] = [:]
    /// Each attached part's register pointer.
    private var pointers: [UInt8: UInt8] = [:]
    private var ring: [Transaction] = []
    private var ringStart = 0
    private var pendingFailures: [I2CError.Code] = []
    private var stuck = false
    private var corruptions: [UInt8] = []

    public init(number: Int = 1, logCapacity: Int = 256) {
        self.number = number
        self.logCapacity = max(0, logCapacity)
    }

    // MARK: Parts

    /// Attaches `device` at `address`, replacing any part already there.
    public func attach(_ device: any SimulatedI2CDevice, at address: UInt8) {
        lock.withLock {
            devices[address] = device
            pointers[address] = 0
        }
    }

    /// Removes the part at `address`; it NACKs from then on.
    public func detach(address: UInt8) {
        lock.withLock {
            devices[address] = nil
            pointers[address] = nil
        }
    }

    /// The part at `address`, if any.
    public func device(at address: UInt8) -> (any SimulatedI2CDevice)? { lock.withLock { devices[address] } }

    /// Addresses with a part attached, ascending.
    public var addresses: [UInt8] { lock.withLock { devices.keys.sorted() } }

    // MARK: Log

    /// The most recent transactions (at most `logCapacity`), oldest first.
    public var log: [Transaction] {
        lock.withLock { Array(ring[ringStart...] + ring[..<ringStart]) }
    }

    /// Empties the log.
    public func clearLog() {
        lock.withLock {
            ring.removeAll(keepingCapacity: true)
            ringStart = 0
        }
    }

    /// The written bytes (register, then data) of every completed register write to
    /// `address`, oldest first: `[[0xF2, 0x01], [0xF4, 0x25]]`.
    public func registerWrites(to address: UInt8) -> [[UInt8]] {
        log.filter { $0.address == address && $0.isRegisterWrite && $0.failure == nil }.map(\.written)
    }

    // MARK: Fault injection

    /// The next `count` transactions (to any address) are not acknowledged.
    public func nackNext(_ count: Int) { failNext(count, with: .nack) }

    /// The next `count` transactions (to any address) fail with `code`.
    public func failNext(_ count: Int, with code: I2CError.Code) {
        guard count > 0 else { return }
        lock.withLock { pendingFailures += Array(repeating: code, count: count) }
    }

    /// While true, every transaction times out, as when a part holds SDA low.
    public var isStuck: Bool {
        get { lock.withLock { stuck } }
        set { lock.withLock { stuck = newValue } }
    }

    /// The data of each of the next `count` read transactions comes back with every byte
    /// XORed with `mask`, as after a glitch on SDA. The part itself is unaffected.
    public func corruptNextReads(_ count: Int = 1, xor mask: UInt8 = 0xFF) {
        guard count > 0 else { return }
        lock.withLock { corruptions += Array(repeating: mask, count: count) }
    }

    /// Drops every pending injected fault and un-sticks the bus.
    public func clearFaults() {
        lock.withLock {
            pendingFailures.removeAll()
            corruptions.removeAll()
            stuck = false
        }
    }

    // MARK: I2CBus

    public func quick(address: UInt8) throws(I2CError) {
        _ = try transact(.quick, address: address, written: [], readCount: 0)
    }

    public func readByte(address: UInt8) throws(I2CError) -> UInt8 {
        let bytes = try transact(.receiveByte, address: address, written: [], readCount: 1)
        return bytes[0]
    }

    public func writeByte(address: UInt8, value: UInt8) throws(I2CError) {
        _ = try transact(.sendByte, address: address, written: [value], readCount: 0)
    }

    public func readByteData(address: UInt8, register: UInt8) throws(I2CError) -> UInt8 {
        let bytes = try transact(.readByteData, address: address, written: [register], readCount: 1)
        return bytes[0]
    }

    public func writeByteData(address: UInt8, register: UInt8, value: UInt8) throws(I2CError) {
        _ = try transact(.writeByteData, address: address, written: [register, value], readCount: 0)
    }

    public func readWordData(address: UInt8, register: UInt8) throws(I2CError) -> UInt16 {
        let bytes = try transact(.readWordData, address: address, written: [register], readCount: 2)
        return UInt16(bytes[1]) << 8 | UInt16(bytes[0])
    }

    public func writeWordData(address: UInt8, register: UInt8, value: UInt16) throws(I2CError) {
        _ = try transact(.writeWordData, address: address,
                         written: [register, UInt8(truncatingIfNeeded: value), UInt8(value >> 8)], readCount: 0)
    }

    public func readBlock(address: UInt8, register: UInt8, count: Int) throws(I2CError) -> [UInt8] {
        guard (1...32).contains(count) else {
            throw I2CError(.unsupported, bus: number, address: address, "I2C block read of \(count) bytes (1...32)")
        }
        return try transact(.readBlock, address: address, written: [register], readCount: count)
    }

    public func writeBlock(address: UInt8, register: UInt8, bytes: [UInt8]) throws(I2CError) {
        guard (1...32).contains(bytes.count) else {
            throw I2CError(.unsupported, bus: number, address: address,
                           "I2C block write of \(bytes.count) bytes (1...32)")
        }
        _ = try transact(.writeBlock, address: address, written: [register] + bytes, readCount: 0)
    }

    // MARK: Transactions

    /// Runs one transaction under the lock: faults first, then the part's register model.
    /// `written` is what the master sends after the address; then `readCount` bytes are
    /// read (after a repeated start if anything was written).
    private func transact(_ kind: Transaction.Kind, address: UInt8, written: [UInt8],
                          readCount: Int) throws(I2CError) -> [UInt8] {
        let result: Result<[UInt8], I2CError> = lock.withLock {
            var entry = Transaction(kind: kind, address: address, written: written)
            defer { append(entry) }
            if stuck {
                entry.failure = .timeout
                return .failure(I2CError(.timeout, bus: number, address: address, "bus stuck (SDA held low)"))
            }
            if !pendingFailures.isEmpty {
                let code = pendingFailures.removeFirst()
                entry.failure = code
                return .failure(I2CError(code, bus: number, address: address, "injected fault"))
            }
            guard let device = devices[address] else {
                entry.failure = .nack
                return .failure(I2CError(.nack, bus: number, address: address, "no device at this address"))
            }
            device.beginTransaction()
            var pointer = pointers[address] ?? 0
            if let first = written.first {
                pointer = first
                let data = written.dropFirst()
                switch device.writeLayout {
                case .autoIncrement:
                    for value in data {
                        device.writeRegister(pointer, value: value)
                        pointer &+= 1
                    }
                case .registerValuePairs:
                    // reg0 d0 reg1 d1 ...: the first value goes to the register already
                    // addressed, then each (register, value) pair; a trailing register
                    // byte only moves the pointer.
                    var index = data.startIndex
                    if index < data.endIndex {
                        device.writeRegister(pointer, value: data[index])
                        pointer &+= 1
                        index += 1
                    }
                    while index < data.endIndex {
                        pointer = data[index]
                        index += 1
                        if index < data.endIndex {
                            device.writeRegister(pointer, value: data[index])
                            pointer &+= 1
                            index += 1
                        }
                    }
                }
            }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(readCount)
            for _ in 0..<readCount {
                bytes.append(device.readRegister(pointer))
                pointer &+= 1
            }
            pointers[address] = pointer
            if readCount > 0, !corruptions.isEmpty {
                let mask = corruptions.removeFirst()
                bytes = bytes.map { $0 ^ mask }
            }
            entry.read = bytes
            return .success(bytes)
        }
        return try result.get()
    }

    /// Appends to the log ring; call with the lock held.
    private func append(_ entry: Transaction) {
        guard logCapacity > 0 else { return }
        if ring.count < logCapacity {
            ring.append(entry)
        } else {
            ring[ringStart] = entry
            ringStart = (ringStart + 1) % logCapacity
        }
    }
}
