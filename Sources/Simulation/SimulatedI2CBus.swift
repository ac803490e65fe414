import SensorgateCore

/// An I2C adapter in memory: simulated parts attached at addresses answer the same SMBus
/// transactions and plain I2C transfers that `/dev/i2c-N` carries, so drivers run
/// unchanged against it.
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
            /// A plain I2C transfer (`I2C_RDWR`): its write messages, then its read messages.
            case transfer
        }

        public var kind: Kind
        public var address: UInt8
        /// The bytes the master wrote after the address byte: the register (if any), then data;
        /// for a transfer, the bytes of its write messages in order.
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
    /// The attached parts that connect parts downstream (multiplexers), by address.
    private var switches: [UInt8: any SimulatedI2CSwitch] = [:]
    /// Each part's register pointer, by part (two parts behind a multiplexer may share an address).
    private var pointers: [ObjectIdentifier: UInt8] = [:]
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
            if let old = devices[address] { pointers[ObjectIdentifier(old)] = nil }
            devices[address] = device
            switches[address] = device as? any SimulatedI2CSwitch
            pointers[ObjectIdentifier(device)] = 0
        }
    }

    /// Removes the part at `address`; it NACKs from then on.
    public func detach(address: UInt8) {
        lock.withLock {
            if let old = devices[address] { pointers[ObjectIdentifier(old)] = nil }
            devices[address] = nil
            switches[address] = nil
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
        _ = try transact(.quick, address: address, [.write([])])
    }

    public func readByte(address: UInt8) throws(I2CError) -> UInt8 {
        try transact(.receiveByte, address: address, [.read(count: 1)])[0]
    }

    public func writeByte(address: UInt8, value: UInt8) throws(I2CError) {
        _ = try transact(.sendByte, address: address, [.write([value])])
    }

    public func readByteData(address: UInt8, register: UInt8) throws(I2CError) -> UInt8 {
        try transact(.readByteData, address: address, [.write([register]), .read(count: 1)])[0]
    }

    public func writeByteData(address: UInt8, register: UInt8, value: UInt8) throws(I2CError) {
        _ = try transact(.writeByteData, address: address, [.write([register, value])])
    }

    public func readWordData(address: UInt8, register: UInt8) throws(I2CError) -> UInt16 {
        let bytes = try transact(.readWordData, address: address, [.write([register]), .read(count: 2)])
        return UInt16(bytes[1]) << 8 | UInt16(bytes[0])
    }

    public func writeWordData(address: UInt8, register: UInt8, value: UInt16) throws(I2CError) {
        _ = try transact(.writeWordData, address: address,
                         [.write([register, UInt8(truncatingIfNeeded: value), UInt8(value >> 8)])])
    }

    public func readBlock(address: UInt8, register: UInt8, count: Int) throws(I2CError) -> [UInt8] {
        guard (1...32).contains(count) else {
            throw I2CError(.unsupported, bus: number, address: address, "I2C block read of \(count) bytes (1...32)")
        }
        return try transact(.readBlock, address: address, [.write([register]), .read(count: count)])
    }

    public func writeBlock(address: UInt8, register: UInt8, bytes: [UInt8]) throws(I2CError) {
        guard (1...32).contains(bytes.count) else {
            throw I2CError(.unsupported, bus: number, address: address,
                           "I2C block write of \(bytes.count) bytes (1...32)")
        }
        _ = try transact(.writeBlock, address: address, [.write([register] + bytes)])
    }

    public func transfer(address: UInt8, _ messages: [I2CMessage]) throws(I2CError) -> [[UInt8]] {
        if let problem = I2CMessage.problem(with: messages) {
            throw I2CError(.unsupported, bus: number, address: address, problem)
        }
        var replies: [[UInt8]] = []
        var bytes = try transact(.transfer, address: address, messages)[...]
        for case .read(let count) in messages {
            replies.append(Array(bytes.prefix(count)))
            bytes = bytes.dropFirst(count)
        }
        return replies
    }

    // MARK: Transactions

    /// Runs one transaction under the lock: faults first, then each message through the
    /// part's raw hooks (whose defaults are its register model). SMBus transactions are
    /// the message sequences they put on the wire. Returns every byte read, in order.
    private func transact(_ kind: Transaction.Kind, address: UInt8,
                          _ messages: [I2CMessage]) throws(I2CError) -> [UInt8] {
        let result: Result<[UInt8], I2CError> = lock.withLock {
            var entry = Transaction(kind: kind, address: address)
            for case .write(let bytes) in messages { entry.written += bytes }
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
            let answering = parts(at: address)
            guard let device = answering.first else {
                entry.failure = .nack
                return .failure(I2CError(.nack, bus: number, address: address, "no device at this address"))
            }
            guard answering.count == 1 else {
                entry.failure = .bus
                return .failure(I2CError(.bus, bus: number, address: address,
                                         "\(answering.count) parts answer at this address at once (multiplexer channels)"))
            }
            device.beginTransaction()
            var pointer = pointers[ObjectIdentifier(device)] ?? 0
            defer { pointers[ObjectIdentifier(device)] = pointer }
            var bytes: [UInt8] = []
            var reads = false
            for message in messages {
                switch message {
                case .write(let data):
                    guard device.write(data, pointer: &pointer) else {
                        entry.failure = .nack
                        return .failure(I2CError(.nack, bus: number, address: address, "the part did not acknowledge the write"))
                    }
                case .read(let count):
                    guard let reply = device.read(count: count, pointer: &pointer) else {
                        entry.failure = .nack
                        return .failure(I2CError(.nack, bus: number, address: address, "the part did not acknowledge the read"))
                    }
                    // A part that sends fewer bytes leaves the bus idle: the master reads 0xFF.
                    bytes += reply.prefix(count) + Array(repeating: 0xFF, count: max(0, count - reply.count))
                    reads = true
                }
            }
            if reads, !corruptions.isEmpty {
                let mask = corruptions.removeFirst()
                bytes = bytes.map { $0 ^ mask }
            }
            entry.read = bytes
            return .success(bytes)
        }
        return try result.get()
    }

    /// The parts that answer at `address`: the one attached there and those that
    /// multiplexers on the bus connect now. Call with the lock held.
    private func parts(at address: UInt8) -> [any SimulatedI2CDevice] {
        var found = devices[address].map { [$0] } ?? []
        for routing in switches.values { found += routing.connectedDevices(at: address) }
        return found
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
