#if canImport(Glibc)
import Glibc
#endif
import Runtime

/// Runs an event loop on its own thread until ``stop()``.
final class LoopHost: @unchecked Sendable {
    let loop: EventLoop
    private var thread = pthread_t()

    init() throws {
        loop = try EventLoop()
        let retained = Unmanaged.passRetained(loop)
        pthread_create(&thread, nil, { argument in
            let loop = Unmanaged<EventLoop>.fromOpaque(argument!).takeRetainedValue()
            loop.run()
            return nil
        }, retained.toOpaque())
    }

    func stop() {
        loop.stop()
        pthread_join(thread, nil)
    }
}
