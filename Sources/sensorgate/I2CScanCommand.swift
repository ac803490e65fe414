import ArgumentParser
import I2C
import SensorCatalog
import SensorgateCore

/// `sensorgate i2c scan`: the grid `i2cdetect -y N` prints, then per answering address the
/// catalog's drivers for it, named or ruled out by their chip-identity registers.
struct I2CScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Probe 0x08-0x77 on /dev/i2c-N the way i2cdetect does, and name the drivers that could be at each address.",
        discussion: """
            Addresses are probed as i2cdetect does by default (quick write; receive byte at \
            0x30-0x37 and 0x50-0x5F). At an answering address, the identity registers that \
            the catalog's drivers declare are read (never written) to tell apart parts that \
            share it.
            """)

    @Argument(help: ArgumentHelp("The adapter number N of /dev/i2c-N.", valueName: "N"))
    var busNumber: Int?

    @Option(name: .long, help: ArgumentHelp("The adapter number N of /dev/i2c-N (the same as the argument).", valueName: "N"))
    var bus: Int?

    /// The bus asked for, by argument or option.
    var number: Int { busNumber ?? bus ?? 0 }

    func validate() throws {
        switch (busNumber, bus) {
        case (nil, nil):
            throw ValidationError("name the bus: sensorgate i2c scan N (or --bus N); sensorgate i2c list shows them")
        case (let argument?, let option?) where argument != option:
            throw ValidationError("the bus is given twice and differs: \(argument) and --bus \(option)")
        default:
            break
        }
    }

    func run() throws {
        let adapter: LinuxI2CBus
        do {
            adapter = try LinuxI2CBus(number: number)
        } catch {
            printError("error: \(error)")
            throw ExitStatus.failure
        }
        let found = I2CScanner.scan(bus: adapter)
        print(Self.grid(found))
        for address in found {
            let identification = I2CIdentification.identify(address: address, bus: adapter, drivers: SensorCatalog.drivers)
            print("\(hex(address)): \(identification.summary)")
        }
    }

    /// The address grid as `i2cdetect -y` prints it: the address where a part answered, `--` elsewhere.
    static func grid(_ found: [UInt8]) -> String {
        var lines = ["    " + (0..<16).map { " " + String($0, radix: 16) }.joined(separator: " ")]
        for row in stride(from: 0, to: 0x80, by: 16) {
            var line = String(row, radix: 16).leftPadded(to: 2) + ":"
            for column in 0..<16 {
                let address = UInt8(row + column)
                if !I2CScanner.addresses.contains(address) {
                    line += "   "
                } else if found.contains(address) {
                    line += " " + String(address, radix: 16).leftPadded(to: 2)
                } else {
                    line += " --"
                }
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
