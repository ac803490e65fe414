#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A raw TCP client of the gateway's metrics listener: sends exactly the bytes a test
/// gives (a whole request, nothing, or an oversized head) and reads the response until
/// the gateway closes, with a receive timeout so a stalled listener fails the test
/// instead of hanging it.
final class MetricsClient {
    let fd: Int32

    init(port: Int, timeout: TimeInterval = 10) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
        var wait = timeval(tv_sec: Int(timeout), tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw TestFailure("connect to 127.0.0.1:\(port): \(reason)")
        }
    }

    deinit { close(fd) }

    /// Sends all of `bytes`; false when the gateway closed the connection first.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { return false }
            offset += count
        }
        return true
    }

    /// Everything until the gateway closes; throws when it neither answers nor closes in time.
    func readToEnd() throws -> String {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8_192)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                // A reset after the response (what a server sends when it closes with
                // unread bytes) still leaves what arrived before it.
                if errno == ECONNRESET, !received.isEmpty { break }
                throw TestFailure("read: \(String(cString: strerror(errno))) after \(received.count) bytes")
            }
            received += chunk[..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// One request, `METHOD PATH`, and the whole response.
    static func request(_ method: String, _ path: String, port: Int) throws -> MetricsResponseText {
        let client = try MetricsClient(port: port)
        client.send(Array("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUser-Agent: metrics-test\r\n\r\n".utf8))
        return MetricsResponseText(try client.readToEnd())
    }

    /// A loopback port nobody listens on right now (bound to 0 and released).
    static func unusedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw TestFailure("bind: \(String(cString: strerror(errno)))") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// An HTTP response split into its status code, header fields and body.
struct MetricsResponseText {
    var raw: String
    var status: Int?
    var headers: [String: String] = [:]
    var body: String = ""

    init(_ raw: String) {
        self.raw = raw
        let parts = raw.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        body = parts.dropFirst().joined(separator: "\r\n\r\n")
        let lines = head.components(separatedBy: "\r\n")
        status = lines.first.flatMap { line in
            let fields = line.split(separator: " ")
            return fields.count >= 2 && fields[0].hasPrefix("HTTP/1.") ? Int(fields[1]) : nil
        }
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
    }
}
