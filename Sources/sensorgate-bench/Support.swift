#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SensorgateCore

/// A failed step of the benchmark, with a message for the operator.
struct BenchError: Error, CustomStringConvertible, Sendable {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Log lines go to stderr, so that `--json` leaves stdout to the one JSON object.
func log(_ text: String) {
    let line = Array(("bench: " + text + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

/// Clock readings and sleeps on the system clocks (no Foundation on the measured paths).
enum BenchClock {
    /// `CLOCK_MONOTONIC` in nanoseconds.
    static func monotonicNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// `CLOCK_REALTIME` (UTC) in nanoseconds since the Unix epoch.
    static func realtimeNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// Sleeps for `seconds` (resumes after signals until the time is up).
    static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        let deadline = monotonicNanoseconds() + Int64(seconds * 1e9)
        sleep(untilMonotonic: deadline)
    }

    /// Sleeps until `CLOCK_MONOTONIC` reaches `deadline` nanoseconds.
    static func sleep(untilMonotonic deadline: Int64) {
        var spec = timespec()
        spec.tv_sec = Int(deadline / 1_000_000_000)
        spec.tv_nsec = Int(deadline % 1_000_000_000)
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &spec, nil) == EINTR {}
    }

    /// Polls `condition` every `interval` seconds until it holds or `timeout` seconds pass;
    /// returns whether it held.
    static func wait(timeout: Double, interval: Double = 0.005, until condition: () -> Bool) -> Bool {
        let deadline = monotonicNanoseconds() + Int64(timeout * 1e9)
        while true {
            if condition() { return true }
            if monotonicNanoseconds() >= deadline { return false }
            sleep(seconds: interval)
        }
    }
}

/// A joinable pthread for the publishers and the in-process event loop (they block,
/// which must not happen on Swift's cooperative pool).
final class BenchThread {
    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    private var handle: pthread_t
    private var joined = false

    private init(handle: pthread_t) { self.handle = handle }

    static func start(_ body: @escaping @Sendable () -> Void) throws(BenchError) -> BenchThread {
        let box = Unmanaged.passRetained(Box(body))
        var handle = pthread_t()
        let result = pthread_create(&handle, nil, { argument in
            guard let argument else { return nil }
            let box = Unmanaged<Box>.fromOpaque(argument).takeRetainedValue()
            box.body()
            return nil
        }, box.toOpaque())
        guard result == 0 else {
            box.release()
            throw BenchError("cannot start a thread: \(String(cString: strerror(result)))")
        }
        return BenchThread(handle: handle)
    }

    /// Waits for the thread to finish (once).
    func join() {
        guard !joined else { return }
        joined = true
        pthread_join(handle, nil)
    }
}

/// A flag and counters shared between a worker thread and the main thread.
final class SharedFlag: @unchecked Sendable {
    private let lock = Mutex()
    private var value = false

    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

/// Files and directories for the run's temporary state.
enum BenchFiles {
    /// Creates a fresh private directory under `/tmp`.
    static func makeTemporaryDirectory(prefix: String) throws(BenchError) -> String {
        var template = Array("/tmp/\(prefix).XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            return mkdtemp(base) != nil
        }
        guard created else { throw BenchError("cannot create a temporary directory: \(String(cString: strerror(errno)))") }
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    static func makeDirectory(_ path: String) throws(BenchError) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0, errno != EEXIST {
                throw BenchError("cannot create \(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    static func write(_ text: String, to path: String) throws(BenchError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BenchError("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw BenchError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// A small file's text; nil if it cannot be read.
    static func read(_ path: String, limit: Int = 1 << 20) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < limit {
            let count = Glibc.read(fd, &chunk, chunk.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The last `lines` lines of a log file, for error messages.
    static func tail(_ path: String, lines: Int = 8) -> String {
        guard let text = read(path) else { return "(no log at \(path))" }
        let all = text.split(separator: "\n", omittingEmptySubsequences: true)
        return all.suffix(lines).joined(separator: "\n")
    }

    /// Removes a directory tree the bench created (depth-first, no symlink following).
    static func removeTree(_ path: String) {
        guard let directory = opendir(path) else {
            unlink(path)
            return
        }
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            let child = path + "/" + name
            var info = stat()
            if lstat(child, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
                removeTree(child)
            } else {
                unlink(child)
            }
        }
        closedir(directory)
        rmdir(path)
    }
}
