/// The CRC-8 that sensor datasheets specify: most significant bit first, no reflection,
/// no final XOR, each part with its own polynomial and initial value (Sensirion SHT3x/SHT4x
/// and Aosong AHT20: 0x31 from 0xFF; TE HTU21D and Silicon Labs Si7021: 0x31 from 0x00).
///
/// The one bitwise implementation of the drivers; a part names its parameters beside
/// the datasheet section that gives them. It lives in the core because a declarative
/// register map (``RegisterMap/Channel/crc``) names one as a value.
public struct CRC8: Sendable, Equatable {
    /// Sensirion's parameters (polynomial 0x31 from 0xFF): CRC-8 of 0xBE 0xEF is 0x92.
    public static let sensirion = CRC8(polynomial: 0x31, initial: 0xFF)

    /// The generator polynomial without its x^8 term: 0x31 is x^8 + x^5 + x^4 + 1.
    public var polynomial: UInt8
    /// The register's value before the first byte.
    public var initial: UInt8

    public init(polynomial: UInt8, initial: UInt8) {
        self.polynomial = polynomial
        self.initial = initial
    }

    /// The checksum of `bytes`, in order.
    public func checksum(_ bytes: some Sequence<UInt8>) -> UInt8 {
        var crc = initial
        for byte in bytes {
            crc ^= byte
            for _ in 0..<8 {
                crc = crc & 0x80 != 0 ? (crc << 1) ^ polynomial : crc << 1
            }
        }
        return crc
    }
}
