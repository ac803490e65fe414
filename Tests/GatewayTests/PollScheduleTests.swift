import SensorDrivers
import SensorgateCore
import Simulation
import Testing

@testable import Gateway

@Suite("Poll schedule")
struct PollScheduleTests {
    @Test("a 1 s poll for a simulated hour keeps every deadline on the grid, whatever the reads take")
    func oneHourWithoutDrift() {
        let clock = ManualClock()
        let start = clock.now()
        let interval = Interval.seconds(1)
        var random = SplitMix64(seed: 7)
        var due = start
        for slot in 1...3600 {
            clock.set(due)
            // A read takes 0.2 ms ... 900 ms, as a slow conversion or a retried transfer may.
            clock.advance(by: .microseconds(200 + Int(random.next() % 899_800)))
            due = PollSchedule.next(after: due, interval: interval, now: clock.now())
            #expect(due == start + interval * Int64(slot), "slot \(slot)")
        }
        #expect(due - start == .seconds(3600))
    }

    @Test("slots missed by an overrunning read are skipped, and the grid is kept")
    func overrun() {
        let start = Timestamp(nanoseconds: 5_000_000_000)
        // A read that ends 3.5 s after its slot: slots +1 s, +2 s and +3 s have passed.
        let next = PollSchedule.next(after: start, interval: .seconds(1), now: start + .milliseconds(3_500))
        #expect(next == start + .seconds(4))
        // Ending exactly on a grid point polls at that point.
        #expect(PollSchedule.next(after: start, interval: .seconds(1), now: start + .seconds(2)) == start + .seconds(2))
    }

    @Test("sensors sharing an interval on a bus are spread over it, at most ten positions; other intervals apart")
    func phaseOffsets() {
        let second = Interval.seconds(1)
        #expect(PollSchedule.phaseOffsets(for: [second]) == [.zero])
        #expect(PollSchedule.phaseOffsets(for: [second, second]) == [.zero, .milliseconds(500)])
        let eleven = PollSchedule.phaseOffsets(for: Array(repeating: second, count: 11))
        #expect(eleven == (0..<10).map { Interval.milliseconds(100 * $0) } + [.zero])
        let mixed = PollSchedule.phaseOffsets(for: [second, .seconds(60), second, .seconds(60), .seconds(60)])
        #expect(mixed == [.zero, .zero, .milliseconds(500), .seconds(20), .seconds(40)])
    }

    @Test("a phase still ahead is the next poll; once passed, the grid goes on from it")
    func upcoming() {
        let start = Timestamp(nanoseconds: 2_000_000_000)
        let interval = Interval.seconds(60)
        // Set up at the start, the first grid point 30 s later (so close after boot that
        // the point before it would be before the clock's zero).
        #expect(PollSchedule.upcoming(start + .seconds(30), interval: interval, now: start + .milliseconds(5)) == start + .seconds(30))
        #expect(PollSchedule.upcoming(start + .seconds(30), interval: interval, now: start + .seconds(31)) == start + .seconds(90))
        #expect(PollSchedule.upcoming(start, interval: interval, now: start) == start + interval)
    }

    @Test("every sensor is read at once, then on its own phase of the interval, each poll on its deadline")
    func spreadGrids() throws {
        let clock = ManualClock()
        let start = clock.now()
        let bus = SimulatedI2CBus()
        for address in UInt8(0x48)...0x4A { bus.attach(SimulatedLM75(values: { _ in 20 }), at: address) }
        let readings = ReadingTimes()
        let polls = SensorPolls(
            bus: bus,
            sensors: (0..<3).map { .init(index: $0, id: "s\($0)", driver: LM75(), address: 0x48 + UInt8($0), interval: .seconds(3)) },
            clock: clock
        ) { index, outcome in
            if case .values(_, let stamp) = outcome { readings.append(index, stamp) }
        }
        var lateness = PollLateness()
        // 1 ms passes after each poll, as if the worker had other work.
        for _ in 0..<12 {
            let due = try #require(polls.nextDue)
            if due > clock.now() { clock.set(due) }
            polls.pollNext(lateness: &lateness)
            clock.advance(by: .milliseconds(1))
        }
        let ms = readings.all.map { ($0.index, Int(($0.stamp - start).nanoseconds / 1_000_000)) }
        // The first round back to back, then 1 s apart, each on its slot.
        #expect(ms.prefix(6).map(\.0) == [0, 1, 2, 1, 2, 0])
        #expect(ms.prefix(6).map(\.1) == [0, 1, 2, 1000, 2000, 3000])
        #expect(ms.count == 12)
        #expect(lateness.count == 9 && lateness.maximum == .zero, "polls after the first start on their deadlines")
    }
}

final class ReadingTimes: @unchecked Sendable {
    private let lock = Mutex()
    private var entries: [(index: Int, stamp: Timestamp)] = []
    func append(_ index: Int, _ stamp: Timestamp) { lock.withLock { entries.append((index, stamp)) } }
    var all: [(index: Int, stamp: Timestamp)] { lock.withLock { entries } }
}
