#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
import MQTT
import Profiles
import Runtime
import SensorgateCore

/// The `metrics.listen` socket on the gateway's event loop: a non-blocking listening
/// socket whose connections each get one response (see ``MetricsConnection``).
///
/// A slow or hostile client cannot stall the loop or grow memory: every call is
/// non-blocking, a connection holds at most one request head and one response, at
/// most ``maximumConnections`` are open (a new one closes the oldest, so idle clients
/// cannot lock a scraper out) and each is closed ``requestTimeout`` after it was
/// accepted, whatever it is doing.
final class MetricsListener {
    static let maximumConnections = 4
    static let requestTimeout = Interval.seconds(5)
    /// After `accept` fails for want of descriptors (`EMFILE`): a pause, so a listening
    /// socket that stays readable does not spin the loop.
    static let acceptPause = Interval.seconds(1)

    let settings: MetricsSettings
    private let loop: EventLoop
    private let logger: Logger
    private let exposition: () -> [UInt8]
    private var listeningFD: Int32 = -1
    private var watching = false
    /// Oldest first.
    private var connections: [MetricsConnection] = []

    /// Binds and listens; the loop watches it from ``start()``.
    init(settings: MetricsSettings, loop: EventLoop, logger: Logger,
         exposition: @escaping () -> [UInt8]) throws(GatewayError) {
        self.settings = settings
        self.loop = loop
        self.logger = logger
        self.exposition = exposition
        listeningFD = try Self.bindAndListen(settings)
    }

    deinit {
        if listeningFD >= 0 { close(listeningFD) }
    }

    var address: String { settings.listenDescription }

    func start() throws(GatewayError) {
        try watch()
        logger.info("metrics for Prometheus on http://\(address)/metrics")
    }

    /// Closes the listening socket and every connection.
    func stop() {
        for connection in connections { finish(connection) }
        if watching { loop.unregister(fd: listeningFD) }
        watching = false
        if listeningFD >= 0 { close(listeningFD) }
        listeningFD = -1
    }

    private func watch() throws(GatewayError) {
        do {
            try loop.register(fd: listeningFD, interest: .readable) { [unowned self] _ in acceptConnections() }
            watching = true
        } catch {
            throw GatewayError("metrics.listen \(address): \(error)")
        }
    }

    // MARK: Accepting

    /// Takes what the backlog holds, a bounded number per turn of the loop.
    private func acceptConnections() {
        for _ in 0..<16 {
            let fd = accept(listeningFD, nil, nil)
            if fd < 0 {
                switch errno {
                case EAGAIN, EWOULDBLOCK: return
                case EINTR, ECONNABORTED, EPROTO: continue
                default:
                    pauseAccepting(reason: String(cString: strerror(errno)))
                    return
                }
            }
            // accept4 is a GNU extension Glibc's module does not export: the flags after.
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            guard fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0 else {
                close(fd)
                continue
            }
            admit(fd)
        }
    }

    private func admit(_ fd: Int32) {
        if connections.count >= Self.maximumConnections, let oldest = connections.first {
            logger.debug("metrics: \(Self.maximumConnections) connections open, closing the oldest")
            finish(oldest)
        }
        let connection = MetricsConnection(fd: fd, deadline: loop.now() + Self.requestTimeout)
        do {
            try loop.register(fd: fd, interest: connection.interest) { [unowned self, unowned connection] readiness in
                ready(connection, readiness)
            }
        } catch {
            logger.warning("metrics: cannot watch a connection: \(error)")
            close(fd)
            return
        }
        connections.append(connection)
        connection.timer = loop.schedule(at: connection.deadline) { [unowned self, unowned connection] in
            connection.timer = nil
            if connection.phase == .reading {
                logger.debug("metrics: no whole request in \(Self.requestTimeout.readableDescription), closing the connection")
            }
            finish(connection)
        }
    }

    private func pauseAccepting(reason: String) {
        logger.warning("metrics: cannot accept a connection on \(address): \(reason); accepting again in \(Self.acceptPause.readableDescription)")
        loop.unregister(fd: listeningFD)
        watching = false
        loop.schedule(after: Self.acceptPause) { [unowned self] in
            guard listeningFD >= 0, !watching else { return }
            do {
                try watch()
            } catch {
                logger.error("metrics: \(error)")
            }
        }
    }

    // MARK: Connections

    private func ready(_ connection: MetricsConnection, _ readiness: EventLoop.Readiness) {
        let before = connection.interest
        connection.ready(readiness) { [unowned self] request in
            logger.debug("metrics: \(request) answered")
            return MetricsResponse.bytes(for: request, exposition: exposition)
        }
        if connection.phase == .finished {
            finish(connection)
        } else if connection.interest != before {
            loop.modify(fd: connection.fd, interest: connection.interest)
        }
    }

    private func finish(_ connection: MetricsConnection) {
        guard let index = connections.firstIndex(where: { $0 === connection }) else { return }
        connections.remove(at: index)
        if let timer = connection.timer { loop.cancel(timer) }
        connection.timer = nil
        loop.unregister(fd: connection.fd)
        close(connection.fd)
    }

    // MARK: The socket

    private static func bindAndListen(_ settings: MetricsSettings) throws(GatewayError) -> Int32 {
        let family = settings.family == .ipv4 ? AF_INET : AF_INET6
        let fd = socket(family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            throw GatewayError("metrics.listen \(settings.listenDescription): socket: \(String(cString: strerror(errno)))")
        }
        var one: Int32 = 1
        // A restarted gateway binds again while the last run's connections are in TIME_WAIT.
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound: Int32
        switch settings.family {
        case .ipv4:
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(settings.port).bigEndian
            _ = inet_pton(AF_INET, settings.host, &address.sin_addr)
            bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        case .ipv6:
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = UInt16(settings.port).bigEndian
            _ = inet_pton(AF_INET6, settings.host, &address.sin6_addr)
            bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw GatewayError("metrics.listen \(settings.listenDescription): cannot listen: \(reason)")
        }
        return fd
    }
}
