import Pipeline
import SensorgateCore

/// Marble-style runs of binary filters on a manual clock: the input timeline (changes of
/// the debounced level at milliseconds), the published timeline (changes at the
/// milliseconds they are stamped with).
///
/// The clock behaves as the event loop does: the timer armed for the chain's deadline
/// fires `lateness` after it (or, if a change comes first, the change is handled first),
/// and after the last change the timer keeps firing until `until`.
enum BinaryFilterMarble {
    struct Change: Equatable, CustomStringConvertible {
        var ms: Int64
        var level: Bool
        var description: String { "\(level ? "on" : "off")@\(ms)ms" }
    }

    struct Run: Equatable {
        /// The level published at start.
        var start: Bool
        var changes: [Change]
    }

    static func run(_ filters: [any BinaryFilter], initial: Bool = false, _ input: [(Int64, Bool)],
                    until: Int64? = nil, lateness: Int64 = 0) -> Run {
        var chain = BinaryFilterChain(filters: filters)
        let start = chain.start(level: initial, at: .ms(0))
        var out: [Change] = []
        func record(_ changes: [LevelChange]) {
            out += changes.map { Change(ms: Int64($0.timestamp.nanoseconds / 1_000_000), level: $0.level) }
        }
        func fire(before limit: Int64, inclusive: Bool) {
            var guardCount = 0
            while let due = chain.deadline, guardCount < 100_000 {
                let firesAt = Int64(due.nanoseconds / 1_000_000) + lateness
                guard inclusive ? firesAt <= limit : firesAt < limit else { break }
                guardCount += 1
                record(chain.poll(now: .ms(firesAt)))
            }
        }
        for (ms, level) in input {
            fire(before: ms, inclusive: false)
            record(chain.process(LevelChange(level: level, timestamp: .ms(ms))))
        }
        if let until { fire(before: until, inclusive: true) }
        return Run(start: start, changes: out)
    }
}

/// `[(ms, level)]` as published changes, for expected timelines.
func published(_ pairs: [(Int64, Bool)]) -> [BinaryFilterMarble.Change] {
    pairs.map { BinaryFilterMarble.Change(ms: $0.0, level: $0.1) }
}
