import SensorgateCore

/// Command helpers layered on the plain I2C `transfer` primitive, for parts that take
/// commands and answer with a fixed number of bytes (Sensirion's SHT3x and SHT4x)
/// instead of exposing registers.
extension I2CBus {
    /// One write message: a command and its arguments, then a stop.
    public func write(address: UInt8, _ bytes: [UInt8]) throws(I2CError) {
        _ = try transfer(address: address, [.write(bytes)])
    }

    /// One read message of exactly `count` bytes.
    ///
    /// Throws `.invalidReply` if the adapter returns a different number of bytes.
    public func read(address: UInt8, count: Int) throws(I2CError) -> [UInt8] {
        let replies = try transfer(address: address, [.read(count: count)])
        guard replies.count == 1, let bytes = replies.first, bytes.count == count else {
            throw I2CError(.invalidReply, bus: number, address: address,
                           "asked for \(count) bytes, got \(replies.first?.count ?? 0)")
        }
        return bytes
    }

    /// A 16-bit command, most significant byte first, as Sensirion parts take it.
    public func write(address: UInt8, command: UInt16) throws(I2CError) {
        try write(address: address, [UInt8(command >> 8), UInt8(truncatingIfNeeded: command)])
    }
}
