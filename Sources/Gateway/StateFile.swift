#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Small files (the state directory's, a profile written by `sensorgate import`), read
/// and replaced so that a crash, a power loss or a full disk never leaves a file half
/// written.
public enum StateFile {
    /// Replaces `path` with `bytes`: writes `<path>.tmp`, `fsync`s it, renames it over
    /// `path` and `fsync`s the directory, so the rename itself survives a power loss.
    /// On any failure the temporary file is removed and `path` keeps its previous
    /// contents; the error names the step and the system's reason.
    public static func replace(_ path: String, with bytes: [UInt8]) throws(GatewayError) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("cannot create \(temporary)", errno) }
        var problem: GatewayError?
        let writeError = writeAll(fd, bytes)
        if writeError != 0 {
            problem = failure("cannot write \(temporary)", writeError)
        } else if fsync(fd) != 0 {
            problem = failure("cannot flush \(temporary) to disk", errno)
        }
        // close can report a deferred write error (NFS, some FUSE filesystems).
        if close(fd) != 0, problem == nil { problem = failure("cannot write \(temporary)", errno) }
        if problem == nil, rename(temporary, path) != 0 { problem = failure("cannot rename \(temporary) to \(path)", errno) }
        if let problem {
            unlink(temporary)
            throw problem
        }
        try syncDirectory(of: path)
    }

    /// The whole file if it is at most `limit` bytes (else an error), or nil if it does not exist.
    static func read(_ path: String, limit: Int) throws(GatewayError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw failure("cannot read \(path)", errno)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 256)
        while true {
            let count = Glibc.read(fd, &chunk, chunk.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("cannot read \(path)", errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > limit { throw GatewayError("\(path) is larger than \(limit) bytes") }
        }
    }

    /// True if `path` names an existing file (any error other than "no such file" counts
    /// as existing: only a file known to be gone is ever written again).
    static func exists(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 || errno != ENOENT
    }

    /// Creates `directory` and its missing parents.
    static func makeDirectory(_ directory: String) throws(GatewayError) {
        var current = directory.hasPrefix("/") ? "" : "."
        for part in directory.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0, errno != EEXIST {
                throw failure("cannot create the state directory \(directory)", errno)
            }
        }
    }

    /// 0, or the errno of the write that failed.
    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32 {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return 0
    }

    private static func syncDirectory(of path: String) throws(GatewayError) {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let fd = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("cannot open \(directory) to flush it", errno) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw failure("cannot flush the directory \(directory) to disk", errno) }
    }

    static func failure(_ what: String, _ code: Int32) -> GatewayError {
        GatewayError("\(what): \(String(cString: strerror(code)))")
    }
}
