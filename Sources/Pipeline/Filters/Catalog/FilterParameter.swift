import SensorgateCore

/// One setting a filter takes in the profile, declared by the filter: the profile
/// decoder checks every value against its kind, so a filter's own file declares its
/// syntax and nothing else has to know it.
public struct FilterParameter: Sendable {
    public enum Kind: Sendable {
        /// A whole number within the range.
        case integer(ClosedRange<Int>)
        /// A finite number within the range.
        case number(ClosedRange<Double>)
        /// A duration such as `30s` within the range.
        case duration(ClosedRange<Interval>)
        case boolean
        /// A number or a list of numbers, `nan` accepted in place of a number.
        case numbers(count: ClosedRange<Int>)
        /// A list of `[x, y]` pairs.
        case points(count: ClosedRange<Int>)
        /// A nested list of filters, each decoded like an entry of `filters:`.
        case filters(count: ClosedRange<Int>)
        /// A finite number or one of these words.
        case numberOrChoice([String])
    }

    public var name: String
    public var kind: Kind
    /// The value when the profile leaves the setting out; nil for a required setting or
    /// one whose absence means something (the filter reads it as optional).
    public var defaultValue: FilterValue?
    public var isRequired: Bool

    public init(_ name: String, _ kind: Kind, default defaultValue: FilterValue? = nil, required isRequired: Bool = false) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.isRequired = isRequired
    }
}

/// A problem with a filter's settings that no single setting's kind catches (`min`
/// above `max`): reported at `key`, or at the filter when nil.
public struct FilterSettingsProblem: Sendable, Equatable {
    public var key: String?
    public var message: String

    public init(at key: String?, _ message: String) {
        self.key = key
        self.message = message
    }
}

/// How a filter is written in the profile: its settings, which one a bare value stands
/// for (`{ median: 5 }` is `{ median: { size: 5 } }`), an example for messages, and the
/// checks across settings.
public struct FilterSyntax: Sendable {
    public var parameters: [FilterParameter]
    /// The setting a value that is not a mapping stands for, if the filter has a short form.
    public var shorthand: String?
    /// How the filter reads in a profile, for messages: `{ median: 5 }`.
    public var example: String
    public var check: @Sendable (FilterSettings) -> FilterSettingsProblem?

    public init(_ parameters: [FilterParameter], shorthand: String? = nil, example: String,
                check: @escaping @Sendable (FilterSettings) -> FilterSettingsProblem? = { _ in nil }) {
        self.parameters = parameters
        self.shorthand = shorthand
        self.example = example
        self.check = check
    }

    public func parameter(named name: String) -> FilterParameter? {
        parameters.first { $0.name == name }
    }
}

extension FilterParameter {
    /// The periods a time-based filter accepts: 1ms to 24h.
    public static let periods = Interval.milliseconds(1)...Interval.seconds(86_400)
}
