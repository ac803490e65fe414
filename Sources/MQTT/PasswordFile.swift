#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SensorgateCore

/// The broker password, read from the file that `mqtt.password_file` names (the
/// password is never in the profile, so the profile can be shared and logged).
///
/// The file holds the password alone; surrounding blanks and the final newline are
/// dropped. Refused, with the reason: a file that cannot be opened or read (the
/// system's reason: `Permission denied`, `No such file or directory`), something other
/// than a regular file (a FIFO would block the start for ever), and a file larger than
/// ``sizeLimit``. A file that group or others may access is used, with a ``warning``.
public struct PasswordFile: Sendable {
    /// Far more than any password; the limit keeps a wrong path (a log file) from being sent.
    public static let sizeLimit = 4096

    public var password: String
    /// Set when the file's mode lets group or others read or change it.
    public var warning: String?

    public static func read(_ path: String) throws(MQTTError) -> PasswordFile {
        let shown = "'\(LogText.escaped(path))'"
        // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { throw MQTTError("cannot read the MQTT password file \(shown): \(systemReason(errno))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw MQTTError("cannot read the MQTT password file \(shown): \(systemReason(errno))")
        }
        // S_IFMT and S_IFREG, spelt out: Swift does not import glibc's chained macros.
        guard info.st_mode & 0o170000 == 0o100000 else {
            throw MQTTError("the MQTT password file \(shown) is not a regular file; it must be a file holding only the password")
        }
        guard Int(info.st_size) <= sizeLimit else {
            throw MQTTError("the MQTT password file \(shown) has \(info.st_size) bytes, more than \(sizeLimit); it must hold only the password")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: sizeLimit + 1)
        while bytes.count <= sizeLimit {
            let count = readSome(fd, &chunk)
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else {
                throw MQTTError("cannot read the MQTT password file \(shown): \(systemReason(errno))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        guard bytes.count <= sizeLimit else {
            throw MQTTError("the MQTT password file \(shown) has more than \(sizeLimit) bytes; it must hold only the password")
        }
        let password = String(decoding: bytes, as: UTF8.self).trimmingBlanks()
        var warning: String?
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 {
            let octal = String(mode, radix: 8)
            warning = "the MQTT password file \(shown) can be read or changed by other users (mode 0\(octal)); "
                + "restrict it with: chmod 600 \(shown)"
        }
        return PasswordFile(password: password, warning: warning)
    }

    private static func systemReason(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}

/// `read(2)`, named apart from ``PasswordFile/read(_:)``.
private func readSome(_ fd: Int32, _ buffer: inout [UInt8]) -> Int {
    read(fd, &buffer, buffer.count)
}

extension String {
    /// Without leading and trailing blanks and line breaks (a password file's final newline).
    fileprivate func trimmingBlanks() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
