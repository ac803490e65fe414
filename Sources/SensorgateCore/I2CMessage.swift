/// One message of a plain I2C transfer (`struct i2c_msg` of `<linux/i2c.h>`): the
/// address byte with the read/write bit, then the data.
public enum I2CMessage: Sendable, Equatable {
    /// The master sends these bytes.
    case write([UInt8])
    /// The master reads this many bytes, acknowledging all but the last.
    case read(count: Int)

    /// The most messages one transfer carries (`I2C_RDWR_IOCTL_MAX_MSGS`).
    public static let maximumPerTransfer = 42
    /// The longest message (`len` of `i2c_msg` is 16 bits; adapters often allow far less).
    public static let maximumLength = 0xFFFF

    /// How many data bytes the message carries.
    public var length: Int {
        switch self {
        case .write(let bytes): bytes.count
        case .read(let count): count
        }
    }
}

extension I2CMessage {
    /// Why `messages` cannot go out as one transfer, or nil: both buses refuse the same
    /// shapes, so a driver that works on the simulator is not refused by the kernel.
    public static func problem(with messages: [I2CMessage]) -> String? {
        guard (1...maximumPerTransfer).contains(messages.count) else {
            return "a transfer carries 1...\(maximumPerTransfer) messages, not \(messages.count)"
        }
        for (index, message) in messages.enumerated() {
            switch message {
            case .write(let bytes) where bytes.count > maximumLength:
                return "message \(index) writes \(bytes.count) bytes, more than \(maximumLength)"
            case .read(let count) where !(1...maximumLength).contains(count):
                return "message \(index) reads \(count) bytes, not 1...\(maximumLength)"
            default:
                continue
            }
        }
        return nil
    }
}
