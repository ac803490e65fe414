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
public final class SimulatedRegisterMap: SimulatedI2CDevice, @unchecked Sendable {
    public let map: RegisterMap
    private let values: @Sendable (String) -> Double?
    private let lock = Mutex()
    private var words = [UInt16](repeating: 0, count: 256)

    /// - Parameter clock: unused, the simulated part converts continuously; taken for the catalog's shape.
    public init(map: RegisterMap, clock: any MonotonicClock = SystemClock(), values: @escaping @Sendable (String) -> Double?) {
        self.map = map
        self.values = values
    }

    /// Register `register` as an SMBus word read returns it (low byte first on the wire).
    public func word(at register: UInt8) -> UInt16 { lock.withLock { words[Int(register)] } }

    /// Sets register `register`, as i2c-stub's `i2cset -y BUS ADDR REG WORD w` would.
    public func setWord(_ value: UInt16, at register: UInt8) { lock.withLock { words[Int(register)] = value } }

    /// The register value that makes `channel` read `value`, with the rest of `register` kept.
    public static func encode(_ value: Double, channel: RegisterMap.Channel, into register: UInt32) -> UInt32 {
        channel.encode(code: channel.conversion.code(for: value, in: channel.codes), into: register)
    }

    /// The value of a `width`-bit register at `register`, as the driver reads it; call with the lock held.
    private func value(at register: UInt8, width: RegisterMap.Width, order: RegisterMap.ByteOrder) -> UInt32 {
        let index = Int(register)
        switch (width, order) {
        case (.bits8, _): return UInt32(words[index] & 0xFF)
        case (.bits16, .big): return UInt32(words[index].byteSwapped)
        case (.bits16, .little): return UInt32(words[index])
        case (.bits24, _), (.bits32, _):
            let bytes = (0..<width.bytes).map { UInt8(truncatingIfNeeded: words[(index + $0) & 0xFF]) }
            return RegisterMap.value(of: bytes, order: order)
        }
    }

    /// Stores `value` so that the driver reads it back; call with the lock held.
    private func store(_ value: UInt32, at register: UInt8, width: RegisterMap.Width, order: RegisterMap.ByteOrder) {
        let index = Int(register)
        switch (width, order) {
        case (.bits8, _): setLowByte(UInt8(truncatingIfNeeded: value), at: index)
        case (.bits16, .big): words[index] = UInt16(truncatingIfNeeded: value).byteSwapped
        case (.bits16, .little): words[index] = UInt16(truncatingIfNeeded: value)
        case (.bits24, _), (.bits32, _):
            for (offset, byte) in RegisterMap.bytes(of: value, width: width, order: order).enumerated() {
                setLowByte(byte, at: (index + offset) & 0xFF)
            }
        }
    }

    private func setLowByte(_ byte: UInt8, at index: Int) { words[index] = words[index] & 0xFF00 | UInt16(byte) }

    // MARK: SimulatedI2CDevice

    public func beginTransaction() {
        lock.withLock {
            for channel in map.channels {
                let physical = values(channel.name) ?? channel.range.map { ($0.lowerBound + $0.upperBound) / 2 }
                    ?? channel.conversion.apply(0)
                let current = value(at: channel.register, width: channel.width, order: channel.byteOrder)
                store(Self.encode(physical, channel: channel, into: current), at: channel.register,
                      width: channel.width, order: channel.byteOrder)
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
            switch count {
            case 1: return [UInt8(truncatingIfNeeded: words[start])]
            case 2: return [UInt8(truncatingIfNeeded: words[start]), UInt8(words[start] >> 8)]
            default: return (0..<count).map { UInt8(truncatingIfNeeded: words[(start + $0) & 0xFF]) }
            }
        }
    }
}
