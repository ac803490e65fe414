#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SensorgateCore

/// Turns a failed libgpiod call (its errno) into a ``GPIOError`` value.
public enum LibgpiodFailure {
    /// What was being done when the call failed: the same errno means different things.
    public enum Operation: Sendable, Equatable {
        case openChip, getLine, request, getValue, setValue, readEvents, configureDescriptor
    }

    /// The error code for an errno, by operation.
    public static func code(for errno: Int32, during operation: Operation) -> GPIOError.Code {
        switch (operation, errno) {
        case (.openChip, ENOENT), (.openChip, ENODEV), (.openChip, ENXIO), (.openChip, ENOTTY):
            return .chipNotFound
        case (.getLine, EINVAL), (.getLine, ENOENT):
            return .lineNotFound
        case (.request, EBUSY):
            return .busy
        case (.request, EINVAL), (.request, EOPNOTSUPP), (.request, ENXIO), (.request, ENOTTY):
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

    /// The error for a failed call: code, a message naming `subject`, the system's text
    /// for the errno, and a hint where one helps (permissions, old kernels).
    public static func error(_ operation: Operation, errno: Int32, subject: String) -> GPIOError {
        let code = code(for: errno, during: operation)
        var message = "\(subject): \(systemMessage(errno))"
        if isPermissionDenied(errno), operation == .openChip || operation == .request {
            message += " (add the user to the 'gpio' group, or install a udev rule giving it access to /dev/gpiochip*)"
        } else if code == .unsupported, errno == EINVAL {
            message += " (the kernel rejected the line configuration; bias settings need Linux 5.5 or later)"
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
