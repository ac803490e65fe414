#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SensorgateCore

/// How a child process ended.
enum Termination: Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    /// Decodes a `waitpid` status (the `WIFEXITED`/`WEXITSTATUS` macros are not visible to Swift).
    init(status: Int32) {
        if status & 0x7f == 0 {
            self = .exited((status >> 8) & 0xff)
        } else {
            self = .signalled(status & 0x7f)
        }
    }

    var description: String {
        switch self {
        case .exited(let code): "exit \(code)"
        case .signalled(let signal): "killed by signal \(signal)"
        }
    }
}

/// The child processes alive right now, so an interrupted bench can take them down.
final class ChildRegistry: @unchecked Sendable {
    private let lock = Mutex()
    private var pids: Set<pid_t> = []
    private var closed = false

    /// Registers a new child; false once the bench is shutting down (the caller kills it).
    func add(_ pid: pid_t) -> Bool {
        lock.withLock {
            guard !closed else { return false }
            pids.insert(pid)
            return true
        }
    }

    /// Refuses new children from now on (the bench was interrupted).
    func close() { lock.withLock { closed = true } }

    var isClosed: Bool { lock.withLock { closed } }
    func remove(_ pid: pid_t) { lock.withLock { _ = pids.remove(pid) } }

    /// Sends `signal` to every registered child.
    func signalAll(_ signal: Int32) {
        let current = lock.withLock { pids }
        for pid in current { kill(pid, signal) }
    }

    var isEmpty: Bool { lock.withLock { pids.isEmpty } }
}

let childRegistry = ChildRegistry()

/// A child process started with `posix_spawn`: stdin from `/dev/null`, stdout and stderr
/// appended to log files, no other inherited descriptor, default signal dispositions and
/// an empty signal mask.
final class ChildProcess {
    let pid: pid_t
    let name: String
    let logPath: String?
    private(set) var termination: Termination?

    private init(pid: pid_t, name: String, logPath: String?) {
        self.pid = pid
        self.name = name
        self.logPath = logPath
    }

    deinit {
        if termination == nil {
            kill(pid, SIGKILL)
            _ = wait(timeout: 2)
        }
    }

    /// Starts `executable` with `arguments`; its stdout and stderr go to `logPath` (or `/dev/null`).
    ///
    /// With `dieWithParent`, the child is started through util-linux `setpriv --pdeathsig TERM`
    /// (when installed), so it is stopped even if the bench itself crashes. `setpriv` execs the
    /// program in place (same pid); timed spawns pass false to keep its exec out of the figure.
    static func spawn(_ executable: String, _ arguments: [String], name: String, logPath: String?,
                      dieWithParent: Bool = true) throws(BenchError) -> ChildProcess {
        if childRegistry.isClosed { throw BenchError("interrupted") }
        var program = executable
        var arguments = arguments
        if dieWithParent, access(setpriv, X_OK) == 0 {
            arguments = ["--pdeathsig", "TERM", "--", executable] + arguments
            program = setpriv
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let output = logPath ?? "/dev/null"
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else the bench has open (its MQTT sockets, libmosquitto's socket pairs)
        // leaks into a gateway or the broker.
        markDescriptorsCloseOnExec()

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, program, &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw BenchError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        guard childRegistry.add(pid) else {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            throw BenchError("interrupted")
        }
        return ChildProcess(pid: pid, name: name, logPath: logPath)
    }

    private static let setpriv = "/usr/bin/setpriv"

    /// Sets `FD_CLOEXEC` on every descriptor above stderr (libmosquitto opens its sockets
    /// without it). The bench never execs itself, so this only affects its children.
    private static func markDescriptorsCloseOnExec() {
        guard let directory = opendir("/proc/self/fd") else { return }
        let own = dirfd(directory)
        var descriptors: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if let fd = Int32(name), fd > 2, fd != own { descriptors.append(fd) }
        }
        closedir(directory)
        for fd in descriptors {
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0, flags & FD_CLOEXEC == 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }

    /// Runs `executable` to completion (at most `timeout` seconds) and returns how it ended.
    static func run(_ executable: String, _ arguments: [String], name: String, logPath: String?,
                    timeout: Double) throws(BenchError) -> Termination {
        let child = try spawn(executable, arguments, name: name, logPath: logPath)
        if let end = child.wait(timeout: timeout) { return end }
        return child.terminate(grace: 2)
    }

    /// True while the process has not been reaped.
    var isRunning: Bool { poll() == nil }

    /// Reaps the process if it has ended; nil while it runs.
    @discardableResult
    func poll() -> Termination? {
        if let termination { return termination }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid {
            termination = Termination(status: status)
            childRegistry.remove(pid)
        } else if result < 0, errno == ECHILD {
            termination = .exited(-1)
            childRegistry.remove(pid)
        }
        return termination
    }

    /// Waits at most `timeout` seconds for the process to end.
    func wait(timeout: Double) -> Termination? {
        _ = BenchClock.wait(timeout: timeout, interval: 0.002) { poll() != nil }
        return termination
    }

    func signal(_ signal: Int32) {
        guard termination == nil else { return }
        kill(pid, signal)
    }

    /// SIGTERM, then SIGKILL if it has not ended after `grace` seconds.
    @discardableResult
    func terminate(grace: Double) -> Termination {
        if let termination { return termination }
        signal(SIGTERM)
        if let end = wait(timeout: grace) { return end }
        signal(SIGKILL)
        return wait(timeout: 5) ?? .signalled(SIGKILL)
    }
}
