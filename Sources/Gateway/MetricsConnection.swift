#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Runtime
import SensorgateCore

/// One accepted connection of the metrics listener, driven by the event loop: it reads
/// the request head (at most ``MetricsRequest/maximumHeadBytes``), writes the response
/// as far as the socket takes it and waits for `EPOLLOUT` for the rest, then shuts its
/// sending side and reads (and discards) until the client closes, so the response is
/// not cut off by a reset for unread bytes. Every call is non-blocking; the listener
/// closes the connection at its deadline whatever state it is in.
final class MetricsConnection {
    enum Phase: Equatable {
        case reading
        case writing
        /// The response is sent; waiting for the client's end of the connection.
        case draining
        case finished
    }

    let fd: Int32
    /// When the listener gives up on it.
    let deadline: Timestamp
    var timer: EventLoop.TimerID?
    private(set) var phase = Phase.reading
    private(set) var request: MetricsRequest = .incomplete
    private var received: [UInt8] = []
    private var response: [UInt8] = []
    private var sent = 0

    init(fd: Int32, deadline: Timestamp) {
        self.fd = fd
        self.deadline = deadline
    }

    /// What the socket wants watched for in the current phase.
    var interest: EventLoop.Interest {
        phase == .writing ? .writable : .readable
    }

    /// Advances on readiness; `respond` makes the response once the head is complete.
    func ready(_ readiness: EventLoop.Readiness, respond: (MetricsRequest) -> [UInt8]) {
        if phase == .reading, readiness.readable || readiness.failed { readRequest(respond: respond) }
        if phase == .writing, readiness.writable || readiness.failed { writeResponse() }
        if phase == .draining, readiness.readable || readiness.failed { drain() }
    }

    private func readRequest(respond: (MetricsRequest) -> [UInt8]) {
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while phase == .reading {
            // One byte past the bound is enough to know the head is too large.
            let room = MetricsRequest.maximumHeadBytes + 1 - received.count
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, min(room, $0.count), 0) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno != EAGAIN && errno != EWOULDBLOCK { phase = .finished }
                return
            }
            if count == 0 {
                // The client went away before a whole request: nothing to answer.
                phase = .finished
                return
            }
            received += chunk[..<count]
            request = MetricsRequest(head: received[...])
            guard request != .incomplete else { continue }
            received = []
            response = respond(request)
            phase = .writing
            writeResponse()
        }
    }

    private func writeResponse() {
        while sent < response.count {
            let count = response[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno != EAGAIN && errno != EWOULDBLOCK { phase = .finished }
                return
            }
            sent += count
        }
        response = []
        _ = shutdown(fd, Int32(SHUT_WR))
        phase = .draining
    }

    /// Reads what the client still sends, a bounded amount per turn of the loop.
    private func drain() {
        var chunk = [UInt8](repeating: 0, count: 4_096)
        for _ in 0..<16 {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno != EAGAIN && errno != EWOULDBLOCK { phase = .finished }
                return
            }
            if count == 0 {
                phase = .finished
                return
            }
        }
    }
}
