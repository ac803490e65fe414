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
}
