import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A TCP relay on 127.0.0.1 in front of the test broker whose client-to-broker direction
/// can be held: the broker still delivers to the client but hears nothing from it (no
/// publish, no PUBACK) until it is released. A test uses it to keep a gateway in its final
/// flush, waiting for acknowledgements, for as long as the test needs.
final class PausableProxy: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let brokerPort: Int
    private let lock = NSLock()
    /// Held while an upstream chunk is read and forwarded, so once ``holdUpstream()``
    /// returns, no byte the client sends afterwards can still slip through.
    private let upstreamGate = NSLock()
    private var upstreamHeld = false
    private var sockets: [Int32] = []
    private var closed = false

    init(brokerPort: Int = TestEnvironment.brokerPort) throws {
        self.brokerPort = brokerPort
        (listener, port) = try Self.listen()
        Thread { [self] in acceptLoop() }.start()
    }

    /// A listening socket on a free loopback port, and the port.
    private static func listen() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("proxy: socket: \(String(cString: strerror(errno)))") }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 4) == 0 else {
            close(fd)
            throw TestFailure("proxy: bind/listen: \(String(cString: strerror(errno)))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    deinit { stop() }

    var brokerURL: String { "mqtt://127.0.0.1:\(port)" }

    /// From now on nothing the client sends reaches the broker (it waits in the socket).
    func holdUpstream() { upstreamGate.withLock { lock.withLock { upstreamHeld = true } } }
    func releaseUpstream() { lock.withLock { upstreamHeld = false } }

    func stop() {
        let toClose: [Int32] = lock.withLock {
            guard !closed else { return [] }
            closed = true
            return sockets + [listener]
        }
        for fd in toClose { Glibc.shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private var isHeld: Bool { lock.withLock { upstreamHeld } }
    private var isClosed: Bool { lock.withLock { closed } }

    private func acceptLoop() {
        while !isClosed {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                if errno == EINTR { continue }
                return
            }
            let broker = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: brokerPort)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(broker, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else {
                close(client)
                close(broker)
                continue
            }
            lock.withLock { sockets += [client, broker] }
            Thread { [self] in pump(from: client, to: broker, holdable: true) }.start()
            Thread { [self] in pump(from: broker, to: client, holdable: false) }.start()
        }
    }

    /// Copies bytes until either side closes; a holdable direction reads nothing while held.
    private func pump(from source: Int32, to target: Int32, holdable: Bool) {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        defer {
            Glibc.shutdown(source, Int32(SHUT_RDWR))
            Glibc.shutdown(target, Int32(SHUT_RDWR))
        }
        while !isClosed {
            var poller = pollfd(fd: source, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 20) >= 0 || errno == EINTR else { return }
            guard poller.revents != 0 else { continue }
            if holdable { upstreamGate.lock() }
            defer { if holdable { upstreamGate.unlock() } }
            if holdable && isHeld {
                usleep(5_000)
                continue
            }
            guard forward(from: source, to: target, buffer: &buffer) else { return }
        }
    }

    /// One read and its complete write; false once either side has closed.
    private func forward(from source: Int32, to target: Int32, buffer: inout [UInt8]) -> Bool {
        let count = read(source, &buffer, buffer.count)
        guard count > 0 else { return false }
        var written = 0
        while written < count {
            // MSG_NOSIGNAL: a peer that has gone must not kill the test process with SIGPIPE.
            let result = buffer[written..<count].withUnsafeBytes { send(target, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard result > 0 else { return false }
            written += result
        }
        return true
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
