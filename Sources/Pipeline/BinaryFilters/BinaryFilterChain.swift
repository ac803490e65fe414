import SensorgateCore

/// A binary input's `filters:` in list order, each on what the one before it passed.
///
/// Time in the chain is source time: a filter's deadline is serviced at that deadline,
/// before any change stamped at or after it reaches the filter (a delay that ends exactly
/// when the next change comes has run out: its change is emitted first). The event
/// loop's timer only says when to look; firing late changes when a change is published,
/// never what or with which stamp. Source time never goes backwards in the chain either:
/// a change stamped before a deadline the chain already serviced (a debounced change is
/// stamped with the edge that began it, which can lie before a delay that ended while
/// the debounce was still deciding) counts as happening at that deadline.
///
/// The chain also keeps what it last emitted, so the published level only ever changes.
public struct BinaryFilterChain: Sendable {
    var stages: [any BinaryFilter]
    /// The latest source time the chain has reached.
    var clock: Timestamp = .zero
    var published: Bool?

    /// How many deadlines one call services at most. A filter due again and again (a
    /// short autorepeat after the loop stalled for minutes) must not keep the event loop
    /// from everything else; what is left is serviced on the next call.
    static let maximumSteps = 1_024

    public init(filters: [any BinaryFilter]) {
        stages = filters
    }

    /// Seeds every filter with the level read when the line was requested; returns the
    /// level to publish at start.
    public mutating func start(level: Bool, at time: Timestamp) -> Bool {
        var current = level
        for index in stages.indices { current = stages[index].start(level: current) }
        clock = time
        published = current
        return current
    }

    /// One debounced change of the input: the changes of the published level it causes,
    /// after every deadline up to its stamp was serviced.
    public mutating func process(_ change: LevelChange) -> [LevelChange] {
        var changes: [LevelChange] = []
        var steps = 0
        // Every filter's deadlines up to this change first, also those of filters the
        // change will not reach.
        service(upTo: change.timestamp, into: &changes, steps: &steps)
        deliver(change, to: 0, into: &changes, steps: &steps)
        return changes
    }

    /// The earliest deadline of a filter, if any.
    public var deadline: Timestamp? {
        var earliest: Timestamp? = nil
        for index in stages.indices {
            if let due = stages[index].deadline, earliest.map({ due < $0 }) ?? true { earliest = due }
        }
        return earliest
    }

    /// Services every deadline at or before `now`, in source-time order; returns the
    /// changes of the published level that causes.
    public mutating func poll(now: Timestamp) -> [LevelChange] {
        var changes: [LevelChange] = []
        var steps = 0
        service(upTo: now, into: &changes, steps: &steps)
        return changes
    }

    /// Polls the filter with the earliest deadline, at that deadline, as long as one is at
    /// or before `limit` (on a tie the filter earlier in the list first): what it emits
    /// goes on down the chain before any later deadline is looked at.
    mutating func service(upTo limit: Timestamp, into changes: inout [LevelChange], steps: inout Int) {
        while steps < Self.maximumSteps {
            var earliest: (index: Int, due: Timestamp)? = nil
            for index in stages.indices {
                if let due = stages[index].deadline, due <= limit, earliest.map({ due < $0.due }) ?? true {
                    earliest = (index, due)
                }
            }
            guard let (index, due) = earliest else { return }
            steps += 1
            if let emitted = stages[index].poll(now: due) { deliver(emitted, to: index + 1, into: &changes, steps: &steps) }
        }
    }

    /// Hands `change` to the filter at `index`, after that filter's own deadlines up to
    /// the change's stamp: every earlier deadline has been serviced, so these are the ones
    /// at the very same time, and a deadline comes before a change at its time.
    mutating func deliver(_ change: LevelChange, to index: Int, into changes: inout [LevelChange], steps: inout Int) {
        if index < stages.count { flush(index, upTo: change.timestamp, into: &changes, steps: &steps) }
        var change = change
        if change.timestamp < clock { change.timestamp = clock }
        clock = change.timestamp
        guard index < stages.count else {
            if published != change.level {
                published = change.level
                changes.append(change)
            }
            return
        }
        if let next = stages[index].process(change) { deliver(next, to: index + 1, into: &changes, steps: &steps) }
    }

    /// Polls the filter at `index` at each of its deadlines up to `limit`; what it emits
    /// goes on down the chain.
    mutating func flush(_ index: Int, upTo limit: Timestamp, into changes: inout [LevelChange], steps: inout Int) {
        while let due = stages[index].deadline, due <= limit, steps < Self.maximumSteps {
            steps += 1
            if let emitted = stages[index].poll(now: due) { deliver(emitted, to: index + 1, into: &changes, steps: &steps) }
        }
    }
}
