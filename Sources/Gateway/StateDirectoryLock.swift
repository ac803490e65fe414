#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One gateway per state directory: an exclusive `flock` on `<state_dir>/sensorgate.lock`,
/// held for the life of the process.
///
/// Two gateways sharing a state directory would each hand out `seq` from their own copy
/// of the counter, so subscribers would see the same numbers twice. `flock` is advisory
/// and belongs to the open file, so the kernel releases it whenever the process ends,
/// even by SIGKILL: a stale lock file never blocks a restart. The file holds the owner's
/// pid, so the gateway that is refused can name the one that runs. The file is never
/// removed (removing it would let a third gateway lock a new file while the second still
/// holds the old one).
final class StateDirectoryLock {
    static let fileName = "sensorgate.lock"

    let directory: String
    let path: String
    private var descriptor: Int32

    init(directory: String) throws(GatewayError) {
        self.directory = directory
        self.path = directory + "/" + Self.fileName
        descriptor = try Self.acquire(path, directory: directory)
    }

    deinit { close(descriptor) }

    /// True while `path` still names the file this process locked. False after the state
    /// directory or the lock file was deleted or replaced: then another gateway could lock
    /// a new file there.
    var isInPlace: Bool {
        var held = stat(), named = stat()
        guard fstat(descriptor, &held) == 0 else { return false }
        guard stat(path, &named) == 0 else { return errno != ENOENT }
        return held.st_dev == named.st_dev && held.st_ino == named.st_ino
    }

    /// Locks the file now at `path` (after ``isInPlace`` turned false), keeping the old
    /// lock if that fails.
    func reacquire() throws(GatewayError) {
        let fresh = try Self.acquire(path, directory: directory)
        close(descriptor)
        descriptor = fresh
    }

    private static func acquire(_ path: String, directory: String) throws(GatewayError) -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let reason = StateFile.failure("cannot open the lock file \(path)", errno)
            throw GatewayError("\(reason) (the state directory must be writable: set gateway.state_dir in the profile or pass --state-dir)")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            let holder = owner(fd)
            close(fd)
            if code == EWOULDBLOCK {
                let who = holder.map { "another gateway (pid \($0))" } ?? "another gateway"
                throw GatewayError("\(who) is already running with the state directory \(directory) (it holds \(path)): two gateways on one state directory would publish the same seq numbers; stop the other one, or give this one its own directory with --state-dir or gateway.state_dir")
            }
            throw StateFile.failure("cannot lock \(path)", code)
        }
        // The pid is informative only: the lock, not the file's contents, decides.
        let text = Array("\(getpid())\n".utf8)
        if ftruncate(fd, 0) == 0 {
            _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        }
        return fd
    }

    /// The pid the lock's owner wrote, if it wrote one yet.
    private static func owner(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 24)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self).trimmingWhitespace()
        return Int32(text).flatMap { $0 > 0 ? $0 : nil }
    }
}
