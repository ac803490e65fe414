#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A throwaway mosquitto on a free loopback port, configured as `deploy/dev/broker` does:
/// 127.0.0.1 only, anonymous, no persistence, `max_queued_messages 100000`, its config
/// and log in `directory`. It is the bench's child, so the bench notices if it dies.
/// A `persistent` broker keeps its sessions and queued messages in `directory` (saved
/// when it is stopped with SIGTERM, no queue limit) and ``restart()`` brings it back on
/// the same port, so a persistent subscriber misses nothing while it is down.
/// It logs to stderr, which the bench opens into `mosquitto.log` before the exec: run as
/// root, mosquitto drops to its own user and could not open a log file in a private
/// directory itself.
final class BenchBroker {
    let directory: String
    private(set) var port: Int = 0
    private var process: ChildProcess?
    private let executable: String
    let persistent: Bool

    var logPath: String { directory + "/mosquitto.log" }

    init(directory: String, persistent: Bool = false) throws(BenchError) {
        self.directory = directory
        self.persistent = persistent
        let candidates = ["/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/bin/mosquitto"]
        guard let found = candidates.first(where: { access($0, X_OK) == 0 }) else {
            throw BenchError("mosquitto is not installed (looked for \(candidates.joined(separator: ", "))); run deploy/dev/install-deps")
        }
        executable = found
        try BenchFiles.makeDirectory(directory)
    }

    deinit { stop() }

    /// Starts the broker and waits until it accepts connections.
    func start() throws(BenchError) {
        stop()
        var lastProblem = "no attempt"
        for _ in 1...10 {
            let candidate: Int
            do {
                candidate = try Self.freeLoopbackPort()
            } catch {
                lastProblem = error.description
                continue
            }
            do {
                try launch(port: candidate)
                return
            } catch {
                lastProblem = error.description
            }
        }
        throw BenchError("could not start mosquitto on a loopback port: \(lastProblem); see \(logPath)")
    }

    /// Starts a stopped broker again on the port it had (a persistent one with the
    /// sessions it saved), retrying for up to 10 s while the port is still taken.
    func restart() throws(BenchError) {
        stop()
        let deadline = BenchClock.monotonicNanoseconds() + 10_000_000_000
        while true {
            do {
                try launch(port: port)
                return
            } catch {
                if BenchClock.monotonicNanoseconds() > deadline {
                    throw BenchError("could not restart mosquitto on port \(port): \(error); see \(logPath)")
                }
                BenchClock.sleep(seconds: 0.05)
            }
        }
    }

    /// Writes the configuration for `port`, starts mosquitto and waits until it accepts connections.
    private func launch(port candidate: Int) throws(BenchError) {
        // Run as root, mosquitto would drop to its own user, which cannot write the
        // persistence file into the bench's private directory.
        let persistence = persistent
            ? "persistence true\npersistence_location \(directory)/\nautosave_interval 0\nmax_queued_messages 0\n"
                + (geteuid() == 0 ? "user root\n" : "")
            : "persistence false\nmax_queued_messages 100000\n"
        let config = """
            listener \(candidate) 127.0.0.1
            allow_anonymous true
            \(persistence)log_dest stderr
            log_type error
            log_type warning
            log_type notice

            """
        try BenchFiles.write(config, to: directory + "/mosquitto.conf")
        let child = try ChildProcess.spawn(executable, ["-c", directory + "/mosquitto.conf"],
                                           name: "mosquitto", logPath: logPath)
        let ready = BenchClock.wait(timeout: 5, interval: 0.01) {
            !child.isRunning || Self.accepts(port: candidate)
        }
        if ready, child.isRunning {
            process = child
            port = candidate
            try? BenchFiles.write("\(child.pid)\n", to: directory + "/mosquitto.pid")
            return
        }
        let problem = child.isRunning ? "no connection accepted within 5 s" : "mosquitto exited (\(child.poll().map { "\($0)" } ?? "?"))"
        child.terminate(grace: 1)
        throw BenchError(problem)
    }

    /// True while the broker process runs.
    var isAlive: Bool { process?.isRunning ?? false }

    /// Restarts the broker (on a new port) if it has died.
    func ensureRunning() throws(BenchError) {
        if isAlive { return }
        if process != nil {
            log("the broker died (\(process?.poll().map { "\($0)" } ?? "?")); restarting it. Its log: \(BenchFiles.tail(logPath, lines: 3))")
        }
        try start()
    }

    func stop() {
        guard let process else { return }
        // A persistent broker writes its sessions and queued messages on SIGTERM: give it time.
        process.terminate(grace: persistent ? 10 : 3)
        self.process = nil
        unlink(directory + "/mosquitto.pid")
    }

    /// A port the kernel reports free on 127.0.0.1 (bound to port 0, read back, closed).
    private static func freeLoopbackPort() throws(BenchError) -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw BenchError("bind: \(String(cString: strerror(errno)))") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw BenchError("getsockname: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// True if a TCP connection to 127.0.0.1:`port` succeeds.
    private static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return connected == 0
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        return address
    }
}
