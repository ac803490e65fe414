import ArgumentParser
import Gateway
import GPIO
import Logging
import Profiles
import SensorDrivers
import SensorgateCore
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `sensorgate`: the command line (docs/ARCHITECTURE.md, "Command line").
struct Sensorgate: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "sensorgate",
        abstract: "An IoT sensor gateway: GPIO and I2C sensors to MQTT, described by a device profile.",
        version: "sensorgate \(version)",
        subcommands: [Run.self, Validate.self, Drivers.self, I2C.self, GPIOCommand.self, Doctor.self, ImportCommand.self, Version.self])

    /// What `sensorgate --version` prints: the version, then the libgpiod that was found
    /// (or why none was). One binary runs on libgpiod 1.6 and 2.x, so which one a bug
    /// report was made with matters. Built only when asked for, so that no other command
    /// loads libgpiod before it needs a chip.
    static var versionText: String { "sensorgate \(version)\n\(Libgpiod.versionLine)\n" }

    /// The profile `run` and `validate` use without one named: where the package installs it.
    static let defaultProfilePath = "/etc/sensorgate/sensorgate.yaml"
}

/// Exit codes shared by the subcommands.
enum ExitStatus {
    /// A profile or a runtime failure.
    static let failure = ExitCode(1)
    /// A usage error or an unreadable file.
    static let usage = ExitCode(2)
}

func printError(_ text: String) {
    var line = text
    if !line.hasSuffix("\n") { line += "\n" }
    let bytes = Array(line.utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

/// Loads a profile or prints why not and exits with the validate contract's code.
func loadProfile(_ path: String) throws -> Profile {
    do {
        return try ProfileLoader.load(path: path)
    } catch {
        switch error {
        case .unreadable(let path, let reason):
            printError("error: cannot read \(path): \(reason)")
            throw ExitStatus.usage
        case .invalid(let diagnostics):
            for diagnostic in diagnostics { printError(diagnostic.description) }
            throw ExitStatus.failure
        }
    }
}

@main
enum Main {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments == ["--version"] || arguments == ["-V"] {
            writeOut(Sensorgate.versionText)
            exit(0)
        }
        if let message = CommandSuggestion.message(for: arguments) {
            printError(message)
            exit(ExitStatus.usage.rawValue)
        }
        do {
            var command = try Sensorgate.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            // ArgumentParser reports usage errors with EX_USAGE (64); the contract says 2.
            let code = Sensorgate.exitCode(for: error)
            if code == .validationFailure {
                printError(Sensorgate.fullMessage(for: error))
                exit(ExitStatus.usage.rawValue)
            }
            Sensorgate.exit(withError: error)
        }
    }
}
