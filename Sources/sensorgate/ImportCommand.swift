import ArgumentParser
import Gateway
import Profiles

/// `sensorgate import`: profiles from other gateways' configurations.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert another gateway's configuration into a Sensorgate profile.",
        subcommands: [ImportMQTTIOCommand.self])
}

/// `sensorgate import mqtt-io CONFIG.yml`.
struct ImportMQTTIOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mqtt-io",
        abstract: "Convert an mqtt-io configuration (its GPIO inputs and outputs, its sensors Sensorgate has drivers for, its MQTT settings) into a profile.",
        discussion: """
            Prints the profile on standard output (or writes it to --output) and, on standard \
            error, one FILE:LINE:COLUMN: note: line for everything converted differently or \
            not at all. The profile is then validated as `sensorgate validate` would: exit 0 \
            when it is valid, 1 when it is not here (a file it names is missing, for example: \
            the errors follow the notes), 2 when the mqtt-io file cannot be read or is not YAML.
            """)

    @Argument(help: ArgumentHelp("The mqtt-io configuration.", valueName: "CONFIG"))
    var config: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the profile here instead of standard output.", valueName: "FILE"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("The gateway.id to give the profile (default: mqtt-io's client_id, else 'sensorgate').", valueName: "ID"))
    var id: String?

    func run() throws {
        let conversion: MQTTIOImport.Conversion
        do {
            conversion = try MQTTIOImport.convert(path: config, gatewayID: id)
        } catch {
            switch error {
            case .unreadable(let path, let reason): printError("error: cannot read \(path): \(reason)")
            case .invalid(let diagnostics): for diagnostic in diagnostics { printError(diagnostic.description) }
            }
            throw ExitStatus.usage
        }
        for note in conversion.notes { printError(note.description) }
        let yaml = conversion.profile.yaml
        let target = output ?? "<standard output>"
        if let output {
            do {
                try StateFile.replace(output, with: Array(yaml.utf8))
            } catch {
                printError("error: cannot write \(output): \(error)")
                throw ExitStatus.usage
            }
        } else {
            writeOut(yaml)
        }
        let profile: Profile
        do {
            profile = try ProfileLoader.load(text: yaml, path: output ?? "converted.yaml")
        } catch {
            printError("error: the converted profile (\(target)) does not validate here:")
            switch error {
            case .unreadable(_, let reason): printError(reason)
            case .invalid(let diagnostics): for diagnostic in diagnostics { printError(diagnostic.description) }
            }
            throw ExitStatus.failure
        }
        let unusable = ReferencedFileCheck.diagnostics(for: profile)
        guard unusable.isEmpty else {
            printError("error: the converted profile (\(target)) names files that cannot be read here:")
            for diagnostic in unusable { printError(diagnostic.description) }
            throw ExitStatus.failure
        }
    }
}
