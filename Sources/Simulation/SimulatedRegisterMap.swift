import SensorgateCore

/// The part a declarative profile describes, at the register level, generated from its
/// ``RegisterMap``: 256 byte registers behind an auto-incrementing pointer, as most
/// register parts and the SMBus helpers see them (a 16-bit big-endian register at R has
/// its most significant byte at R, the next at R + 1).
///
/// At the start of every transaction each channel's field is encoded from
/// `values(name)` by inverting its conversion (the linear one exactly, rounded to the
/// nearest code; a polynomial by bisection over the field's codes, assuming it is
/// monotonic there), clamped to the field's codes; the bits of a register outside every
/// channel's mask keep what was written. Nil values give the middle of the channel's
/// `range`, else code 0. Writes (the map's `init`) land in the image and can be read back.
public final class SimulatedRegisterMap: SimulatedI2CDevice, @unchecked Sendable {
    public let map: RegisterMap
    private let values: @Sendable (String) -> Double?
    private let lock = Mutex()
    private var image = [UInt8](repeating: 0, count: 256)

    /// - Parameter clock: unused, the simulated part converts continuously; taken for the catalog's shape.
    public init(map: RegisterMap, clock: any MonotonicClock = SystemClock(), values: @escaping @Sendable (String) -> Double?) {
        self.map = map
        self.values = values
    }

    /// The bytes of registers `register`..< `register + count`, as last computed or written.
    public func bytes(at register: UInt8, count: Int) -> [UInt8] {
        lock.withLock { Array(image[Int(register)..<min(256, Int(register) + count)]) }
    }

    /// The register value that makes `channel` read `value`, with the rest of `register` kept.
    public static func encode(_ value: Double, channel: RegisterMap.Channel, into register: UInt32) -> UInt32 {
        channel.encode(code: channel.conversion.code(for: value, in: channel.codes), into: register)
    }

    // MARK: SimulatedI2CDevice

    public func beginTransaction() {
        lock.withLock {
            for channel in map.channels {
                let value = values(channel.name) ?? channel.range.map { ($0.lowerBound + $0.upperBound) / 2 }
                    ?? channel.conversion.apply(0)
                let start = Int(channel.register)
                let count = channel.width.bytes
                let current = RegisterMap.value(of: Array(image[start..<start + count]), order: channel.byteOrder)
                let encoded = Self.encode(value, channel: channel, into: current)
                image.replaceSubrange(start..<start + count,
                                      with: RegisterMap.bytes(of: encoded, width: channel.width, order: channel.byteOrder))
            }
        }
    }

    public func readRegister(_ register: UInt8) -> UInt8 { lock.withLock { image[Int(register)] } }

    public func writeRegister(_ register: UInt8, value: UInt8) { lock.withLock { image[Int(register)] = value } }
}
