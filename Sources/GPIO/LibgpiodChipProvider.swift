#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SensorgateCore

/// Opens the kernel's gpiochips (`/dev/gpiochipN`) through one libgpiod backend, given
/// as its "open this device path" function; the selector rules are the same for both APIs.
///
/// Selectors are parsed by ``GPIOChipSelector``: a number or `gpiochipN` opens
/// `/dev/gpiochipN`, a path opens that path, anything else is looked up by label among
/// every chip in `/dev` (chips that cannot be opened are skipped; if the label is not
/// found and some chip was unreadable, the error says so).
public final class LibgpiodChipProvider: GPIOChipProvider {
    public let backendDescription: String
    /// Where chips live; tests of the lookup may point it elsewhere.
    let deviceDirectory: String
    private let openPath: (String) throws(GPIOError) -> any GPIOChip

    public init(backendDescription: String, deviceDirectory: String = "/dev",
                openPath: @escaping (String) throws(GPIOError) -> any GPIOChip) {
        self.backendDescription = backendDescription
        self.deviceDirectory = deviceDirectory
        self.openPath = openPath
    }

    public func openChip(_ selector: String) throws(GPIOError) -> any GPIOChip {
        guard let parsed = GPIOChipSelector(selector) else {
            throw GPIOError(.chipNotFound, "empty chip selector")
        }
        switch parsed {
        case .path(let path):
            return try openPath(path)
        case .label(let label):
            var unreadable: [String] = []
            for path in chipPaths() {
                let chip: any GPIOChip
                do {
                    chip = try openPath(path)
                } catch {
                    if let code = error.errno, LibgpiodFailure.isPermissionDenied(code) { unreadable.append(path) }
                    continue
                }
                if chip.label == label { return chip }
            }
            if unreadable.isEmpty {
                throw GPIOError(.chipNotFound, "no gpiochip has the label '\(label)' (see `sensorgate gpio list`)",
                                errno: ENOENT)
            }
            throw GPIOError(.chipNotFound,
                            "no readable gpiochip has the label '\(label)'; permission denied on \(unreadable.joined(separator: ", ")) (\(LibgpiodFailure.permissionHint))",
                            errno: EACCES)
        }
    }

    /// Every `gpiochipN` in the device directory, by number. Symbolic links are left out
    /// (the Pi 5's kernels have had a `gpiochip4` link to the RP1's `gpiochip0`), so each
    /// chip appears once.
    public func chipPaths() -> [String] {
        guard let directory = opendir(deviceDirectory) else { return [] }
        defer { closedir(directory) }
        var numbers: [UInt32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> String in
                let bytes = raw.bindMemory(to: UInt8.self)
                let length = bytes.firstIndex(of: 0) ?? bytes.count
                return String(decoding: bytes[..<length], as: UTF8.self)
            }
            if Int(entry.pointee.d_type) == Int(DT_LNK) { continue }
            if name.hasPrefix("gpiochip"), let number = UInt32(name.dropFirst(8)) { numbers.append(number) }
        }
        return numbers.sorted().map { "\(deviceDirectory)/gpiochip\($0)" }
    }
}
