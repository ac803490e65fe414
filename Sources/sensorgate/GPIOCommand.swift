import ArgumentParser
import GPIO
import SensorgateCore

/// `sensorgate gpio`: what gpiodetect, gpioinfo and gpiomon show, through the same backend
/// (either libgpiod API) the gateway uses.
struct GPIOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gpio",
        abstract: "Inspect GPIO chips and watch edges (the kernel's GPIO character device, through libgpiod).",
        subcommands: [GPIOListCommand.self, GPIOMonitorCommand.self])

    /// The system's chips, through the libgpiod backend in use; prints why not and fails.
    static func provider() throws -> any GPIOChipProvider {
        do {
            return try Libgpiod.chipProvider()
        } catch {
            printError("error: \(error)")
            throw ExitStatus.failure
        }
    }
}
