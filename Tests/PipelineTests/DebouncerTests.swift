import Pipeline
import SensorgateCore
import Testing

/// One marble case: `raw` is the line's logical level, one character per millisecond
/// (`‾` high, `_` low); an edge happens wherever it changes. `published` is the
/// debounced level the gateway shows after everything due at that millisecond ran.
/// `changes` are the published changes as (level, source timestamp in ms).
struct DebounceMarble: CustomTestStringConvertible, Sendable {
    var name: String
    var periodMs: Int
    var raw: String
    var published: String
    var changes: [(Bool, Int64)]

    var testDescription: String { name }
}

/// Plays a marble the way the event loop drives a debouncer: edges in time order, and
/// the timer armed for `deadline` fired before anything later happens.
func play(_ marble: DebounceMarble) -> (published: String, changes: [(Bool, Int64)]) {
    let levels = marble.raw.map { $0 == "‾" }
    var debouncer = Debouncer(period: .milliseconds(marble.periodMs))
    debouncer.reset(level: levels[0], at: .ms(0))
    var published = ""
    var changes: [(Bool, Int64)] = []
    func record(_ change: LevelChange?) {
        if let change { changes.append((change.level, Int64(change.timestamp.nanoseconds / 1_000_000))) }
    }
    for index in levels.indices {
        let now = Timestamp.ms(Int64(index))
        // Timer first: a deadline at this millisecond fires before an edge stamped here.
        if let deadline = debouncer.deadline, deadline <= now { record(debouncer.poll(now: deadline)) }
        if index > 0 && levels[index] != levels[index - 1] {
            record(debouncer.edge(to: levels[index], at: now))
        }
        if let deadline = debouncer.deadline, deadline <= now { record(debouncer.poll(now: now)) }
        published.append(debouncer.publishedLevel == true ? "‾" : "_")
    }
    return (published, changes)
}

@Suite("Debouncer")
struct DebouncerTests {
    static let marbles: [DebounceMarble] = [
        DebounceMarble(name: "bursts shorter than the period publish nothing", periodMs: 3,
                       raw: "___‾_‾‾_‾_____",
                       published: "______________", changes: []),
        DebounceMarble(name: "a stable change publishes once, stamped with its edge", periodMs: 3,
                       raw: "__‾‾‾‾‾‾‾‾",
                       published: "_____‾‾‾‾‾", changes: [(true, 2)]),
        DebounceMarble(name: "a return to the published level cancels", periodMs: 3,
                       raw: "‾‾__‾‾‾‾‾‾",
                       published: "‾‾‾‾‾‾‾‾‾‾", changes: []),
        DebounceMarble(name: "bounce then stable: stamped with the edge that began the stable period", periodMs: 3,
                       raw: "__‾_‾‾‾‾‾‾",
                       published: "_______‾‾‾", changes: [(true, 4)]),
        DebounceMarble(name: "long toggle storm then stable", periodMs: 3,
                       raw: "_‾_‾_‾_‾_‾_‾_‾_‾‾‾‾‾‾",
                       published: "__________________‾‾‾", changes: [(true, 15)]),
        DebounceMarble(name: "press and release, both stable", periodMs: 3,
                       raw: "__‾‾‾‾‾_________",
                       published: "_____‾‾‾‾‾______", changes: [(true, 2), (false, 7)]),
        DebounceMarble(name: "stable for exactly the period publishes", periodMs: 3,
                       raw: "__‾‾‾_____",
                       published: "_____‾‾‾__", changes: [(true, 2), (false, 5)]),
        DebounceMarble(name: "period 0 publishes every change at once", periodMs: 0,
                       raw: "__‾_‾‾__",
                       published: "__‾_‾‾__", changes: [(true, 2), (false, 3), (true, 4), (false, 6)]),
    ]

    @Test(arguments: marbles)
    func marble(_ marble: DebounceMarble) {
        #expect(marble.raw.count == marble.published.count)
        let result = play(marble)
        #expect(result.published == marble.published)
        #expect(result.changes.map(\.0) == marble.changes.map(\.0))
        #expect(result.changes.map(\.1) == marble.changes.map(\.1))
    }
}

@Suite("Debouncer details")
struct DebouncerDetailTests {
    @Test func deadlineFollowsThePendingEdge() {
        var debouncer = Debouncer(period: .milliseconds(20))
        debouncer.reset(level: false, at: .ms(0))
        #expect(debouncer.deadline == nil)
        #expect(debouncer.edge(to: true, at: .ms(100)) == nil)
        #expect(debouncer.deadline == .ms(120))
        #expect(debouncer.poll(now: .ms(119)) == nil)
        #expect(debouncer.publishedLevel == false)
        #expect(debouncer.poll(now: .ms(120)) == LevelChange(level: true, timestamp: .ms(100)))
        #expect(debouncer.publishedLevel == true)
        #expect(debouncer.deadline == nil)
        #expect(debouncer.poll(now: .ms(500)) == nil)
    }

    @Test func aRepeatedEdgeToThePendingLevelKeepsTheFirstTimestamp() {
        var debouncer = Debouncer(period: .milliseconds(20))
        debouncer.reset(level: false, at: .ms(0))
        _ = debouncer.edge(to: true, at: .ms(100))
        _ = debouncer.edge(to: true, at: .ms(110))  // a missed falling edge in between
        #expect(debouncer.deadline == .ms(120))
        #expect(debouncer.poll(now: .ms(120)) == LevelChange(level: true, timestamp: .ms(100)))
    }

    @Test func anEdgeAfterAnOverdueDeadlinePublishesThePendingChange() {
        // The timer for 20ms was serviced late; the falling edge at 25ms is read first.
        var debouncer = Debouncer(period: .milliseconds(20))
        debouncer.reset(level: false, at: .ms(0))
        #expect(debouncer.edge(to: true, at: .ms(0)) == nil)
        #expect(debouncer.edge(to: false, at: .ms(25)) == LevelChange(level: true, timestamp: .ms(0)))
        #expect(debouncer.publishedLevel == true)
        #expect(debouncer.deadline == .ms(45))
        #expect(debouncer.poll(now: .ms(45)) == LevelChange(level: false, timestamp: .ms(25)))
    }

    @Test func anEdgeExactlyAtTheDeadlineCountsAsStable() {
        var debouncer = Debouncer(period: .milliseconds(20))
        debouncer.reset(level: false, at: .ms(0))
        _ = debouncer.edge(to: true, at: .ms(10))
        #expect(debouncer.edge(to: false, at: .ms(30)) == LevelChange(level: true, timestamp: .ms(10)))
        // One nanosecond earlier and it is a burst.
        var bursting = Debouncer(period: .milliseconds(20))
        bursting.reset(level: false, at: .ms(0))
        _ = bursting.edge(to: true, at: .ms(10))
        #expect(bursting.edge(to: false, at: .ms(30) - .nanoseconds(1)) == nil)
        #expect(bursting.deadline == nil)
        #expect(bursting.publishedLevel == false)
    }

    @Test func withoutResetTheFirstStableLevelIsPublished() {
        var debouncer = Debouncer(period: .milliseconds(5))
        #expect(debouncer.publishedLevel == nil)
        #expect(debouncer.edge(to: false, at: .ms(1)) == nil)
        #expect(debouncer.poll(now: .ms(6)) == LevelChange(level: false, timestamp: .ms(1)))
        #expect(debouncer.publishedLevel == false)

        var immediate = Debouncer(period: .zero)
        #expect(immediate.edge(to: true, at: .ms(3)) == LevelChange(level: true, timestamp: .ms(3)))
    }

    @Test func resetDropsThePendingChange() {
        var debouncer = Debouncer(period: .milliseconds(20))
        debouncer.reset(level: false, at: .ms(0))
        _ = debouncer.edge(to: true, at: .ms(5))
        debouncer.reset(level: true, at: .ms(10))
        #expect(debouncer.deadline == nil)
        #expect(debouncer.poll(now: .ms(100)) == nil)
        #expect(debouncer.publishedLevel == true)
    }

    @Test func periodZeroIgnoresAnEdgeToThePublishedLevel() {
        var debouncer = Debouncer(period: .zero)
        debouncer.reset(level: true, at: .ms(0))
        #expect(debouncer.edge(to: true, at: .ms(1)) == nil)
        #expect(debouncer.deadline == nil)
        #expect(debouncer.edge(to: false, at: .ms(2)) == LevelChange(level: false, timestamp: .ms(2)))
    }

    @Test func aNegativePeriodActsAsZero() {
        var debouncer = Debouncer(period: .milliseconds(-5))
        debouncer.reset(level: false, at: .ms(0))
        #expect(debouncer.period == .zero)
        #expect(debouncer.edge(to: true, at: .ms(1)) == LevelChange(level: true, timestamp: .ms(1)))
    }
}
