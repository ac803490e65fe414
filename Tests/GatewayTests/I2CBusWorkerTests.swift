import Foundation
import SensorDrivers
import SensorgateCore
import Simulation
import Testing

@testable import Gateway

@Suite("I2C bus worker")
struct I2CBusWorkerTests {
    @Test("setup retries back off 1 s, 2 s, 4 s ... up to 60 s")
    func retrySchedule() {
        #expect((1...9).map { I2CBusWorker.retryDelay(after: $0).nanoseconds / 1_000_000_000 } == [1, 2, 4, 8, 16, 32, 60, 60, 60])
    }

    @Test("a dead sensor on the bus costs only its own polls: its neighbour keeps its interval")
    func deadNeighbour() throws {
        let clock = SystemClock()
        let bus = SimulatedI2CBus()
        bus.attach(SimulatedLM75(values: { _ in 20 }), at: 0x48)
        let gone = SimulatedOutage(SimulatedLM75(values: { _ in 30 }), from: clock.now(),
                                   until: clock.now() + .seconds(3600), clock: clock)
        bus.attach(gone, at: 0x49)
        let outcomes = OutcomeLog()
        let worker = I2CBusWorker(
            bus: bus,
            sensors: [
                .init(index: 0, id: "alive", driver: LM75(), address: 0x48, interval: .milliseconds(100), offlineAfter: 3),
                .init(index: 1, id: "dead", driver: LM75(), address: 0x49, interval: .milliseconds(100), offlineAfter: 3),
            ],
            clock: clock
        ) { index, outcome in outcomes.append(index, outcome, at: clock.now()) }
        worker.start()
        usleep(1_600_000)
        worker.stop()

        let alive = outcomes.stamps(of: 0, values: true)
        let dead = outcomes.stamps(of: 1, values: false)
        #expect(outcomes.stamps(of: 0, values: false).isEmpty)
        #expect(alive.count >= 12, "\(alive.count) readings in 1.6 s at 100 ms")
        let gaps = zip(alive.dropFirst(), alive).map { ($0 - $1).nanoseconds / 1_000_000 }
        #expect(gaps.allSatisfy { $0 < 300 }, "gaps in ms: \(gaps)")
        // Setup at 0 s fails, the retry at 1 s too; the next is due at 3 s.
        #expect(dead.count == 2, "\(dead.count) failed polls of the dead sensor")
    }

    @Test("after offline_after failed reads the part is set up again after a backoff, then read at once and on its grid")
    func reinitialisation() throws {
        let clock = SystemClock()
        let bus = SimulatedI2CBus()
        let start = clock.now()
        // Up for its first reads, then gone for 0.5 s.
        let part = SimulatedOutage(SimulatedLM75(values: { _ in 20 }), from: start + .milliseconds(250),
                                   until: start + .milliseconds(750), clock: clock)
        bus.attach(part, at: 0x48)
        let outcomes = OutcomeLog()
        let worker = I2CBusWorker(
            bus: bus, sensors: [.init(index: 0, id: "s", driver: LM75(), address: 0x48, interval: .milliseconds(100), offlineAfter: 2)],
            clock: clock
        ) { index, outcome in outcomes.append(index, outcome, at: clock.now()) }
        worker.start()
        usleep(2_500_000)
        worker.stop()

        let failures = outcomes.stamps(of: 0, values: false)
        let readings = outcomes.stamps(of: 0, values: true)
        // Two failed reads make it offline; the setup retry 1 s later finds it back.
        #expect(failures.count == 2, "\(outcomes.reasons)")
        #expect(outcomes.reasons.allSatisfy { $0.hasPrefix("read failed: ") })
        let back = try #require(readings.first { $0 > failures.last! })
        let wait = (back - failures.last!).nanoseconds / 1_000_000
        #expect(wait >= 950 && wait < 1_300, "first reading \(wait) ms after the last failure")
        // Then on the 100 ms grid from the start.
        let after = readings.filter { $0 > back }
        #expect(after.count >= 5)
        let offsets = after.map { (($0 - start).nanoseconds / 1_000_000) % 100 }
        #expect(offsets.allSatisfy { $0 < 50 }, "ms past a grid point: \(offsets)")
    }
}

/// Outcomes as the worker delivered them, from its thread.
final class OutcomeLog: @unchecked Sendable {
    private let lock = Mutex()
    private var entries: [(index: Int, outcome: I2CBusWorker.Outcome, at: Timestamp)] = []

    func append(_ index: Int, _ outcome: I2CBusWorker.Outcome, at stamp: Timestamp) {
        lock.withLock { entries.append((index, outcome, stamp)) }
    }

    func stamps(of index: Int, values: Bool) -> [Timestamp] {
        lock.withLock {
            entries.filter { entry in
                guard entry.index == index else { return false }
                if case .values = entry.outcome { return values }
                return !values
            }.map(\.at)
        }
    }

    var reasons: [String] {
        lock.withLock {
            entries.compactMap { entry in
                if case .failed(let reason) = entry.outcome { return reason }
                return nil
            }
        }
    }
}
