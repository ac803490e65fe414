import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`, with its standard output and error
/// collected by a reader thread.
///
/// Not Foundation's `Process`: under the test runner its children inherit a signal mask
/// that blocks SIGTERM (so `terminate()` does nothing) and `waitUntilExit()` can wait
/// forever. Here the child starts with an empty mask and default handlers, and waiting
/// is `waitpid` with a deadline.
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    private let lock = NSLock()
    private var outData = Data()
    private var errData = Data()
    private var exitStatus: Int32?
    private var readers: [Thread] = []
    /// Called with every complete line of standard output.
    private let onLine: (@Sendable (String) -> Void)?
    private var lineBuffer = Data()

    init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
         onLine: (@Sendable (String) -> Void)? = nil) throws {
        self.onLine = onLine
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            throw TestFailure("pipe: \(String(cString: strerror(errno)))")
        }
        // Close-on-exec, so no other child keeps these pipes open.
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { env.forEach { free($0) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, env)
        close(outPipe[1])
        close(errPipe[1])
        guard result == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw TestFailure("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        pid = child
        readers = [reader(fd: outPipe[0], isOutput: true), reader(fd: errPipe[0], isOutput: false)]
        readers.forEach { $0.start() }
    }

    deinit {
        if exitStatus == nil, status == nil {
            kill(pid, SIGKILL)
            _ = waitForExit(timeout: 5)
        }
    }

    private func reader(fd: Int32, isOutput: Bool) -> Thread {
        Thread { [weak self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(fd, &buffer, buffer.count)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                self?.append(Data(buffer[0..<count]), isOutput: isOutput)
            }
            close(fd)
        }
    }

    private func append(_ data: Data, isOutput: Bool) {
        var lines: [String] = []
        lock.lock()
        if isOutput {
            outData.append(data)
            if onLine != nil {
                // Only the new bytes can hold a newline not seen yet: a line of a megabyte
                // arrives in hundreds of reads, and searching it whole after each one is
                // quadratic (seconds in a debug build, more under a sanitizer).
                var searchFrom = lineBuffer.endIndex
                lineBuffer.append(data)
                while let newline = lineBuffer[searchFrom...].firstIndex(of: 0x0A) {
                    lines.append(String(decoding: lineBuffer[lineBuffer.startIndex..<newline], as: UTF8.self))
                    lineBuffer.removeSubrange(lineBuffer.startIndex...newline)
                    searchFrom = lineBuffer.startIndex
                }
            }
        } else {
            errData.append(data)
        }
        lock.unlock()
        lines.forEach { onLine?($0) }
    }

    var output: String { lock.lock(); defer { lock.unlock() }; return String(decoding: outData, as: UTF8.self) }
    var errorOutput: String { lock.lock(); defer { lock.unlock() }; return String(decoding: errData, as: UTF8.self) }

    /// The exit status (or 128 + signal) once it has exited; nil while it runs.
    var status: Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let exitStatus { return exitStatus }
        var raw: Int32 = 0
        guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
        let signal = raw & 0x7F
        exitStatus = signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
        return exitStatus
    }

    var isRunning: Bool { status == nil }

    func signal(_ signal: Int32) { if isRunning { kill(pid, signal) } }

    /// Waits for the exit; nil if it is still running at the deadline.
    func waitForExit(timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let status { return status }
            usleep(10_000)
        }
        return status
    }

    /// SIGTERM, then SIGKILL if it does not go within `grace`.
    func stop(grace: TimeInterval = 5) {
        signal(SIGTERM)
        if waitForExit(timeout: grace) == nil {
            kill(pid, SIGKILL)
            _ = waitForExit(timeout: 5)
        }
    }
}
