import SensorgateCore

/// `- debounce: 20ms`: the input's stable-level debounce (``Debouncer``) at a place in
/// the list, for a second debounce after another filter (after `settle`, say). A change
/// is passed once the level has held for the period, stamped with the change that began
/// it, as the input's own `debounce:` does.
public struct DebounceFilter: ConfigurableBinaryFilter {
    @usableFromInline var debouncer: Debouncer

    public init(period: Interval) { debouncer = Debouncer(period: period) }

    public mutating func start(level: Bool) -> Bool {
        debouncer.reset(level: level, at: .zero)
        return level
    }

    public mutating func process(_ change: LevelChange) -> LevelChange? {
        debouncer.edge(to: change.level, at: change.timestamp)
    }

    public var deadline: Timestamp? { debouncer.deadline }

    public mutating func poll(now: Timestamp) -> LevelChange? { debouncer.poll(now: now) }
}

extension DebounceFilter {
    public static let syntax = FilterSyntax(
        [FilterParameter("period", .duration(FilterParameter.periods), required: true)],
        shorthand: "period", example: "{ debounce: 20ms }")

    public init(settings: FilterSettings) { self.init(period: settings.duration("period") ?? .zero) }
}
