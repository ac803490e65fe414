/// A simple register part described by a profile instead of code: the writes that set it
/// up and the registers its channels are read from, each with the arithmetic that turns
/// the register's bits into a physical value.
///
/// Pure values: the declarative driver reads them, the simulator inverts them, and the
/// profile decoder builds them (checking every limit documented on the members).
public struct RegisterMap: Sendable, Equatable {
    /// Written in order when the part is set up.
    public var writes: [Write]
    /// In the order the driver returns their values.
    public var channels: [Channel]

    public init(writes: [Write] = [], channels: [Channel]) {
        self.writes = writes
        self.channels = channels
    }

    /// The channels as the catalog lists them.
    public var channelDescriptors: [ChannelDescriptor] {
        channels.map { ChannelDescriptor(name: $0.name, unit: $0.unit, decimals: $0.decimals) }
    }

    /// How many bits a register is wide; 24 and 32 bits are read as an I2C block.
    public enum Width: Int, Sendable, CaseIterable {
        case bits8 = 8, bits16 = 16, bits24 = 24, bits32 = 32

        public var bytes: Int { rawValue / 8 }
        /// Every bit of the register set.
        public var allOnes: UInt32 { rawValue == 32 ? .max : (1 << UInt32(rawValue)) - 1 }
    }

    /// Which byte a multi-byte register sends first.
    public enum ByteOrder: String, Sendable, CaseIterable {
        /// Most significant byte first, at the register's own address (most sensors).
        case big
        /// Least significant byte first.
        case little
    }

    /// `bytes` (as the part sends them, in address order) as one number.
    public static func value(of bytes: [UInt8], order: ByteOrder) -> UInt32 {
        let ordered = order == .big ? bytes : bytes.reversed()
        return ordered.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    /// `value`'s `width.bytes` low bytes, in address order.
    public static func bytes(of value: UInt32, width: Width, order: ByteOrder) -> [UInt8] {
        let big = (0..<width.bytes).reversed().map { UInt8(truncatingIfNeeded: value >> UInt32(8 * $0)) }
        return order == .big ? big : big.reversed()
    }
}
