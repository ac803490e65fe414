#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Profiles

/// Any bytes as a whole profile, through everything `sensorgate validate` does: the
/// reader, duplicate keys, the decoder and every check, down to the diagnostics' text.
///
/// The first byte picks the way in, so that one corpus grows for both formats:
/// - bit 0: a `.json` path (the JSON reader) or a `.yaml` path (libyaml);
/// - bit 1: the bytes written to a file and loaded from it, which adds the loader's own
///   UTF-8 decoding (invalid bytes, a byte-order mark before the columns count), or
///   decoded here and given as text.
///
/// Only a crash, a hang or runaway memory counts; libFuzzer catches those itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let selector = data[0]
    let bytes = UnsafeBufferPointer(start: data + 1, count: size - 1)
    let path = selector & 1 == 0 ? ScratchFile.yaml : ScratchFile.json
    do {
        if selector & 2 == 0 {
            _ = try ProfileLoader.load(text: String(decoding: bytes, as: UTF8.self), path: path)
        } else {
            guard ScratchFile.write(bytes, to: path) else { return 0 }
            defer { unlink(path) }
            _ = try ProfileLoader.load(path: path)
        }
    } catch {
        _ = error.description
    }
    return 0
}

/// Where the bytes go when the loader reads them from a file: one per process, so that
/// libFuzzer's `-jobs`/`-fork` workers do not share one, in `TMPDIR` (usually tmpfs).
enum ScratchFile {
    static let directory = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    static let yaml = "\(directory)/sensorgate-fuzz-\(getpid()).yaml"
    static let json = "\(directory)/sensorgate-fuzz-\(getpid()).json"

    /// Whether the whole buffer was written.
    static func write(_ bytes: UnsafeBufferPointer<UInt8>, to path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let count = Glibc.write(fd, bytes.baseAddress! + written, bytes.count - written)
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            written += count
        }
        return true
    }
}
