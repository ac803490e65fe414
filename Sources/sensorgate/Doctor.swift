import ArgumentParser
import Gateway
import Profiles

/// `sensorgate doctor`: checks this machine against a profile, one line per check.
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check what the profile needs on this machine: the profile, the gpiochips and lines, the I2C buses, the state directory, the broker (credentials and TLS), the clock.",
        discussion: """
            Prints one line per check: ok, warn or FAIL, what was checked, and how to fix a \
            problem. Changes nothing: lines are inspected, not requested; the broker is \
            connected to once with a client id of its own. Exits 0 when everything the \
            gateway needs is fine (warnings included), 1 otherwise, 2 on a usage error.
            """)

    @Option(name: .long, help: ArgumentHelp("The device profile (YAML or JSON).", valueName: "FILE"))
    var profile: String = Sensorgate.defaultProfilePath

    @Option(name: .long, help: ArgumentHelp("Broker URL to check instead of the profile's, as for run.", valueName: "URL"))
    var broker: String?

    @Option(name: .long, help: ArgumentHelp("State directory to check instead of gateway.state_dir, as for run.", valueName: "DIR"))
    var stateDir: String?

    func validate() throws {
        if let broker, case .failure(let error) = BrokerURL.parse(broker) {
            throw ValidationError("--broker: \(error)")
        }
    }

    func run() throws {
        let loaded: Profile
        do {
            loaded = try ProfileLoader.load(path: profile)
        } catch {
            writeOut(DoctorCheck(.failed, "profile", "\(profile) is not usable:", fix: "sensorgate validate \(profile)").description + "\n")
            switch error {
            case .unreadable(let path, let reason): printError("error: cannot read \(path): \(reason)")
            case .invalid(let diagnostics): for diagnostic in diagnostics { printError(diagnostic.description) }
            }
            throw ExitStatus.failure
        }
        let unusable = ReferencedFileCheck.diagnostics(for: loaded)
        var checks = [unusable.isEmpty
            ? DoctorCheck(.ok, "profile", "\(profile) valid")
            : DoctorCheck(.failed, "profile", unusable.map(\.description).joined(separator: "; "))]
        var brokerURL: BrokerURL?
        if let broker, case .success(let url) = BrokerURL.parse(broker) { brokerURL = url }
        if unusable.isEmpty {
            checks += GatewayDoctor(profile: loaded, broker: brokerURL, stateDirectory: stateDir).run()
        }
        for check in checks { writeOut(check.description + "\n") }
        if checks.contains(where: { $0.outcome == .failed }) { throw ExitStatus.failure }
    }
}
