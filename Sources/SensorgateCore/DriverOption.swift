/// A setting a driver declares and a profile sets in a sensor's `options:` mapping.
///
/// The profile decoder validates every option against its declaration, so a driver adds
/// a setting by declaring it here and reading it in its factory; the decoder has no
/// per-driver code.
public struct DriverOption: Sendable, Equatable {
    /// What values the option takes.
    public enum Kind: Sendable, Equatable {
        /// One of these words.
        case choice([String])
        /// An integer in the range.
        case integer(ClosedRange<Int>)
        /// A finite number in the range.
        case number(ClosedRange<Double>)
        /// A duration (`20ms`, `1s`) in the range.
        case duration(ClosedRange<Interval>)
        /// `true` or `false`.
        case boolean
        /// A list of register writes (`{ register, value, width, byte_order }`): a
        /// declarative part's setup, see ``RegisterMap``.
        case registerWrites
        /// A list of register channels (`{ name, register, width, ... }`), at least one:
        /// what a declarative part measures, see ``RegisterMap``.
        case registerChannels
    }

    /// The key under `options:`, e.g. `repeatability`.
    public var name: String
    public var kind: Kind
    /// What a profile that leaves the option out gets; of the same kind.
    public var defaultValue: DriverOptionValue
    /// One line: what the option changes on the part.
    public var meaning: String
    /// Whether a profile must give the option: a driver that is nothing without it (a
    /// declarative part's channels). Its ``defaultValue`` is then an example, what
    /// `sensorgate drivers` shows and the catalog's own checks run with.
    public var isRequired: Bool

    public init(name: String, kind: Kind, defaultValue: DriverOptionValue, meaning: String, isRequired: Bool = false) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.meaning = meaning
        self.isRequired = isRequired
    }

    /// Whether `value` is of this option's kind and within its range.
    public func accepts(_ value: DriverOptionValue) -> Bool {
        switch (kind, value) {
        case (.choice(let words), .choice(let word)): words.contains(word)
        case (.integer(let range), .integer(let number)): range.contains(number)
        case (.number(let range), .number(let number)): range.contains(number)
        case (.duration(let range), .duration(let interval)): range.contains(interval)
        case (.boolean, .boolean): true
        case (.registerWrites, .registerWrites): true
        case (.registerChannels, .registerChannels(let channels)): !channels.isEmpty
        default: false
        }
    }
}

extension DriverOption.Kind: CustomStringConvertible {
    /// As `sensorgate drivers` lists it: `high|medium|low`, `integer 1...16`, `boolean`.
    public var description: String {
        switch self {
        case .choice(let words): words.joined(separator: "|")
        case .integer(let range): "integer \(range.lowerBound)...\(range.upperBound)"
        case .number(let range): "number \(range.lowerBound)...\(range.upperBound)"
        case .duration(let range): "duration \(range.lowerBound)...\(range.upperBound)"
        case .boolean: "boolean"
        case .registerWrites: "list of register writes"
        case .registerChannels: "list of register channels"
        }
    }
}

/// The value of one driver option.
public enum DriverOptionValue: Sendable, Equatable, CustomStringConvertible {
    case choice(String)
    case integer(Int)
    case number(Double)
    case duration(Interval)
    case boolean(Bool)
    case registerWrites([RegisterMap.Write])
    case registerChannels([RegisterMap.Channel])

    /// As a profile writes it: `high`, `4`, `0.5`, `20ms`, `false`; a register list as
    /// a summary (`2 writes`, `[temperature, humidity]`).
    public var description: String {
        switch self {
        case .choice(let word): word
        case .integer(let number): String(number)
        case .number(let number): String(number)
        case .duration(let interval): interval.description
        case .boolean(let flag): flag ? "true" : "false"
        case .registerWrites(let writes): writes.count == 1 ? "1 write" : "\(writes.count) writes"
        case .registerChannels(let channels): "[" + channels.map(\.name).joined(separator: ", ") + "]"
        }
    }
}

/// The options one sensor's driver is built with: what the profile set, the declared
/// default for the rest.
public struct DriverOptions: Sendable, Equatable {
    /// Only what the profile set, by option name.
    public private(set) var given: [String: DriverOptionValue]

    public init(_ given: [String: DriverOptionValue] = [:]) {
        self.given = given
    }

    /// The profile's value of `option`, else its default.
    public func value(of option: DriverOption) -> DriverOptionValue {
        given[option.name] ?? option.defaultValue
    }

    /// The word chosen for a `.choice` option (the default if the value is of another kind).
    public func choice(_ option: DriverOption) -> String {
        if case .choice(let word) = value(of: option) { return word }
        if case .choice(let word) = option.defaultValue { return word }
        return ""
    }

    /// The flag of a `.boolean` option (the default if the value is of another kind).
    public func boolean(_ option: DriverOption) -> Bool {
        if case .boolean(let flag) = value(of: option) { return flag }
        if case .boolean(let flag) = option.defaultValue { return flag }
        return false
    }

    /// The value of an `.integer` option (the default if the value is of another kind).
    public func integer(_ option: DriverOption) -> Int {
        if case .integer(let number) = value(of: option) { return number }
        if case .integer(let number) = option.defaultValue { return number }
        return 0
    }

    /// The value of a `.number` option (the default if the value is of another kind).
    public func number(_ option: DriverOption) -> Double {
        if case .number(let number) = value(of: option) { return number }
        if case .number(let number) = option.defaultValue { return number }
        return 0
    }

    /// The writes of a `.registerWrites` option (the default if the value is of another kind).
    public func registerWrites(_ option: DriverOption) -> [RegisterMap.Write] {
        if case .registerWrites(let writes) = value(of: option) { return writes }
        if case .registerWrites(let writes) = option.defaultValue { return writes }
        return []
    }

    /// The channels of a `.registerChannels` option (the default if the value is of another kind).
    public func registerChannels(_ option: DriverOption) -> [RegisterMap.Channel] {
        if case .registerChannels(let channels) = value(of: option) { return channels }
        if case .registerChannels(let channels) = option.defaultValue { return channels }
        return []
    }

    /// The value of a `.duration` option (the default if the value is of another kind).
    public func duration(_ option: DriverOption) -> Interval {
        if case .duration(let interval) = value(of: option) { return interval }
        if case .duration(let interval) = option.defaultValue { return interval }
        return .nanoseconds(0)
    }
}
