/// Why a data read of a Bosch environmental sensor (BME280, BMP280, BME680) cannot be
/// published. The three parts share the shape of their data blocks: 20-bit temperature and
/// pressure that read 0x80000 when not measured, a 16-bit humidity that reads 0x8000.
public enum BoschDecodeFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The data block did not have the part's length.
    case wrongLength(Int, expected: Int)
    /// The register still holds the "not measured" value (0x80000 or 0x8000).
    case skipped(channel: String, raw: UInt32)
    /// The compensated value lies outside what the part can measure.
    case outOfRange(channel: String, value: Double, unit: String, range: ClosedRange<Double>)

    public var description: String {
        switch self {
        case .wrongLength(let count, let expected):
            return "data block has \(count) bytes, expected \(expected)"
        case .skipped(let channel, let raw):
            return "\(channel) was not measured (raw 0x\(String(raw, radix: 16)), the reset value)"
        case .outOfRange(let channel, let value, let unit, let range):
            return "\(channel) \(value) \(unit) is outside the part's range \(range.lowerBound)...\(range.upperBound) \(unit)"
        }
    }
}
