#if canImport(Glibc)
import Glibc
#endif
import Dispatch
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

    /// `body`'s result, computed on the loop thread. A test reads what the loop owns (an
    /// `MQTTClient`'s state and statistics are loop-confined) only this way: read from the
    /// test's own thread, it would race with the loop's writes.
    func onLoop<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let result = Box<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        loop.execute {
            result.update { $0 = body() }
            done.signal()
        }
        done.wait()
        return result.current!
    }

    func stop() {
        loop.stop()
        pthread_join(thread, nil)
    }
}
