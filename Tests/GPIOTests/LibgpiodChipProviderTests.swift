#if canImport(Glibc)
import Glibc
#endif
@testable import GPIO
import SensorgateCore
import Testing

/// The selector rules shared by both backends, over a stand-in "open by path".
@Suite("LibgpiodChipProvider")
struct LibgpiodChipProviderTests {
    /// A chip that only has a path and a label.
    final class LabelledChip: GPIOChip {
        let path: String
        let name: String
        let label: String
        let lineCount = 4

        init(path: String, label: String) {
            self.path = path
            name = String(path.split(separator: "/").last ?? "")
            self.label = label
        }

        func lineName(offset: UInt32) -> String? { nil }

        func lineInfo(offset: UInt32) throws(GPIOError) -> GPIOLineInfo {
            throw GPIOError(.unsupported, "not in this test")
        }

        func request(_ lines: [LineConfig], consumer: String) throws(GPIOError) -> any GPIOLineRequest {
            throw GPIOError(.unsupported, "not in this test")
        }
    }

    /// A directory with `gpiochipN` files (and whatever else a test adds); removed by `remove()`.
    struct DeviceDirectory {
        let path: String

        init(chips: [String]) {
            var template = Array("/tmp/sensorgate-gpio-test-XXXXXX".utf8CString)
            path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
            for chip in chips { close(open(path + "/" + chip, O_CREAT | O_WRONLY, 0o600)) }
        }

        func remove() {
            guard let directory = opendir(path) else { return }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
                if name != ".", name != ".." { unlink(path + "/" + name) }
            }
            closedir(directory)
            rmdir(path)
        }
    }

    @Test("chip paths are sorted by number, without symbolic links or other files")
    func chipPaths() {
        let directory = DeviceDirectory(chips: ["gpiochip10", "gpiochip2", "gpiochip0", "gpiochipX", "i2c-1"])
        defer { directory.remove() }
        symlink(directory.path + "/gpiochip0", directory.path + "/gpiochip4")
        let provider = LibgpiodChipProvider(backendDescription: "test", deviceDirectory: directory.path) { path throws(GPIOError) in
            LabelledChip(path: path, label: "x")
        }
        #expect(provider.chipPaths() == ["0", "2", "10"].map { "\(directory.path)/gpiochip\($0)" })
    }

    @Test("numbers and names open /dev/gpiochipN directly; labels are searched among every chip")
    func selectors() throws {
        let directory = DeviceDirectory(chips: ["gpiochip0", "gpiochip1"])
        defer { directory.remove() }
        var opened: [String] = []
        let provider = LibgpiodChipProvider(backendDescription: "test", deviceDirectory: directory.path) { path throws(GPIOError) in
            opened.append(path)
            return LabelledChip(path: path, label: path.hasSuffix("1") ? "pinctrl-bcm2711" : "raspberrypi-exp-gpio")
        }
        #expect(try provider.openChip("3").path == "/dev/gpiochip3")
        #expect(try provider.openChip("gpiochip2").path == "/dev/gpiochip2")
        #expect(try provider.openChip("pinctrl-bcm2711").path == directory.path + "/gpiochip1")
        #expect(opened == ["/dev/gpiochip3", "/dev/gpiochip2", directory.path + "/gpiochip0", directory.path + "/gpiochip1"])
        #expect(throws: GPIOError.self) { try provider.openChip(" ") }
    }

    @Test("a label not found names it; with unreadable chips, it says permission was denied and how to fix it")
    func labelNotFound() {
        let directory = DeviceDirectory(chips: ["gpiochip0", "gpiochip1"])
        defer { directory.remove() }
        let provider = LibgpiodChipProvider(backendDescription: "test", deviceDirectory: directory.path) { path throws(GPIOError) in
            if path.hasSuffix("1") { throw LibgpiodFailure.error(.openChip, errno: EACCES, subject: "cannot open \(path)") }
            return LabelledChip(path: path, label: "other")
        }
        do {
            _ = try provider.openChip("pinctrl-rp1")
            Issue.record("a missing label was found")
        } catch {
            #expect(error.code == .chipNotFound)
            #expect(error.errno == EACCES)
            #expect(error.message.contains("'pinctrl-rp1'"))
            #expect(error.message.contains("permission denied on \(directory.path)/gpiochip1"))
            #expect(error.message.contains("udev"))
        }
        let readable = LibgpiodChipProvider(backendDescription: "test", deviceDirectory: directory.path) { path throws(GPIOError) in
            LabelledChip(path: path, label: "other")
        }
        do {
            _ = try readable.openChip("pinctrl-rp1")
            Issue.record("a missing label was found")
        } catch {
            #expect(error.code == .chipNotFound)
            #expect(error.errno == ENOENT)
            #expect(!error.message.contains("permission"))
        }
    }

    @Test("through libgpiod 1 (API v1), a missing chip is chipNotFound with its errno and path",
          .enabled(if: LibgpiodLoaderTests.installed("libgpiod.so.2")))
    func missingChipV1() throws {
        let library = try Libgpiod.load("libgpiod.so.2").get()
        try expectMissingChip(LibgpiodChipProvider(backendDescription: library.description) { path throws(GPIOError) in
            try LibgpiodV1Chip(path: path)
        })
    }

    @Test("through libgpiod 2 (API v2), a missing chip is chipNotFound with its errno and path",
          .enabled(if: LibgpiodLoaderTests.installed("libgpiod.so.3")))
    func missingChipV2() throws {
        let library = try Libgpiod.load("libgpiod.so.3").get()
        try expectMissingChip(LibgpiodChipProvider(backendDescription: library.description) { path throws(GPIOError) in
            try LibgpiodV2Chip(path: path)
        })
    }

    func expectMissingChip(_ provider: LibgpiodChipProvider) throws {
        do {
            _ = try provider.openChip("/dev/gpiochip-sensorgate-test-missing")
            Issue.record("opening a missing chip succeeded")
        } catch {
            #expect(error.code == .chipNotFound)
            #expect(error.errno == ENOENT)
            #expect(error.message.contains("/dev/gpiochip-sensorgate-test-missing"))
        }
    }
}
