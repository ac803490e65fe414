import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The service manager's end of sd_notify(3) for a test: a Unix datagram socket bound to
/// a path that a child gets as `$NOTIFY_SOCKET`, collecting every message it receives.
final class NotifySocket: @unchecked Sendable {
    let path: String
    private let fd: Int32
    private let lock = NSLock()
    private var received: [String] = []
    private var reader: Thread?
    private var closed = false

    init(directory: URL) throws {
        path = directory.appendingPathComponent("notify.sock").path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw TestFailure("socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: bytes)
            buffer[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw TestFailure("bind \(path): \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [unowned self] in receive() }
        reader = thread
        thread.start()
    }

    deinit {
        lock.lock(); closed = true; lock.unlock()
        close(fd)
        unlink(path)
    }

    /// Every datagram so far, in order.
    var messages: [String] { lock.lock(); defer { lock.unlock() }; return received }

    /// Waits until `condition` holds for the messages so far.
    func wait(timeout: TimeInterval, until condition: ([String]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(messages) { return true }
            usleep(20_000)
        }
        return condition(messages)
    }

    private func receive() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            lock.lock(); let stop = closed; lock.unlock()
            if stop { return }
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { continue }
            let text = String(decoding: buffer[0..<count], as: UTF8.self)
            lock.lock(); received.append(text); lock.unlock()
        }
    }
}
