import Pipeline
import SensorgateCore
import Testing

/// Invariants of the binary filters over many generated timelines (seeded xorshift, so a
/// failure repeats).
@Suite("Binary filter invariants")
struct BinaryFilterInvariantTests {
    /// Alternating changes at random gaps of 1...`maxGap` ms, starting from `initial`.
    static func changes(_ random: inout XorShift, count: Int, maxGap: Int, initial: Bool) -> [(Int64, Bool)] {
        var t: Int64 = 0
        var level = initial
        return (0..<count).map { _ in
            t += Int64(1 + random.next(below: maxGap))
            level.toggle()
            return (t, level)
        }
    }

    /// The input's level at `ms` (a change at `ms` counts as done).
    static func level(at ms: Int64, initial: Bool, _ input: [(Int64, Bool)]) -> Bool {
        input.last(where: { $0.0 <= ms })?.1 ?? initial
    }

    /// Whether the input changed in the open span (`from`, `to`).
    static func changed(between from: Int64, and to: Int64, _ input: [(Int64, Bool)]) -> Bool {
        input.contains { $0.0 > from && $0.0 < to }
    }

    @Test func debounceNeverEmitsALevelThatWasNotStableForThePeriod() {
        var random = XorShift(state: 0xDEB0_0CE)
        for _ in 0..<300 {
            let period = Int64(1 + random.next(below: 50))
            let initial = random.next(below: 2) == 0
            let input = Self.changes(&random, count: 200, maxGap: 80, initial: initial)
            let run = BinaryFilterMarble.run([DebounceFilter(period: .milliseconds(Int(period)))], initial: initial, input,
                                             until: input.last!.0 + 1_000)
            var previous = initial
            for change in run.changes {
                #expect(change.level != previous)
                previous = change.level
                // Stamped with the change that began it, and held for the whole period after it.
                #expect(Self.level(at: change.ms, initial: initial, input) == change.level)
                #expect(!Self.changed(between: change.ms, and: change.ms + period, input), "period \(period): \(change)")
            }
            // Whatever the input settles at is published in the end.
            #expect(previous == input.last!.1)
        }
    }

    @Test func delayedOnNeverEmitsOnBeforeTheLevelWasOnForThePeriod() {
        var random = XorShift(state: 0x0DE1_A7ED)
        for _ in 0..<300 {
            let period = Int64(1 + random.next(below: 200))
            let input = Self.changes(&random, count: 200, maxGap: 300, initial: false)
            let run = BinaryFilterMarble.run([DelayedOnFilter(period: .milliseconds(Int(period)))], input,
                                             until: input.last!.0 + 1_000)
            for change in run.changes {
                if change.level {
                    // On throughout the period before: on at its start, no change inside it.
                    #expect(Self.level(at: change.ms - period, initial: false, input))
                    #expect(!Self.changed(between: change.ms - period, and: change.ms, input), "period \(period): \(change)")
                } else {
                    // An off is never delayed: the input went off at that very time.
                    #expect(input.contains { $0.0 == change.ms && !$0.1 })
                }
            }
            // Every on held for the period is published: count them from the input.
            let held = zip(input, input.dropFirst()).filter { $0.0.1 && $0.1.0 - $0.0.0 >= period }.count
                + (input.last!.1 ? 1 : 0)
            #expect(run.changes.filter(\.level).count == held)
        }
    }

    @Test func settlePassesAChangeAtOnceThenNothingForThePeriodAndEndsAHoldOffOnlyOnAStableLevel() {
        var random = XorShift(state: 0x5E77_1E)
        for _ in 0..<300 {
            let period = Int64(1 + random.next(below: 100))
            let input = Self.changes(&random, count: 200, maxGap: 150, initial: false)
            let run = BinaryFilterMarble.run([SettleFilter(period: .milliseconds(Int(period)))], input,
                                             until: input.last!.0 + 1_000)
            func passedAtOnce(_ change: BinaryFilterMarble.Change) -> Bool {
                input.contains { $0.0 == change.ms && $0.1 == change.level }
            }
            for change in run.changes where !passedAtOnce(change) {
                // The end of a hold-off: the input had not changed for the whole period.
                #expect(!Self.changed(between: change.ms - period, and: change.ms, input), "period \(period): \(change)")
                #expect(Self.level(at: change.ms - 1, initial: false, input) == change.level)
            }
            for (a, b) in zip(run.changes, run.changes.dropFirst()) where passedAtOnce(a) {
                #expect(b.ms - a.ms >= period, "period \(period): \(a) then \(b)")
            }
            #expect(run.changes.last?.level ?? false == input.last!.1)
        }
    }

    @Test func theChainsOutputDoesNotDependOnTheTimersLateness() {
        var random = XorShift(state: 0xC4A1_17)
        for _ in 0..<100 {
            func filters() -> [any BinaryFilter] {
                [SettleFilter(period: .milliseconds(30)), DelayedOnOffFilter(on: .milliseconds(50), off: .milliseconds(70)),
                 InvertFilter(), AutorepeatFilter(delay: .milliseconds(200), timeOff: .milliseconds(20), timeOn: .milliseconds(40))]
            }
            let input = Self.changes(&random, count: 100, maxGap: 400, initial: true)
            let until = input.last!.0 + 2_000
            let onTime = BinaryFilterMarble.run(filters(), initial: true, input, until: until)
            let lateness = Int64(1 + random.next(below: 300))
            let late = BinaryFilterMarble.run(filters(), initial: true, input, until: until + lateness, lateness: lateness)
            #expect(late == onTime, "\(lateness) ms late")
            for (a, b) in zip(onTime.changes, onTime.changes.dropFirst()) {
                #expect(a.level != b.level && a.ms <= b.ms)
            }
        }
    }
}
