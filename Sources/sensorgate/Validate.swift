import ArgumentParser
import Profiles

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check device profiles without touching hardware or network; every file a profile names (CA, certificate, key, password file) must be readable.",
        discussion: """
            Prints 'ok: FILE' for each valid file and exits 0. Otherwise prints every problem \
            as FILE:LINE:COLUMN: error: MESSAGE and exits 1; exits 2 when a file cannot be read.
            """)

    @Argument(help: ArgumentHelp("Profiles to check (default: \(Sensorgate.defaultProfilePath), the one `run` uses without --profile).", valueName: "FILE"))
    var files: [String] = []

    func run() throws {
        var worst: Int32 = 0
        for file in files.isEmpty ? [Sensorgate.defaultProfilePath] : files {
            do {
                let profile = try ProfileLoader.load(path: file)
                let unusable = ReferencedFileCheck.diagnostics(for: profile)
                guard unusable.isEmpty else {
                    for diagnostic in unusable { printError(diagnostic.description) }
                    worst = max(worst, 1)
                    continue
                }
                print("ok: \(file)")
            } catch {
                switch error {
                case .unreadable(let path, let reason):
                    printError("error: cannot read \(path): \(reason)")
                    worst = max(worst, 2)
                case .invalid(let diagnostics):
                    for diagnostic in diagnostics { printError(diagnostic.description) }
                    worst = max(worst, 1)
                }
            }
        }
        if worst != 0 { throw ExitCode(worst) }
    }
}
