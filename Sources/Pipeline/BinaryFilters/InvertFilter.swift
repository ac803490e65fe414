/// `- invert`: publishes the opposite level, the level read at start included.
///
/// `gpio.active_low` inverts the line itself (edge metrics and counters see it too);
/// `invert` inverts only the published level, at its place in the list.
public struct InvertFilter: ConfigurableBinaryFilter {
    public init() {}

    public mutating func start(level: Bool) -> Bool { !level }

    @inlinable
    public mutating func process(_ change: LevelChange) -> LevelChange? {
        LevelChange(level: !change.level, timestamp: change.timestamp)
    }
}

extension InvertFilter {
    public static let syntax = FilterSyntax([], example: "- invert")

    public init(settings: FilterSettings) { self.init() }
}
