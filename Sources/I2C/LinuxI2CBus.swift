#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CI2C
import SensorgateCore

/// An I2C adapter of the kernel, `/dev/i2c-N`, driven with libi2c's SMBus calls.
///
/// One instance per adapter; transactions are serialised with a lock (the slave address
/// is per file descriptor, so selecting it and transferring must not interleave). Every
/// call blocks until the kernel finishes the transaction: run it on the bus worker.
/// The descriptor is closed when the instance goes away.
public final class LinuxI2CBus: I2CBus, @unchecked Sendable {
    public let number: Int
    /// `/dev/i2c-<number>`.
    public let path: String
    /// The adapter's `I2C_FUNCS` bitmask (`I2C_FUNC_*` of `linux/i2c.h`).
    public let functionality: UInt

    private let descriptor: Int32
    private let lock = Mutex()
    /// The address last set with `I2C_SLAVE`; set again only when it changes.
    private var selectedAddress: UInt8?

    /// Opens `/dev/i2c-<number>` for reading and writing.
    ///
    /// Throws `.open` with the reason and a hint when the adapter does not exist or
    /// cannot be opened.
    public init(number: Int) throws(I2CError) {
        self.number = number
        self.path = "/dev/i2c-\(number)"
        guard number >= 0 else {
            throw I2CError(.open, bus: number, address: 0, "\(path): adapter numbers start at 0")
        }
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else {
            let error = errno
            throw I2CError(.open, bus: number, address: 0, Self.describeOpenFailure(path: path, errno: error))
        }
        var funcs: UInt = 0
        guard sensorgate_i2c_functionality(fd, &funcs) == 0 else {
            let error = errno
            close(fd)
            throw I2CError(.open, bus: number, address: 0,
                           "\(path): not an i2c-dev adapter (I2C_FUNCS failed: \(Self.describe(errno: error)))")
        }
        self.descriptor = fd
        self.functionality = funcs
    }

    deinit {
        close(descriptor)
    }

    // MARK: I2CBus

    public func quick(address: UInt8) throws(I2CError) {
        _ = try transfer(address: address, "quick write") { fd in
            i2c_smbus_write_quick(fd, UInt8(I2C_SMBUS_WRITE))
        }
    }

    public func readByte(address: UInt8) throws(I2CError) -> UInt8 {
        UInt8(truncatingIfNeeded: try transfer(address: address, "receive byte") { fd in
            i2c_smbus_read_byte(fd)
        })
    }

    public func writeByte(address: UInt8, value: UInt8) throws(I2CError) {
        _ = try transfer(address: address, "send byte") { fd in
            i2c_smbus_write_byte(fd, value)
        }
    }

    public func readByteData(address: UInt8, register: UInt8) throws(I2CError) -> UInt8 {
        UInt8(truncatingIfNeeded: try transfer(address: address, "read byte data from \(Self.hex(register))") { fd in
            i2c_smbus_read_byte_data(fd, register)
        })
    }

    public func writeByteData(address: UInt8, register: UInt8, value: UInt8) throws(I2CError) {
        _ = try transfer(address: address, "write byte data to \(Self.hex(register))") { fd in
            i2c_smbus_write_byte_data(fd, register, value)
        }
    }

    public func readWordData(address: UInt8, register: UInt8) throws(I2CError) -> UInt16 {
        UInt16(truncatingIfNeeded: try transfer(address: address, "read word data from \(Self.hex(register))") { fd in
            i2c_smbus_read_word_data(fd, register)
        })
    }

    public func writeWordData(address: UInt8, register: UInt8, value: UInt16) throws(I2CError) {
        _ = try transfer(address: address, "write word data to \(Self.hex(register))") { fd in
            i2c_smbus_write_word_data(fd, register, value)
        }
    }

    public func readBlock(address: UInt8, register: UInt8, count: Int) throws(I2CError) -> [UInt8] {
        guard (1...Int(I2C_SMBUS_BLOCK_MAX)).contains(count) else {
            throw I2CError(.unsupported, bus: number, address: address,
                           "I2C block read of \(count) bytes (1...\(I2C_SMBUS_BLOCK_MAX))")
        }
        var bytes = [UInt8](repeating: 0, count: count)
        // The closure returns a Result rather than throwing: Swift 6.0 does not carry a typed
        // error through withUnsafeMutableBufferPointer.
        let received = try bytes.withUnsafeMutableBufferPointer { buffer -> Result<Int32, I2CError> in
            guard let base = buffer.baseAddress else { return .success(0) }
            return Result { () throws(I2CError) in
                try transfer(address: address, "I2C block read from \(Self.hex(register))") { fd in
                    i2c_smbus_read_i2c_block_data(fd, register, UInt8(count), base)
                }
            }
        }.get()
        guard Int(received) == count else {
            throw I2CError(.invalidReply, bus: number, address: address,
                           "I2C block read from \(Self.hex(register)) returned \(received) of \(count) bytes")
        }
        return bytes
    }

    public func writeBlock(address: UInt8, register: UInt8, bytes: [UInt8]) throws(I2CError) {
        guard (1...Int(I2C_SMBUS_BLOCK_MAX)).contains(bytes.count) else {
            throw I2CError(.unsupported, bus: number, address: address,
                           "I2C block write of \(bytes.count) bytes (1...\(I2C_SMBUS_BLOCK_MAX))")
        }
        // A Result, not a throwing closure, for Swift 6.0 (see readBlock).
        _ = try bytes.withUnsafeBufferPointer { buffer -> Result<Int32, I2CError> in
            guard let base = buffer.baseAddress else { return .success(0) }
            return Result { () throws(I2CError) in
                try transfer(address: address, "I2C block write to \(Self.hex(register))") { fd in
                    i2c_smbus_write_i2c_block_data(fd, register, UInt8(buffer.count), base)
                }
            }
        }.get()
    }

    /// The messages as `struct i2c_msg`s in one `I2C_RDWR` ioctl on the same descriptor as
    /// the SMBus calls (and under the same lock). Each message carries the address, so
    /// `I2C_SLAVE` is not needed; the adapter must offer `I2C_FUNC_I2C`.
    public func transfer(address: UInt8, _ messages: [I2CMessage]) throws(I2CError) -> [[UInt8]] {
        if let problem = I2CMessage.problem(with: messages) {
            throw I2CError(.unsupported, bus: number, address: address, problem)
        }
        guard functionality & UInt(I2C_FUNC_I2C) != 0 else {
            throw I2CError(.unsupported, bus: number, address: address,
                           "\(path) offers SMBus only, no plain I2C transfers (I2C_FUNC_I2C)")
        }
        // Buffers the kernel reads from and writes into; freed after the ioctl.
        let buffers = messages.map { message -> UnsafeMutableBufferPointer<UInt8> in
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, message.length))
            buffer.initialize(repeating: 0)
            if case .write(let bytes) = message { _ = buffer.update(fromContentsOf: bytes) }
            return buffer
        }
        defer { for buffer in buffers { buffer.deallocate() } }
        var headers = zip(messages, buffers).map { message, buffer -> i2c_msg in
            var isRead = false
            if case .read = message { isRead = true }
            return i2c_msg(addr: UInt16(address), flags: isRead ? UInt16(I2C_M_RD) : 0,
                           len: UInt16(message.length), buf: buffer.baseAddress)
        }
        let operation = "I2C transfer of \(messages.count) message\(messages.count == 1 ? "" : "s")"
        let outcome: Result<Int32, I2CError> = headers.withUnsafeMutableBufferPointer { headerBuffer in
            lock.withLock {
                var request = i2c_rdwr_ioctl_data(msgs: headerBuffer.baseAddress, nmsgs: UInt32(headerBuffer.count))
                let result = sensorgate_i2c_rdwr(descriptor, &request)
                if result >= 0 { return .success(result) }
                return .failure(Self.error(forErrno: errno, bus: number, address: address, during: operation))
            }
        }
        let transferred = try outcome.get()
        guard Int(transferred) == messages.count else {
            throw I2CError(.invalidReply, bus: number, address: address,
                           "\(operation): the adapter completed \(transferred)")
        }
        var replies: [[UInt8]] = []
        for (message, buffer) in zip(messages, buffers) {
            if case .read(let count) = message { replies.append(Array(buffer.prefix(count))) }
        }
        return replies
    }

    // MARK: Errors

    /// The `I2CError` code for an errno from i2c-dev: `ENXIO`/`EREMOTEIO` (no
    /// acknowledge) -> `.nack`, `ETIMEDOUT` -> `.timeout`, `EOPNOTSUPP` -> `.unsupported`,
    /// anything else (`EAGAIN` arbitration lost, `EIO`, `EPROTO`, ...) -> `.bus`.
    public static func code(forErrno error: Int32) -> I2CError.Code {
        switch error {
        case ENXIO, EREMOTEIO: .nack
        case ETIMEDOUT: .timeout
        case EOPNOTSUPP: .unsupported
        default: .bus
        }
    }

    /// The error a failed transaction with `error` becomes; the message names the
    /// transaction and carries `strerror`.
    public static func error(forErrno error: Int32, bus: Int, address: UInt8, during operation: String) -> I2CError {
        I2CError(code(forErrno: error), bus: bus, address: address, "\(operation): \(describe(errno: error))")
    }

    static func describe(errno error: Int32) -> String {
        guard let text = strerror(error) else { return "errno \(error)" }
        return "\(String(cString: text)) (errno \(error))"
    }

    static func describeOpenFailure(path: String, errno error: Int32) -> String {
        let hint: String
        switch error {
        case ENOENT:
            hint = "no such adapter; is the i2c-dev module loaded (modprobe i2c-dev) and the bus enabled (dtparam=i2c_arm=on on a Raspberry Pi)?"
        case EACCES, EPERM:
            hint = "permission denied; run as a member of the i2c group or install the udev rule"
        default:
            hint = "cannot open"
        }
        return "\(path): \(hint) [\(describe(errno: error))]"
    }

    static func hex(_ value: UInt8) -> String { "0x" + String(value, radix: 16).leftPadded(to: 2) }

    // MARK: Transfers

    /// Selects `address` if it is not selected yet, then runs one libi2c call. libi2c 4.x
    /// returns a negative errno on failure (older versions -1 with `errno` set).
    private func transfer(address: UInt8, _ operation: @autoclosure () -> String,
                          _ call: (Int32) -> Int32) throws(I2CError) -> Int32 {
        let outcome: Result<Int32, I2CError> = lock.withLock {
            if selectedAddress != address {
                guard sensorgate_i2c_set_address(descriptor, UInt(address)) == 0 else {
                    let error = errno
                    selectedAddress = nil
                    if error == EBUSY {
                        return .failure(I2CError(.bus, bus: number, address: address,
                                                 "address in use by a kernel driver (I2C_SLAVE: \(Self.describe(errno: error)))"))
                    }
                    return .failure(Self.error(forErrno: error, bus: number, address: address,
                                               during: "selecting the address"))
                }
                selectedAddress = address
            }
            let result = call(descriptor)
            if result >= 0 { return .success(result) }
            let error = result < -1 ? -result : errno
            return .failure(Self.error(forErrno: error, bus: number, address: address, during: operation()))
        }
        return try outcome.get()
    }
}
