import SensorgateCore

/// `{ or: [ { throttle: 10m }, { delta: 0.5 } ] }`: several send policies combined. Every
/// inner filter sees every reading (so each keeps its own state); the reading passes if
/// any of them passes it, as the first one in list order that did changed it. Timers of
/// inner filters (a heartbeat) work the same way: the first that emits wins.
public struct OrFilter: ConfigurableFilter {
    @usableFromInline var filters: [any ReadingFilter]

    public init(_ filters: [any ReadingFilter]) { self.filters = filters }

    public mutating func process(_ reading: Reading) -> Reading? {
        var passed: Reading? = nil
        for index in filters.indices {
            if let result = filters[index].process(reading), passed == nil { passed = result }
        }
        return passed
    }

    public var deadline: Timestamp? {
        var earliest: Timestamp? = nil
        for filter in filters {
            if let due = filter.deadline, earliest.map({ due < $0 }) ?? true { earliest = due }
        }
        return earliest
    }

    public mutating func poll(now: Timestamp) -> Reading? {
        var emitted: Reading? = nil
        for index in filters.indices {
            guard let due = filters[index].deadline, due <= now else { continue }
            if let result = filters[index].poll(now: now), emitted == nil { emitted = result }
        }
        return emitted
    }
}

extension OrFilter {
    public static let syntax = FilterSyntax([FilterParameter("filters", .filters(count: 2...10), required: true)],
                                            shorthand: "filters", example: "{ or: [ { throttle: 10m }, { delta: 0.5 } ] }")

    public init(settings: FilterSettings) {
        self.init((settings.filters("filters") ?? []).compactMap(FilterCatalog.make))
    }

    /// The shortest period of an inner filter that has one.
    public static func publishingPeriod(after input: Interval?, _ settings: FilterSettings) -> Interval? {
        var shortest: Interval? = nil
        for filter in settings.filters("filters") ?? [] {
            if let period = FilterCatalog.publishingPeriod(of: [filter], input: input), shortest.map({ period < $0 }) ?? true {
                shortest = period
            }
        }
        return shortest
    }
}
