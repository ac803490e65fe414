import Foundation
import SensorgateCore
import Testing

@Suite("Worker thread")
struct WorkerThreadTests {
    @Test("wake ends a long sleep early with true; a wake before the sleep is not lost; stop makes it false")
    func wake() {
        let clock = SystemClock()
        let thread = WorkerThread(clock: clock)
        thread.wake()
        let start = clock.now()
        #expect(thread.sleep(until: start + .seconds(10)), "the earlier wake returns at once")
        #expect(clock.now() - start < .seconds(1))

        let results = Results()
        thread.start {
            let began = clock.now()
            results.append(thread.sleep(until: began + .seconds(10)), clock.now() - began)
            results.append(thread.sleep(until: clock.now() + .seconds(10)), .zero)
        }
        usleep(50_000)
        thread.wake()
        usleep(50_000)
        thread.stop()
        let recorded = results.values
        #expect(recorded.map(\.0) == [true, false])
        #expect(recorded.first.map { $0.1 < .seconds(1) } == true, "woken after \(recorded.first?.1 ?? .zero)")
    }
}

private final class Results: @unchecked Sendable {
    private let lock = Mutex()
    private var recorded: [(Bool, Interval)] = []
    var values: [(Bool, Interval)] { lock.withLock { recorded } }
    func append(_ result: Bool, _ after: Interval) { lock.withLock { recorded.append((result, after)) } }
}
