#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CI2C
import SensorgateCore

/// The kernel's I2C adapters as `i2cdetect -l` lists them: from sysfs, where every
/// i2c-dev adapter is `/sys/class/i2c-dev/i2c-N` with a `name` file (on kernels without
/// that class, `/sys/bus/i2c/devices/i2c-N`).
public struct I2CAdapter: Sendable, Equatable {
    /// Whether the adapter carries plain I2C transfers or SMBus transactions only.
    public enum Kind: String, Sendable, Equatable {
        /// `I2C_FUNC_I2C`: plain transfers (`I2C_RDWR`) as well as SMBus.
        case i2c
        /// SMBus transactions only (i2c-stub, many PC chipsets).
        case smbus
        /// `/dev/i2c-N` could not be opened to ask.
        case unknown

        /// i2cdetect's description column.
        public var adapterDescription: String {
            switch self {
            case .i2c: "I2C adapter"
            case .smbus: "SMBus adapter"
            case .unknown: "N/A"
            }
        }

        /// The kind an `I2C_FUNCS` bitmask shows.
        public init(functionality: UInt) {
            self = functionality & UInt(I2C_FUNC_I2C) != 0 ? .i2c : .smbus
        }
    }

    public var number: Int
    /// The adapter's name as the kernel gives it: `SMBus stub driver`, `bcm2835 (i2c@7e804000)`.
    public var name: String
    public var kind: Kind

    public init(number: Int, name: String, kind: Kind = .unknown) {
        self.number = number
        self.name = name
        self.kind = kind
    }

    /// The sysfs folders that list adapters, in the order they are tried.
    public static let sysfsFolders = ["/sys/class/i2c-dev", "/sys/bus/i2c/devices"]

    /// The adapters named in the first of `folders` that exists, ascending by number, with
    /// kind ``Kind/unknown``: every `i2c-N` entry, its name from `i2c-N/name` (else
    /// `i2c-N/device/name`). Client devices (`1-0076`) and anything else are skipped.
    public static func list(folders: [String] = sysfsFolders) -> [I2CAdapter] {
        for folder in folders {
            guard let entries = directoryEntries(folder) else { continue }
            var adapters: [I2CAdapter] = []
            for entry in entries {
                guard entry.hasPrefix("i2c-"), let number = Int(entry.dropFirst(4)), number >= 0 else { continue }
                let name = firstLine(of: "\(folder)/\(entry)/name") ?? firstLine(of: "\(folder)/\(entry)/device/name") ?? ""
                adapters.append(I2CAdapter(number: number, name: name))
            }
            return adapters.sorted { $0.number < $1.number }
        }
        return []
    }

    /// ``list(folders:)`` with each adapter's kind asked of `/dev/i2c-N`; an adapter that
    /// cannot be opened (no i2c-dev, no permission) keeps ``Kind/unknown``, as in i2cdetect.
    public static func listWithKinds(folders: [String] = sysfsFolders) -> [I2CAdapter] {
        list(folders: folders).map { adapter in
            var adapter = adapter
            do {
                adapter.kind = Kind(functionality: try LinuxI2CBus(number: adapter.number).functionality)
            } catch {
                adapter.kind = .unknown
            }
            return adapter
        }
    }

    /// One line as `i2cdetect -l` prints it: `i2c-0	smbus     	SMBus stub driver ...	SMBus adapter`.
    public var listingLine: String {
        func padded(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
        }
        return "i2c-\(number)\t\(padded(kind.rawValue, 10))\t\(padded(name, 32))\t\(kind.adapterDescription)"
    }

    // MARK: Files

    /// The names in `path`, or nil if it is not a readable directory.
    static func directoryEntries(_ path: String) -> [String]? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The first line of a small text file, trimmed, or nil if it cannot be read.
    static func firstLine(of path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 256)
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count >= 0 else { return nil }
        let text = String(decoding: bytes.prefix(count), as: UTF8.self)
        return String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "").trimmingWhitespace()
    }
}
