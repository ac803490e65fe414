import ArgumentParser

/// `sensorgate i2c`: what i2cdetect shows, in the project's terms.
struct I2C: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "i2c",
        abstract: "Inspect I2C buses.",
        subcommands: [I2CScanCommand.self, I2CListCommand.self])
}
