import ArgumentParser

/// `sensorgate version`: the same text as `--version` and `-V`.
struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the version and the libgpiod found (the same as --version and -V).")

    func run() throws {
        writeOut(Sensorgate.versionText)
    }
}
