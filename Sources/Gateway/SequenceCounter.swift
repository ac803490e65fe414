#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The payload's `seq`: per gateway and strictly increasing across restarts.
///
/// The counter lives in `<state_dir>/<gateway id>.seq`. Numbers are reserved in blocks:
/// the file always holds a number no lower than any `seq` handed out, written (and
/// `fsync`ed) before the block is used, so even after a crash or power loss the next run
/// starts above every number already published. A clean stop writes the exact next
/// number, so consecutive runs leave no gap; an unclean one leaves a gap of at most one
/// block, which a subscriber sees as a jump, not as a repeat.
final class SequenceCounter {
    let path: String
    private let block: UInt64
    private var nextValue: UInt64
    private var reservedUpTo: UInt64

    init(directory: String, gatewayID: String, block: UInt64 = 65_536) throws(GatewayError) {
        self.path = directory + "/" + gatewayID + ".seq"
        self.block = block
        try Self.makeDirectory(directory)
        let stored = try Self.readNumber(path) ?? 0
        nextValue = stored + 1
        reservedUpTo = stored
        try reserve()
    }

    /// The next number (loop thread).
    func next() -> UInt64 {
        let value = nextValue
        nextValue += 1
        if nextValue + block / 2 > reservedUpTo {
            // Reserve ahead, well before the block runs out.
            try? reserve()
        }
        return value
    }

    /// Writes the exact last number handed out, for a gap-free restart.
    func close() {
        try? Self.write(nextValue - 1, to: path)
    }

    private func reserve() throws(GatewayError) {
        let limit = max(reservedUpTo, nextValue) + block
        try Self.write(limit, to: path)
        reservedUpTo = limit
    }

    private static func makeDirectory(_ directory: String) throws(GatewayError) {
        var components: [String] = []
        var current = directory.hasPrefix("/") ? "" : "."
        for part in directory.split(separator: "/") {
            components.append(String(part))
            current += "/" + part
            if mkdir(current, 0o755) != 0, errno != EEXIST {
                throw GatewayError("cannot create the state directory \(directory): \(String(cString: strerror(errno))) (set gateway.state_dir in the profile or pass --state-dir)")
            }
        }
        if access(directory, W_OK) != 0 {
            throw GatewayError("the state directory \(directory) is not writable: \(String(cString: strerror(errno))) (set gateway.state_dir in the profile or pass --state-dir)")
        }
    }

    private static func readNumber(_ path: String) throws(GatewayError) -> UInt64? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw GatewayError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { Glibc.close(fd) }
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self).trimmingWhitespace()
        guard let value = UInt64(text) else {
            throw GatewayError("\(path) does not hold a sequence number ('\(text)'); remove it only if no subscriber relies on seq")
        }
        return value
    }

    private static func write(_ value: UInt64, to path: String) throws(GatewayError) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw GatewayError("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        let text = Array("\(value)\n".utf8)
        let written = text.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        Glibc.close(fd)
        guard written == text.count, synced, rename(temporary, path) == 0 else {
            throw GatewayError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
