import ArgumentParser
import Gateway
import Logging
import Profiles
import ServiceLifecycle

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the gateway until SIGTERM, SIGINT, SIGQUIT, SIGUSR1 or SIGUSR2, then set outputs safe, flush, publish offline and exit 0; SIGHUP reloads the profile.",
        discussion: """
            Reloading (SIGHUP, `systemctl reload sensorgate`): the profile is read again from the same \
            path. An invalid one is refused with the errors `sensorgate validate` prints, and the gateway \
            goes on unchanged. A valid one is applied by id: unchanged inputs, sensors and outputs keep \
            their lines, counters, windows and output levels; added ones start; removed ones stop and \
            their retained topics are cleared; changed ones start again (losing their state). seq goes on \
            without a gap and nothing waiting to be sent is lost. Derived channels, PWM outputs and lines \
            on an expander are applied the same way. A changed broker, client id, credentials, TLS, \
            keepalive, session or protocol connects anew once the running connection delivered what it \
            holds (the outbox keeps every message). A restart is needed for gateway.id, \
            gateway.state_dir, gateway.board and the expanders themselves (the reload is refused), and \
            for mqtt.topic_prefix, qos, retain, outbox, home_assistant and stats (the reload applies the \
            rest and keeps the running ones).
            """)

    @Option(name: .long, help: ArgumentHelp("The device profile (YAML or JSON).", valueName: "FILE"))
    var profile: String = Sensorgate.defaultProfilePath

    @Option(name: .long, help: ArgumentHelp("Broker URL overriding mqtt.broker: mqtt://host:port or mqtts://host:port (no user name or password in it: they come from mqtt.username and mqtt.password_file or mqtt.password_env). Replaces the profile's whole broker list; it must be mqtts:// when the profile has mqtt.tls.", valueName: "URL"))
    var broker: String?

    @Flag(name: .long, help: "Use the simulator (driven by the profile's simulation: section) instead of the kernel's GPIO and I2C.")
    var simulate = false

    @Option(name: .long, help: ArgumentHelp("Directory for the gateway's state (its seq counter), overriding gateway.state_dir.", valueName: "DIR"))
    var stateDir: String?

    @Option(name: .long, help: "Log level, in any case: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    /// The level named, whatever its case: `DEBUG` is `debug`.
    var level: Logger.Level? { Logger.Level(rawValue: logLevel.lowercased()) }

    func validate() throws {
        guard level != nil else {
            let levels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("unknown log level '\(logLevel)': use one of \(levels)")
        }
        if let broker, case .failure(let error) = BrokerURL.parse(broker) {
            throw ValidationError("--broker: \(error)")
        }
    }

    func run() async throws {
        let level = self.level ?? .info
        LoggingSystem.bootstrap { label in JournalLogHandler.standardError(label: label, level: level) }
        let logger = Logger(label: "sensorgate")
        let loaded = try loadProfile(profile)
        let unusable = ReferencedFileCheck.diagnostics(for: loaded)
        if !unusable.isEmpty {
            for diagnostic in unusable { printError(diagnostic.description) }
            throw ExitStatus.failure
        }
        var brokerURL: BrokerURL?
        if let broker, case .success(let url) = BrokerURL.parse(broker) { brokerURL = url }
        if let brokerURL, !brokerURL.tls, loaded.mqtt.tls != nil {
            // Never a silent switch either way: TLS is what the profile asks for.
            printError("error: --broker \(brokerURL) is a plain mqtt:// broker, but the profile's mqtt.tls asks for TLS: give an mqtts:// URL, or remove mqtt.tls from the profile")
            throw ExitStatus.usage
        }

        let gateway: GatewayService
        do {
            gateway = try GatewayService(
                options: GatewayOptions(profile: loaded, broker: brokerURL, simulate: simulate, stateDirectory: stateDir,
                                        softwareVersion: Sensorgate.version),
                logger: logger)
        } catch {
            printError("error: \(error)")
            throw ExitStatus.failure
        }
        let group = ServiceGroup(configuration: .init(
            // The gateway also ends by itself (on a signal it takes): that is a clean end.
            services: [.init(service: gateway, successTerminationBehavior: .gracefullyShutdownGroup)],
            // The gateway takes its signals itself (GatewaySignals, caught from before main):
            // the group would set them to SIG_IGN and discard one that arrived early.
            gracefulShutdownSignals: [],
            logger: logger))
        do {
            try await group.run()
        } catch {
            printError("error: \(Self.describe(error))")
            throw ExitStatus.failure
        }
    }

    /// Unwraps the service group's error to the gateway's own message.
    static func describe(_ error: any Error) -> String {
        if let error = error as? GatewayError { return error.description }
        let text = "\(error)"
        return text
    }
}
