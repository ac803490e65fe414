/// 7-bit I2C addresses: hexadecimal `0x76` or decimal `118`.
public enum I2CAddressSyntax {
    /// Addresses a device may have: 0x00...0x02 and 0x78...0x7F are reserved by the I2C specification.
    public static let validRange: ClosedRange<Int> = 0x03...0x77

    public static func parse(_ text: String) throws(ValueSyntaxError) -> UInt8 {
        let trimmed = Substring(text).trimmingSpaces
        let value: Int?
        if trimmed.hasPrefix("0x") || trimmed.hasPrefix("0X") {
            let digits = trimmed.dropFirst(2)
            value = digits.isEmpty || digits.count > 4 ? nil : Int(digits, radix: 16)
        } else {
            value = trimmed.allSatisfy({ $0.isASCII && $0.isNumber }) && trimmed.count <= 5 ? Int(trimmed) : nil
        }
        guard let value else { throw ValueSyntaxError("not a number") }
        guard value <= 0x7F else { throw ValueSyntaxError("more than 7 bits") }
        guard validRange.contains(value) else {
            throw ValueSyntaxError("0x00...0x02 and 0x78...0x7f are reserved")
        }
        return UInt8(value)
    }

    /// `0x76`
    public static func format(_ address: UInt8) -> String {
        "0x" + String(address, radix: 16).leftPadded(to: 2)
    }
}
