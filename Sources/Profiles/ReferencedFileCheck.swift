#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SensorgateCore

/// Checks that every file a profile names (CA file or directory, client certificate and
/// key, password file) can be read now, by this user: a located error for each that
/// cannot, so `sensorgate validate` finds a wrong path before the first connection does.
///
/// Separate from ``ProfileLoader/load(path:)`` because a profile is valid on the machine
/// where its files are: the check is asked for where they must be (`validate`, `run`).
/// A file's content is never read, so no secret can reach a message.
public enum ReferencedFileCheck {
    public static func diagnostics(for profile: Profile) -> [Diagnostic] {
        profile.mqtt.referencedFiles.compactMap { file in
            problem(file).map {
                Diagnostic(file: profile.path, line: file.line, column: file.column,
                           message: "\(file.keyPath): \($0)")
            }
        }
    }

    /// Why `file` cannot be used, or nil.
    static func problem(_ file: ReferencedFile) -> String? {
        let shown = "'\(LogText.escaped(file.path))'"
        // A relative path is opened from the directory the gateway runs in, which is
        // rarely the profile's directory: say so where it matters.
        let relativeNote = file.path.hasPrefix("/") ? "" : " (a relative path is taken from the working directory)"
        var info = stat()
        guard stat(file.path, &info) == 0 else {
            return "cannot read \(file.role) \(shown): \(reason(errno))\(relativeNote)"
        }
        let isDirectory = info.st_mode & S_IFMT == S_IFDIR
        switch file.kind {
        case .file:
            if isDirectory { return "\(file.role) \(shown) is a directory; expected a file" }
            guard info.st_mode & S_IFMT == S_IFREG else {
                return "\(file.role) \(shown) is not a regular file"
            }
            // Opened, not only access(2)ed: that is what the gateway will do, with the
            // same user and the same reasons for refusal. O_NONBLOCK: never wait.
            let fd = open(file.path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
            guard fd >= 0 else { return "cannot read \(file.role) \(shown): \(reason(errno))" }
            close(fd)
        case .directory:
            guard isDirectory else { return "\(file.role) \(shown) is not a directory" }
            guard access(file.path, R_OK | X_OK) == 0 else {
                return "cannot read \(file.role) \(shown): \(reason(errno))"
            }
        }
        return nil
    }

    private static func reason(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}
