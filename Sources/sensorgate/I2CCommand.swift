import ArgumentParser
import I2C
import SensorCatalog
import SensorgateCore

struct I2C: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "i2c",
        abstract: "Inspect I2C buses.",
        subcommands: [Scan.self])

    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Probe 0x08-0x77 on /dev/i2c-N the way i2cdetect does, and name the drivers that use each address.")

        @Option(name: .long, help: "The adapter number N of /dev/i2c-N.")
        var bus: Int

        func run() throws {
            let adapter: LinuxI2CBus
            do {
                adapter = try LinuxI2CBus(number: bus)
            } catch {
                printError("error: \(error)")
                throw ExitStatus.failure
            }
            let found = I2CScanner.scan(bus: adapter)
            print("     " + (0..<16).map { String($0, radix: 16) }.map { " \($0)" }.joined(separator: " "))
            for row in stride(from: 0, to: 0x80, by: 16) {
                var line = String(row, radix: 16).leftPadded(to: 2) + ":"
                for column in 0..<16 {
                    let address = UInt8(row + column)
                    if address < 0x08 || address > 0x77 {
                        line += "   "
                    } else if found.contains(address) {
                        line += " " + String(address, radix: 16).leftPadded(to: 2)
                    } else {
                        line += " --"
                    }
                }
                print(line)
            }
            for address in found {
                let drivers = SensorCatalog.drivers.filter { $0.allowedAddresses.contains(address) }.map(\.name)
                let suffix = drivers.isEmpty ? "" : " (possible drivers: \(drivers.joined(separator: ", ")))"
                print("\(hex(address)): responds\(suffix)")
            }
        }
    }
}
