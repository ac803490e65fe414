#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
import Profiles
import Runtime
import SensorgateCore
import ServiceLifecycle

/// What `sensorgate run` asks for.
public struct GatewayOptions: Sendable {
    public var profile: Profile
    /// `--broker`, overriding `mqtt.broker`.
    public var broker: BrokerURL?
    /// `--simulate`: the simulator instead of the kernel's GPIO and I2C.
    public var simulate: Bool
    /// `--state-dir`, overriding `gateway.state_dir`.
    public var stateDirectory: String?
    /// The version the gateway reports (Home Assistant's device and origin `sw`).
    public var softwareVersion: String?

    public init(profile: Profile, broker: BrokerURL? = nil, simulate: Bool = false, stateDirectory: String? = nil,
                softwareVersion: String? = nil) {
        self.softwareVersion = softwareVersion
        self.profile = profile
        self.broker = broker
        self.simulate = simulate
        self.stateDirectory = stateDirectory
    }
}

/// The gateway as a swift-service-lifecycle `Service`: its event loop runs on a
/// dedicated thread; a stopping signal (``GatewaySignals``) or the `ServiceGroup`'s
/// graceful shutdown asks the loop to stop sensors, set outputs safe, flush, publish
/// `offline` and disconnect, and `run()` returns when that is done.
public final class GatewayService: Service, @unchecked Sendable {
    private let options: GatewayOptions
    private let logger: Logger
    private let loop: EventLoop
    private let runtime: GatewayRuntime
    private let supervision: ServiceSupervision

    /// Builds the graph; opens no device and no connection yet.
    public init(options: GatewayOptions, logger: Logger) throws(GatewayError) {
        self.options = options
        self.logger = logger
        do {
            loop = try EventLoop()
        } catch {
            throw GatewayError("event loop: \(error)")
        }
        let hardware: any GatewayHardware = options.simulate
            ? try SimulatedHardware(profile: options.profile)
            : LinuxHardware()
        runtime = try GatewayRuntime(
            profile: options.profile,
            broker: options.broker ?? options.profile.mqtt.broker,
            // `--broker` names the one broker to use; the profile's list is not appended.
            failover: options.broker == nil ? Array(options.profile.mqtt.brokers.dropFirst()) : [],
            brokerFromCommandLine: options.broker != nil,
            stateDirectory: options.stateDirectory ?? options.profile.gateway.stateDirectory,
            stateDirectoryFromCommandLine: options.stateDirectory != nil,
            hardware: hardware, loop: loop, logger: logger, softwareVersion: options.softwareVersion)
        supervision = ServiceSupervision(notifier: SystemdNotifier(logger: logger), loop: loop, runtime: runtime)
        let profile = options.profile
        if profile.inputs.isEmpty, profile.sensors.isEmpty, profile.outputs.isEmpty, profile.pwmOutputs.isEmpty {
            logger.notice("\(profile.path) has no inputs, sensors or outputs: only the gateway's status is published until some are added")
        }
    }

    public func run() async throws {
        let loop = self.loop
        let runtime = self.runtime
        let supervision = self.supervision
        let logger = self.logger
        GatewaySignals.handle(logger: logger, reload: { [self] in
            loop.execute { [self] in reload() }
        }, terminate: { [self] name in
            logger.info("received \(name): stopping")
            stop()
        })
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    HeapFootprint.limitArenas()
                    LoopThread.start(name: "sensorgate-loop") {
                        do {
                            try runtime.start()
                        } catch {
                            continuation.resume(throwing: error)
                            return
                        }
                        supervision.started()
                        HeapFootprint.returnFreePages()
                        StartupCodePages.release(now: loop)
                        loop.run()
                        continuation.resume()
                    }
                }
            } onGracefulShutdown: { [self] in
                stop()
            }
        } onCancel: { [self] in
            stop()
        }
    }

    /// Loop thread: reads the profile again from its path and applies what changed
    /// (``GatewayRuntime/reload(to:stateDirectoryFromCommandLine:)``), or logs why not and
    /// goes on unchanged. One line says what the reload did; systemd gets it as the status.
    private func reload() {
        guard !runtime.shuttingDown else { return }
        supervision.reloading()
        let path = runtime.profile.path
        let outcome: String
        switch ProfileReader.read(path) {
        case .failure(let problems):
            logger.error("reload: \(path) is not valid (\(problems.count == 1 ? "1 error" : "\(problems.count) errors")); still running the profile loaded before")
            for problem in problems { logger.error("\(problem)") }
            outcome = "reload refused: \(path) is not valid: \(problems.first ?? "")"
        case .success(let profile):
            do {
                let diff = try runtime.reload(to: profile, stateDirectoryFromCommandLine: options.stateDirectory != nil)
                outcome = "reloaded: \(diff.summary)"
                logger.notice("reloaded \(path): \(diff.summary)")
            } catch {
                logger.error("reload: \(error); still running the profile loaded before")
                outcome = "reload refused: \(error)"
            }
        }
        supervision.reloaded(outcome)
    }

    /// Tells systemd, then stops the runtime and the loop; safe to call more than once.
    private func stop() {
        loop.execute { [runtime, supervision, loop] in
            supervision.stopping()
            runtime.shutdown { loop.stop() }
        }
    }
}

/// A detached pthread for the event loop (the loop blocks in `epoll_wait`, which must not
/// happen on Swift's cooperative pool).
enum LoopThread {
    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    static func start(name: String, _ body: @escaping () -> Void) {
        let box = Unmanaged.passRetained(Box(body))
        var handle = pthread_t()
        let result = pthread_create(&handle, nil, { argument in
            let box = Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue()
            box.body()
            return nil
        }, box.toOpaque())
        if result == 0 {
            pthread_detach(handle)
        } else {
            let box = box.takeRetainedValue()
            box.body()
        }
    }
}
