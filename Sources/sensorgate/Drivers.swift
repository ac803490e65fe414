import ArgumentParser
import SensorDrivers
import SensorgateCore

struct Drivers: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the sensor drivers: name, default address, channels with units.")

    func run() throws {
        for descriptor in DriverCatalog.all {
            let addresses = descriptor.allowedAddresses.map(hex).joined(separator: ", ")
            print("\(descriptor.name) (\(descriptor.part)): \(descriptor.summary)")
            print("  address: \(hex(descriptor.defaultAddress)) (allowed: \(addresses))")
            print("  interval: \(descriptor.defaultInterval) (minimum \(descriptor.minimumInterval))")
            let channels = descriptor.channels.map { "\($0.name) [\($0.unit)]" }.joined(separator: ", ")
            print("  channels: \(channels)")
        }
    }
}

func hex(_ address: UInt8) -> String {
    "0x" + String(address, radix: 16).leftPadded(to: 2)
}
