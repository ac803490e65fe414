import SensorgateCore

/// The reply format shared by Sensirion's SHT3x and SHT4x: 16-bit words, most
/// significant byte first, each followed by its CRC-8.
///
/// CRC-8 as both datasheets specify it (SHT3x-DIS section 4.12, table 19; SHT4x
/// section 4.4): polynomial 0x31 (x^8 + x^5 + x^4 + 1), initialisation 0xFF, no
/// reflection, no final XOR. The datasheets' example: CRC(0xBEEF) = 0x92.
public enum SensirionWords {
    public static let crcPolynomial: UInt8 = 0x31
    public static let crcInitialisation: UInt8 = 0xFF

    /// The CRC-8 with the parameters above.
    public static let crc8 = CRC8(polynomial: crcPolynomial, initial: crcInitialisation)

    /// The CRC-8 of `bytes`.
    public static func crc(_ bytes: [UInt8]) -> UInt8 { crc8.checksum(bytes) }

    /// `word` as the part sends it: MSB, LSB, CRC.
    public static func encode(_ word: UInt16) -> [UInt8] {
        let bytes = [UInt8(word >> 8), UInt8(truncatingIfNeeded: word)]
        return bytes + [crc(bytes)]
    }

    /// Why a reply cannot be used.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The reply did not have 3 bytes per word.
        case wrongLength(Int, expected: Int)
        /// Word `index` arrived with `received` where its bytes give `computed`.
        case crcMismatch(word: Int, received: UInt8, computed: UInt8)

        public var description: String {
            switch self {
            case .wrongLength(let count, let expected):
                return "reply has \(count) bytes, expected \(expected)"
            case .crcMismatch(let word, let received, let computed):
                return "word \(word) has CRC 0x\(String(received, radix: 16).leftPadded(to: 2)), "
                    + "its bytes give 0x\(String(computed, radix: 16).leftPadded(to: 2))"
            }
        }
    }

    /// The words of a reply, every CRC checked.
    public static func decode(_ reply: [UInt8], words: Int) throws(Failure) -> [UInt16] {
        guard reply.count == words * 3 else { throw .wrongLength(reply.count, expected: words * 3) }
        var result: [UInt16] = []
        for index in 0..<words {
            let msb = reply[index * 3], lsb = reply[index * 3 + 1], received = reply[index * 3 + 2]
            let computed = crc([msb, lsb])
            guard computed == received else { throw .crcMismatch(word: index, received: received, computed: computed) }
            result.append(RegisterBytes.uint16BE(msb, lsb))
        }
        return result
    }

    /// The I2C error a bad reply becomes: a CRC mismatch is a transfer fault, never a reading.
    public static func error(_ failure: Failure, part: String, bus: Int, address: UInt8) -> I2CError {
        switch failure {
        case .wrongLength: I2CError(.invalidReply, bus: bus, address: address, "\(part) \(failure)")
        case .crcMismatch: I2CError(.crcMismatch, bus: bus, address: address, "\(part) \(failure)")
        }
    }

    /// Reads `words` words from the part at `address`, CRCs checked.
    public static func read(_ words: Int, part: String, bus: any I2CBus, address: UInt8) throws(I2CError) -> [UInt16] {
        let reply = try bus.read(address: address, count: words * 3)
        do {
            return try decode(reply, words: words)
        } catch {
            throw Self.error(error, part: part, bus: bus.number, address: address)
        }
    }
}
