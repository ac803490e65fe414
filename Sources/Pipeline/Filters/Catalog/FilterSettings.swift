import SensorgateCore

/// A filter's decoded settings by name, defaults filled in. The accessors return nil for
/// a missing setting or one of another kind; a filter's factory falls back to a safe value
/// then (the profile decoder has already refused such settings).
public struct FilterSettings: Sendable, Equatable {
    public private(set) var values: [String: FilterValue]

    public init(_ values: [String: FilterValue] = [:]) {
        self.values = values
    }

    public subscript(name: String) -> FilterValue? {
        get { values[name] }
        set { values[name] = newValue }
    }

    public func integer(_ name: String) -> Int? {
        if case .integer(let value) = values[name] { return value }
        return nil
    }

    /// A number; an integer setting reads as a number too.
    public func number(_ name: String) -> Double? {
        switch values[name] {
        case .number(let value): return value
        case .integer(let value): return Double(value)
        default: return nil
        }
    }

    public func duration(_ name: String) -> Interval? {
        if case .duration(let value) = values[name] { return value }
        return nil
    }

    public func boolean(_ name: String) -> Bool? {
        if case .boolean(let value) = values[name] { return value }
        return nil
    }

    public func choice(_ name: String) -> String? {
        if case .choice(let value) = values[name] { return value }
        return nil
    }

    public func numbers(_ name: String) -> [Double]? {
        if case .numbers(let value) = values[name] { return value }
        return nil
    }

    public func points(_ name: String) -> [FilterPoint]? {
        if case .points(let value) = values[name] { return value }
        return nil
    }

    public func filters(_ name: String) -> [FilterConfiguration]? {
        if case .filters(let value) = values[name] { return value }
        return nil
    }
}
