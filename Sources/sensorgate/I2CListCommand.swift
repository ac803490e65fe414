import ArgumentParser
import I2C

/// `sensorgate i2c list`: the adapters, as `i2cdetect -l` lists them.
struct I2CListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the I2C adapters the way i2cdetect -l does: bus, type (i2c or smbus), name, description.")

    @Flag(name: .long, help: "Print the list as JSON.")
    var json = false

    func run() throws {
        let adapters = I2CAdapter.listWithKinds()
        if json {
            print(JSONText.array(adapters.map(Self.json)).rendered())
            return
        }
        if adapters.isEmpty {
            printError("no I2C adapters in /sys/class/i2c-dev (is the i2c-dev module loaded, and the bus enabled?)")
            return
        }
        for adapter in adapters { print(adapter.listingLine) }
    }

    static func json(_ adapter: I2CAdapter) -> JSONText {
        .object([
            ("bus", .integer(adapter.number)),
            ("device", .string("/dev/i2c-\(adapter.number)")),
            ("type", .string(adapter.kind.rawValue)),
            ("name", .string(adapter.name)),
            ("description", .string(adapter.kind.adapterDescription)),
        ])
    }
}
