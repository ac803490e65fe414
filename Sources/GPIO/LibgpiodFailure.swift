#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SensorgateCore

/// Turns a failed libgpiod call (its errno) into a ``GPIOError`` value; both backends
/// map the same way, since both end in the same kernel ioctls.
public enum LibgpiodFailure {
    /// What was being done when the call failed: the same errno means different things.
    public enum Operation: Sendable, Equatable {
        /// Opening `/dev/gpiochipN` (both APIs).
        case openChip
        /// Reading the chip's own info (v2 `gpiod_chip_get_info`).
        case chipInfo
        /// Getting a line object (v1 `gpiod_chip_get_line`).
        case getLine
        /// Reading a line's info (v2 `gpiod_chip_get_line_info`).
        case lineInfo
        /// Building a request's settings (v2 `gpiod_line_settings_*`, `gpiod_*_config_*`).
        case configure
        /// Requesting lines (v1 `gpiod_line_request`, v2 `gpiod_chip_request_lines`).
        case request
        case getValue, setValue, readEvents
        /// Getting or setting up an event descriptor (`fcntl`, `*_get_fd`) or event buffer.
        case configureDescriptor
    }

    /// The error code for an errno, by operation.
    public static func code(for errno: Int32, during operation: Operation) -> GPIOError.Code {
        switch (operation, errno) {
        case (.openChip, ENOENT), (.openChip, ENODEV), (.openChip, ENXIO), (.openChip, ENOTTY):
            return .chipNotFound
        case (.getLine, EINVAL), (.getLine, ENOENT), (.lineInfo, EINVAL), (.lineInfo, ENOENT):
            return .lineNotFound
        case (.request, EBUSY):
            return .busy
        case (.request, EINVAL), (.request, EOPNOTSUPP), (.request, ENXIO), (.request, ENOTTY),
             (.configure, EINVAL):
            return .unsupported
        case (.setValue, EPERM):
            return .notOutput
        default:
            return .io
        }
    }

    /// Whether an errno means the process may not open or use the device.
    public static func isPermissionDenied(_ errno: Int32) -> Bool {
        errno == EACCES || errno == EPERM
    }

    static let permissionHint = "add the user to the 'gpio' group, or install a udev rule giving it access to /dev/gpiochip*"

    /// The error for a failed call: code, a message naming `subject`, the system's text
    /// for the errno, and a hint where one helps (permissions, old kernels).
    public static func error(_ operation: Operation, errno: Int32, subject: String) -> GPIOError {
        let code = code(for: errno, during: operation)
        var message = "\(subject): \(systemMessage(errno))"
        if isPermissionDenied(errno), operation == .openChip || operation == .request {
            message += " (\(permissionHint))"
        } else if code == .unsupported, errno == EINVAL {
            message += " (the kernel rejected the line configuration; bias settings need Linux 5.5 or later, kernel debounce Linux 5.10)"
        } else if code == .unsupported, errno == ENXIO {
            message += " (the line cannot report edges: it has no interrupt)"
        }
        return GPIOError(code, message, errno: errno)
    }

    /// `strerror` for an errno.
    public static func systemMessage(_ errno: Int32) -> String {
        guard let text = strerror(errno) else { return "errno \(errno)" }
        return String(cString: text)
    }
}
