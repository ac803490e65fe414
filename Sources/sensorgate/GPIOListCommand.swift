import ArgumentParser
import SensorgateCore

/// `sensorgate gpio list`: every chip (or the ones named) with each line's offset, name,
/// consumer, direction, active level and bias.
struct GPIOListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List gpiochips and their lines: offset, name, consumer, direction, active level, bias.")

    @Argument(help: ArgumentHelp("Chips to list: gpiochipN, /dev/gpiochipN, N or a label. Default: every chip.", valueName: "CHIP"))
    var chips: [String] = []

    func run() throws {
        let provider = try GPIOCommand.provider()
        let selectors = chips.isEmpty ? provider.chipPaths() : chips
        if selectors.isEmpty {
            printError("error: no gpiochip in /dev (is the GPIO character device enabled in this kernel?)")
            throw ExitStatus.failure
        }
        var failed = false
        for (index, selector) in selectors.enumerated() {
            let chip: any GPIOChip
            do {
                chip = try provider.openChip(selector)
            } catch {
                printError("error: \(error)")
                failed = true
                continue
            }
            if index > 0 { writeOut("\n") }
            writeOut(GPIOChipListing(chip: chip).text)
        }
        if failed { throw ExitStatus.failure }
    }
}
