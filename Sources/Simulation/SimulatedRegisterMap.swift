import SensorgateCore

/// The part a declarative profile describes, at the register level, generated from its
/// ``RegisterMap``.
///
/// It keeps 256 16-bit registers behind one pointer, as i2c-stub does and as parts with
/// registers of mixed widths behind a pointer (LM75, INA219) behave: a 1-byte read or
/// write is the register's low byte, a 2-byte one the whole register as an SMBus word
/// (low byte first; a big-endian register holds its value byte-swapped), and a longer
/// one the low bytes of consecutive registers (an I2C block of byte registers). So
/// an LM75's 8-bit configuration at 0x01 sits beside its 16-bit temperature at 0x00.
/// A 2-byte I2C block is taken for a word: the bus cannot tell them apart, and the
/// drivers read 16-bit registers as words.
///
/// At the start of every transaction each channel's field is encoded from `values(name)`
/// by inverting its conversion (the linear one rounded to the nearest code; a polynomial
/// by bisection over the field's codes, assuming it is monotonic there), clamped to the
/// field's codes; the bits outside the channel's mask keep what was written. A nil value
/// gives the middle of the channel's `range`, else code 0. Writes (the map's `init`)
/// land in the registers and read back.
///
/// A channel with a `crc` is kept as its reply is read, an I2C block: its bytes in the
/// low bytes of consecutive registers from its own (16 bits included), and the CRC of
/// those bytes in the low byte of the register after them, as an i2c-stub image would
/// hold it. A 2-byte read at an 8-bit CRC channel's register is that block, not a word.
/// ``corruptNextCRCs(_:)`` flips the CRC byte of the next replies to CRC channels.
public final class SimulatedRegisterMap: SimulatedI2CDevice, @unchecked Sendable {
    public let map: RegisterMap
    private let values: @Sendable (String) -> Double?
    private let lock = Mutex()
    private var words = SparseRegisterWords()
    /// The first register of each CRC channel's reply, and the reply's length.
    private let checkedReplies: [UInt8: Int]
    private var corruptCRCs = 0

    /// - Parameter clock: unused, the simulated part converts continuously; taken for the catalog's shape.
    public init(map: RegisterMap, clock: any MonotonicClock = SystemClock(), values: @escaping @Sendable (String) -> Double?) {
        self.map = map
        self.values = values
        var checked: [UInt8: Int] = [:]
        for channel in map.channels where channel.crc != nil { checked[channel.register] = channel.replyBytes }
        checkedReplies = checked
    }

    /// The next `count` replies to a CRC channel's read carry a wrong CRC byte.
    public func corruptNextCRCs(_ count: Int = 1) { lock.withLock { corruptCRCs += count } }

    /// Register `register` as an SMBus word read returns it (low byte first on the wire).
    public func word(at register: UInt8) -> UInt16 { lock.withLock { words[Int(register)] } }

    /// Sets register `register`, as i2c-stub's `i2cset -y BUS ADDR REG WORD w` would.
    public func setWord(_ value: UInt16, at register: UInt8) { lock.withLock { words[Int(register)] = value } }

    /// The register value that makes `channel` read `value`, with the rest of `register` kept.
    public static func encode(_ value: Double, channel: RegisterMap.Channel, into register: UInt32) -> UInt32 {
        channel.encode(code: channel.conversion.code(for: value, in: channel.codes), into: register)
    }

    /// The value of `channel`'s register, as the driver reads it; call with the lock held.
    private func value(of channel: RegisterMap.Channel) -> UInt32 {
        let index = Int(channel.register)
        switch (channel.width, channel.byteOrder, channel.crc) {
        case (.bits8, _, _): return UInt32(words[index] & 0xFF)
        case (.bits16, .big, nil): return UInt32(words[index].byteSwapped)
        case (.bits16, .little, nil): return UInt32(words[index])
        case (.bits16, _, _), (.bits24, _, _), (.bits32, _, _):
            return RegisterMap.value(of: lowBytes(from: index, count: channel.width.bytes), order: channel.byteOrder)
        }
    }

    /// Stores `value` so that the driver reads it back for `channel`, with the CRC after
    /// it if the channel has one; call with the lock held.
    private func store(_ value: UInt32, for channel: RegisterMap.Channel) {
        let index = Int(channel.register)
        switch (channel.width, channel.byteOrder, channel.crc) {
        case (.bits8, _, nil): setLowByte(UInt8(truncatingIfNeeded: value), at: index)
        case (.bits16, .big, nil): words[index] = UInt16(truncatingIfNeeded: value).byteSwapped
        case (.bits16, .little, nil): words[index] = UInt16(truncatingIfNeeded: value)
        case (.bits8, _, _), (.bits16, _, _), (.bits24, _, _), (.bits32, _, _):
            let bytes = RegisterMap.bytes(of: value, width: channel.width, order: channel.byteOrder)
            for (offset, byte) in bytes.enumerated() { setLowByte(byte, at: (index + offset) & 0xFF) }
            if let crc = channel.crc { setLowByte(crc.checksum(bytes), at: (index + bytes.count) & 0xFF) }
        }
    }

    private func lowBytes(from index: Int, count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: words[(index + $0) & 0xFF]) }
    }

    private func setLowByte(_ byte: UInt8, at index: Int) { words[index] = words[index] & 0xFF00 | UInt16(byte) }

    // MARK: SimulatedI2CDevice

    public func beginTransaction() {
        lock.withLock {
            for channel in map.channels {
                let physical = values(channel.name) ?? channel.range.map { ($0.lowerBound + $0.upperBound) / 2 }
                    ?? channel.conversion.apply(0)
                store(Self.encode(physical, channel: channel, into: value(of: channel)), for: channel)
            }
        }
    }

    public func write(_ bytes: [UInt8], pointer: inout UInt8) -> Bool {
        guard let first = bytes.first else { return true } // an address-only write (a scan)
        pointer = first
        let data = Array(bytes.dropFirst())
        let start = pointer
        lock.withLock {
            switch data.count {
            case 0: break // only the pointer moved
            case 1: setLowByte(data[0], at: Int(start))
            case 2: words[Int(start)] = UInt16(data[1]) << 8 | UInt16(data[0])
            default:
                for (offset, byte) in data.enumerated() { setLowByte(byte, at: (Int(start) + offset) & 0xFF) }
            }
        }
        return true
    }

    public func read(count: Int, pointer: inout UInt8) -> [UInt8]? {
        let start = Int(pointer)
        return lock.withLock {
            if checkedReplies[UInt8(start)] == count {
                var reply = lowBytes(from: start, count: count)
                if corruptCRCs > 0 {
                    corruptCRCs -= 1
                    reply[count - 1] ^= 0xFF
                }
                return reply
            }
            switch count {
            case 1: return [UInt8(truncatingIfNeeded: words[start])]
            case 2: return [UInt8(truncatingIfNeeded: words[start]), UInt8(words[start] >> 8)]
            default: return lowBytes(from: start, count: count)
            }
        }
    }
}
