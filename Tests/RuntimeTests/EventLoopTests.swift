#if canImport(Glibc)
import Glibc
#endif
import Runtime
import SensorgateCore
import Testing

/// Runs `body` on a fresh loop on its own thread and waits until the loop stops.
private func withRunningLoop(_ body: @escaping @Sendable (EventLoop) -> Void) throws -> EventLoop {
    let loop = try EventLoop()
    let thread = LoopRunner(loop: loop)
    loop.execute { body(loop) }
    thread.join()
    return loop
}

private final class LoopRunner: @unchecked Sendable {
    private var handle = pthread_t()
    init(loop: EventLoop) {
        let box = Unmanaged.passRetained(loop)
        pthread_create(&handle, nil, { argument in
            let loop = Unmanaged<EventLoop>.fromOpaque(argument!).takeRetainedValue()
            loop.run()
            return nil
        }, box.toOpaque())
    }
    func join() { pthread_join(handle, nil) }
}

private final class Recorder: @unchecked Sendable {
    private let lock = Mutex()
    private var items: [String] = []
    func add(_ item: String) { lock.withLock { items.append(item) } }
    var all: [String] { lock.withLock { items } }
}

@Suite("EventLoop")
struct EventLoopTests {
    @Test("timers fire in deadline order, equal deadlines in scheduling order")
    func timerOrder() throws {
        let recorder = Recorder()
        _ = try withRunningLoop { loop in
            let now = loop.now()
            loop.schedule(at: now + .milliseconds(30)) { recorder.add("c") }
            loop.schedule(at: now + .milliseconds(10)) { recorder.add("a") }
            loop.schedule(at: now + .milliseconds(20)) { recorder.add("b1") }
            loop.schedule(at: now + .milliseconds(20)) { recorder.add("b2") }
            loop.schedule(at: now + .milliseconds(40)) { loop.stop() }
        }
        #expect(recorder.all == ["a", "b1", "b2", "c"])
    }

    @Test("a cancelled timer never fires, and a timer can be rescheduled from a handler")
    func cancellation() throws {
        let recorder = Recorder()
        _ = try withRunningLoop { loop in
            let doomed = loop.schedule(after: .milliseconds(5)) { recorder.add("cancelled") }
            loop.cancel(doomed)
            loop.schedule(after: .milliseconds(1)) {
                recorder.add("first")
                loop.schedule(after: .milliseconds(1)) {
                    recorder.add("second")
                    loop.stop()
                }
            }
        }
        #expect(recorder.all == ["first", "second"])
    }

    @Test("a deadline in the past fires at once, and timers are not early")
    func pastDeadline() throws {
        let recorder = Recorder()
        _ = try withRunningLoop { loop in
            let start = loop.now()
            loop.schedule(at: Timestamp(nanoseconds: 1)) { recorder.add("past") }
            loop.schedule(after: .milliseconds(15)) {
                let elapsed = loop.now() - start
                recorder.add(elapsed >= .milliseconds(15) ? "on time" : "early \(elapsed)")
                loop.stop()
            }
        }
        #expect(recorder.all == ["past", "on time"])
    }

    @Test("work handed over from other threads runs on the loop, in order per thread")
    func execute() throws {
        let recorder = Recorder()
        let loop = try EventLoop()
        let runner = LoopRunner(loop: loop)
        for index in 0..<100 {
            loop.execute { recorder.add("\(index)") }
        }
        loop.execute { loop.stop() }
        runner.join()
        #expect(recorder.all == (0..<100).map { "\($0)" })
    }

    @Test("a readable descriptor wakes the loop; unregistering stops the handler")
    func descriptorReadiness() throws {
        let recorder = Recorder()
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        defer { close(readEnd); close(writeEnd) }
        _ = try withRunningLoop { loop in
            try? loop.register(fd: readEnd, interest: .readable) { readiness in
                var byte: UInt8 = 0
                _ = read(readEnd, &byte, 1)
                recorder.add("read \(byte) readable=\(readiness.readable)")
                if byte == 2 {
                    loop.unregister(fd: readEnd)
                    var three: UInt8 = 3
                    _ = write(writeEnd, &three, 1)
                    loop.schedule(after: .milliseconds(20)) { loop.stop() }
                }
            }
            var one: UInt8 = 1
            _ = write(writeEnd, &one, 1)
            loop.schedule(after: .milliseconds(5)) {
                var two: UInt8 = 2
                _ = write(writeEnd, &two, 1)
            }
        }
        #expect(recorder.all == ["read 1 readable=true", "read 2 readable=true"])
    }
}
