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

    public init(profile: Profile, broker: BrokerURL? = nil, simulate: Bool = false, stateDirectory: String? = nil) {
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
            stateDirectory: options.stateDirectory ?? options.profile.gateway.stateDirectory,
            stateDirectoryFromCommandLine: options.stateDirectory != nil,
            hardware: hardware, loop: loop, logger: logger)
    }

    public func run() async throws {
        let loop = self.loop
        let runtime = self.runtime
        let logger = self.logger
        GatewaySignals.handle(logger: logger) { name in
            logger.info("received \(name): stopping")
            loop.execute { runtime.shutdown { loop.stop() } }
        }
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
                        HeapFootprint.returnFreePages()
                        loop.run()
                        continuation.resume()
                    }
                }
            } onGracefulShutdown: {
                loop.execute { runtime.shutdown { loop.stop() } }
            }
        } onCancel: {
            loop.execute { runtime.shutdown { loop.stop() } }
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
