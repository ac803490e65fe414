#if canImport(Glibc)
import Glibc
#endif
import GPIO
import SensorgateCore
import Testing

/// errno to GPIOError, for the operations of both backends (they end in the same ioctls).
@Suite("LibgpiodFailure")
struct LibgpiodFailureTests {
    @Test("errno mapping", arguments: [
        // Both APIs
        (EBUSY, LibgpiodFailure.Operation.request, GPIOError.Code.busy),
        (ENOENT, .openChip, .chipNotFound),
        (ENODEV, .openChip, .chipNotFound),
        (ENOTTY, .openChip, .chipNotFound),
        (EACCES, .openChip, .io),
        (EBUSY, .openChip, .io),
        (EINVAL, .request, .unsupported),
        (ENXIO, .request, .unsupported),
        (EOPNOTSUPP, .request, .unsupported),
        (EPERM, .setValue, .notOutput),
        (EIO, .getValue, .io),
        (EIO, .readEvents, .io),
        (EBADF, .configureDescriptor, .io),
        // API v1
        (EINVAL, .getLine, .lineNotFound),
        (ENOENT, .getLine, .lineNotFound),
        // API v2
        (EINVAL, .lineInfo, .lineNotFound),
        (ENOENT, .lineInfo, .lineNotFound),
        (EIO, .chipInfo, .io),
        (EINVAL, .configure, .unsupported),
        (ENOMEM, .configure, .io),
    ])
    func errnoMapping(_ code: Int32, _ operation: LibgpiodFailure.Operation, _ expected: GPIOError.Code) {
        #expect(LibgpiodFailure.code(for: code, during: operation) == expected)
    }

    @Test("permission denied suggests the gpio group or a udev rule, and keeps errno")
    func permissionHint() {
        let error = LibgpiodFailure.error(.openChip, errno: EACCES, subject: "cannot open /dev/gpiochip0")
        #expect(error.errno == EACCES)
        #expect(error.message.contains("gpio"))
        #expect(error.message.contains("udev"))
        #expect(error.message.hasPrefix("cannot open /dev/gpiochip0: "))
        let busy = LibgpiodFailure.error(.request, errno: EBUSY, subject: "cannot request gpiochip0 line 17")
        #expect(busy.code == .busy)
        #expect(!busy.message.contains("udev"))
    }

    @Test("a rejected configuration names the kernel versions that added bias and debounce")
    func configurationHint() {
        let error = LibgpiodFailure.error(.request, errno: EINVAL, subject: "cannot request gpiochip0 line 4")
        #expect(error.code == .unsupported)
        #expect(error.message.contains("5.5"))
        #expect(error.message.contains("debounce"))
    }
}
