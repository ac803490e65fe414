import Foundation
import Testing
import I2C

@Suite("I2C adapter list (i2c list)")
struct I2CAdapterListTests {
    /// A fake sysfs tree in a fresh temporary folder: `files` maps paths under it to contents.
    static func tree(_ files: [String: String], folders: [String] = []) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("i2c-sysfs-\(UUID().uuidString)")
        for folder in folders {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return root
    }

    @Test("adapters from /sys/class/i2c-dev: number and name, ascending, other entries skipped")
    func classFolder() throws {
        let root = try Self.tree([
            "class/i2c-dev/i2c-10/name": "SMBus stub driver\n",
            "class/i2c-dev/i2c-1/name": "bcm2835 (i2c@7e804000)\n",
            "class/i2c-dev/i2c-2/device/name": "  i915 gmbus dpb \n",
            "class/i2c-dev/README": "not an adapter",
        ], folders: ["class/i2c-dev/i2c-x", "class/i2c-dev/i2c-"])
        defer { try? FileManager.default.removeItem(at: root) }
        let adapters = I2CAdapter.list(folders: [root.appendingPathComponent("class/i2c-dev").path])
        #expect(adapters == [I2CAdapter(number: 1, name: "bcm2835 (i2c@7e804000)"),
                             I2CAdapter(number: 2, name: "i915 gmbus dpb"),
                             I2CAdapter(number: 10, name: "SMBus stub driver")])
    }

    @Test("without the i2c-dev class, /sys/bus/i2c/devices: adapters yes, client devices no")
    func busFolder() throws {
        let root = try Self.tree([
            "bus/i2c/devices/i2c-0/name": "SMBus stub driver\n",
            "bus/i2c/devices/0-0076/name": "bme280\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let folders = [root.appendingPathComponent("class/i2c-dev").path, root.appendingPathComponent("bus/i2c/devices").path]
        #expect(I2CAdapter.list(folders: folders) == [I2CAdapter(number: 0, name: "SMBus stub driver")])
        #expect(I2CAdapter.list(folders: [root.appendingPathComponent("nothing").path]) == [])
    }

    @Test("the line is i2cdetect -l's: bus, type, name, description separated by tabs")
    func listingLine() {
        #expect(I2CAdapter(number: 0, name: "SMBus stub driver", kind: .smbus).listingLine
                == "i2c-0\tsmbus     \tSMBus stub driver               \tSMBus adapter")
        #expect(I2CAdapter(number: 1, name: "bcm2835 (i2c@7e804000)", kind: .i2c).listingLine.hasSuffix("\tI2C adapter"))
        #expect(I2CAdapter(number: 3, name: "x").listingLine.hasPrefix("i2c-3\tunknown   \t"))
    }

    @Test("the type comes from the I2C_FUNCS bitmask: I2C_FUNC_I2C (0x1) is i2c, else smbus")
    func kind() {
        #expect(I2CAdapter.Kind(functionality: 0x0EFF_0001) == .i2c)
        #expect(I2CAdapter.Kind(functionality: 0x0EFF_0008) == .smbus)
    }
}
