import Pipeline
import PropertyBased
import SensorgateCore
import Testing

/// Invariants of the binary filters over generated level timelines (swift-property-based).
@Suite("Binary filter properties")
struct BinaryFilterProperties {
    /// The input's level at `ms` (a change at `ms` counts as done).
    static func level(at ms: Int64, initial: Bool, _ input: [(Int64, Bool)]) -> Bool {
        input.last(where: { $0.0 <= ms })?.1 ?? initial
    }

    /// Whether the input changed in the open span (`from`, `to`).
    static func changed(between from: Int64, and to: Int64, _ input: [(Int64, Bool)]) -> Bool {
        input.contains { $0.0 > from && $0.0 < to }
    }

    @Test("debounce never publishes a level that was not stable for the period, and ends at the input's last level")
    func debounce() async {
        await propertyCheck(count: 300, input: Gen.int(in: 1...50), Gen.bool,
                            Timelines.changes(count: 1...200, maxGap: 80, initial: false)) { period, initial, generated in
            // The generated changes start from `false`; flipping them all starts them from `true`.
            let input = initial ? generated.map { ($0.0, !$0.1) } : generated
            let run = BinaryFilterMarble.run([DebounceFilter(period: .milliseconds(period))], initial: initial, input,
                                             until: input.last!.0 + 1_000)
            let held = Int64(period)
            var previous = initial
            for change in run.changes {
                #expect(change.level != previous)
                previous = change.level
                // Stamped with the change that began it, and held for the whole period after it.
                #expect(Self.level(at: change.ms, initial: initial, input) == change.level)
                #expect(!Self.changed(between: change.ms, and: change.ms + held, input), "period \(period): \(change)")
            }
            #expect(previous == input.last!.1)
        }
    }

    @Test("delayed_on never publishes on before the input was on for the period, and publishes every on held that long")
    func delayedOn() async {
        await propertyCheck(count: 300, input: Gen.int(in: 1...200),
                            Timelines.changes(count: 1...200, maxGap: 300, initial: false)) { period, input in
            let held = Int64(period)
            let run = BinaryFilterMarble.run([DelayedOnFilter(period: .milliseconds(period))], input,
                                             until: input.last!.0 + 1_000)
            for change in run.changes {
                if change.level {
                    #expect(Self.level(at: change.ms - held, initial: false, input))
                    #expect(!Self.changed(between: change.ms - held, and: change.ms, input), "period \(period): \(change)")
                } else {
                    // An off is never delayed: the input went off at that very time.
                    #expect(input.contains { $0.0 == change.ms && !$0.1 })
                }
            }
            let longEnough = zip(input, input.dropFirst()).filter { $0.0.1 && $0.1.0 - $0.0.0 >= held }.count
                + (input.last!.1 ? 1 : 0)
            #expect(run.changes.filter(\.level).count == longEnough)
        }
    }

    @Test("settle passes a change at once, then nothing for the period, and ends a hold-off only on a stable level")
    func settle() async {
        await propertyCheck(count: 300, input: Gen.int(in: 1...100),
                            Timelines.changes(count: 1...200, maxGap: 150, initial: false)) { period, input in
            let held = Int64(period)
            let run = BinaryFilterMarble.run([SettleFilter(period: .milliseconds(period))], input,
                                             until: input.last!.0 + 1_000)
            func passedAtOnce(_ change: BinaryFilterMarble.Change) -> Bool {
                input.contains { $0.0 == change.ms && $0.1 == change.level }
            }
            for change in run.changes where !passedAtOnce(change) {
                #expect(!Self.changed(between: change.ms - held, and: change.ms, input), "period \(period): \(change)")
                #expect(Self.level(at: change.ms - 1, initial: false, input) == change.level)
            }
            for (a, b) in zip(run.changes, run.changes.dropFirst()) where passedAtOnce(a) {
                #expect(b.ms - a.ms >= held, "period \(period): \(a) then \(b)")
            }
            #expect(run.changes.last?.level ?? false == input.last!.1)
        }
    }

    @Test("a chain's output does not depend on how late its timer fires")
    func lateness() async {
        await propertyCheck(count: 100, input: Gen.int(in: 1...300),
                            Timelines.changes(count: 1...100, maxGap: 400, initial: true)) { lateness, input in
            func filters() -> [any BinaryFilter] {
                [SettleFilter(period: .milliseconds(30)), DelayedOnOffFilter(on: .milliseconds(50), off: .milliseconds(70)),
                 InvertFilter(), AutorepeatFilter(delay: .milliseconds(200), timeOff: .milliseconds(20), timeOn: .milliseconds(40))]
            }
            let until = input.last!.0 + 2_000
            let onTime = BinaryFilterMarble.run(filters(), initial: true, input, until: until)
            let late = BinaryFilterMarble.run(filters(), initial: true, input, until: until + Int64(lateness), lateness: Int64(lateness))
            // The late run goes on `lateness` longer (an autorepeat of a level left on keeps
            // going): up to `until`, both must be the same, stamped the same.
            #expect(late.start == onTime.start)
            #expect(late.changes.filter { $0.ms <= until } == onTime.changes, "\(lateness) ms late")
            for (a, b) in zip(onTime.changes, onTime.changes.dropFirst()) {
                #expect(a.level != b.level && a.ms <= b.ms)
            }
        }
    }
}
