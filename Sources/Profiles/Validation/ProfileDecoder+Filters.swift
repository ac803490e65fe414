import Pipeline
import SensorgateCore

extension ProfileDecoder {
    /// `filters:`, a list of one-key mappings, each a name from ``FilterCatalog`` checked
    /// against that filter's own ``FilterSyntax``. `count` bounds a nested list (`or`).
    func decodeFilters(_ field: Field, count: ClosedRange<Int>? = nil) -> [FilterSpec]? {
        guard let items = validator.sequence(field, what: "a list of filters") else { return nil }
        if let count, !count.contains(items.count) {
            validator.expected("a list of \(count.lowerBound) to \(count.upperBound) filters", field)
            return nil
        }
        var filters: [FilterSpec] = []
        var failed = false
        for item in items {
            if let filter = decodeFilter(item) { filters.append(filter) } else { failed = true }
        }
        // A nested list is all or nothing: an `or` missing a policy would mean something else.
        return count != nil && failed ? nil : filters
    }

    private func decodeFilter(_ item: Field) -> FilterSpec? {
        let what = "a filter such as { median: 5 }, { delta: 0.1 } or { throttle: 10s }"
        guard case .mapping(let pairs) = item.node.value, let pair = pairs.first else {
            validator.expected(what, item)
            return nil
        }
        guard pairs.count == 1 else {
            let names = pairs.map { "'\($0.key)'" }.joined(separator: ", ")
            validator.report(at: item.location, item.path,
                             "expected one filter per list entry, got \(pairs.count) keys (\(names))")
            return nil
        }
        guard let entry = FilterCatalog.entry(named: pair.key) else {
            // The catalog grows with every filter: the message points at the table instead.
            validator.report(at: pair.keyLocation, item.path,
                             "unknown filter '\(KeyPath.shown(pair.key))', expected a filter of the table in DeviceProfiles/README.md (Filters) such as median, delta or throttle"
                                 + DidYouMean.hint(for: pair.key, among: FilterCatalog.names))
            return nil
        }
        let field = Field(node: pair.value, path: KeyPath.child(item.path, pair.key))
        return decodeSettings(field, name: entry.name, syntax: entry.syntax).map { FilterSpec(entry.name, $0) }
    }

    /// The settings of one filter: a mapping of its parameters, or a bare value for its
    /// shorthand parameter. Defaults are filled in; nil if anything was wrong. The binary
    /// filters of an input are written the same way.
    func decodeSettings(_ field: Field, name: String, syntax: FilterSyntax) -> FilterSettings? {
        var settings = FilterSettings()
        var located: [String: Field] = [:]
        var isMapping = false
        if case .mapping = field.node.value { isMapping = true }
        if isMapping || syntax.shorthand == nil {
            guard let mapping = validator.mapping(field, keys: syntax.parameters.map(\.name),
                                                  what: "a mapping such as \(syntax.example)") else { return nil }
            var failed = false
            for parameter in syntax.parameters {
                guard let value = mapping.optional(parameter.name) else {
                    if parameter.isRequired {
                        validator.report(at: field.location, field.path,
                                         "missing required key '\(parameter.name)' of filter \(name) (\(syntax.example))")
                        failed = true
                    }
                    continue
                }
                located[parameter.name] = value
                if let decoded = decodeValue(value, parameter.kind) { settings[parameter.name] = decoded } else { failed = true }
            }
            if failed { return nil }
        } else if let shorthand = syntax.shorthand, let parameter = syntax.parameter(named: shorthand) {
            guard let decoded = decodeValue(field, parameter.kind, example: syntax.example) else { return nil }
            located[shorthand] = field
            settings[shorthand] = decoded
            if let missing = syntax.parameters.first(where: { $0.isRequired && $0.name != shorthand }) {
                validator.report(at: field.location, field.path,
                                 "missing required key '\(missing.name)' of filter \(name) (\(syntax.example))")
                return nil
            }
        }
        for parameter in syntax.parameters where settings[parameter.name] == nil {
            settings[parameter.name] = parameter.defaultValue
        }
        if let problem = syntax.check(settings) {
            let place = problem.key.flatMap { located[$0] } ?? field
            validator.report(at: place.location, place.path, problem.message)
            return nil
        }
        return settings
    }

    /// One setting's value, read as its kind.
    private func decodeValue(_ field: Field, _ kind: FilterParameter.Kind, example: String? = nil) -> FilterValue? {
        switch kind {
        case .integer(let range):
            return validator.integer(field, in: range).map(FilterValue.integer)
        case .number(let range):
            return validator.number(field, Self.describe(range), where: range.contains).map(FilterValue.number)
        case .duration(let range):
            return validator.duration(field, in: range).map(FilterValue.duration)
        case .boolean:
            return validator.bool(field).map(FilterValue.boolean)
        case .numberOrChoice(let words):
            if let text = field.node.scalarText, words.contains(text) { return .choice(text) }
            let what = "a number or " + Self.orList(words)
            return validator.number(field, what, where: { $0.isFinite }).map(FilterValue.number)
        case .numbers(let count):
            let items: [Field]
            if case .sequence = field.node.value {
                guard let list = validator.sequence(field) else { return nil }
                items = list
            } else {
                items = [field]
            }
            guard count.contains(items.count) else {
                validator.expected("a number or a list of \(count.lowerBound) to \(count.upperBound) numbers (nan allowed)", field)
                return nil
            }
            var values: [Double] = []
            for item in items {
                if let text = item.node.scalarText, ["nan", ".nan", "NaN", ".NaN"].contains(text) {
                    values.append(.nan)
                } else if let value = validator.number(item, "a number or nan", where: { $0.isFinite }) {
                    values.append(value)
                } else {
                    return nil
                }
            }
            return .numbers(values)
        case .points(let count):
            let what = "a list of [measured, true] pairs such as [[0, 0], [100, 99.5]]"
            guard let list = validator.sequence(field, what: what) else { return nil }
            guard count.contains(list.count) else {
                validator.expected("\(count.lowerBound) to \(count.upperBound) [measured, true] pairs", field)
                return nil
            }
            var points: [FilterPoint] = []
            for item in list {
                guard let pair = validator.sequence(item, what: "a pair [measured, true]") else { return nil }
                guard pair.count == 2 else {
                    validator.expected("a pair [measured, true]", item)
                    return nil
                }
                guard let x = validator.number(pair[0], "a number", where: { $0.isFinite }),
                      let y = validator.number(pair[1], "a number", where: { $0.isFinite }) else { return nil }
                points.append(FilterPoint(x, y))
            }
            return .points(points)
        case .filters(let count):
            return decodeFilters(field, count: count).map(FilterValue.filters)
        }
    }

    /// `a number`, `a number > 0`, `a number from 0 to 1`.
    private static func describe(_ range: ClosedRange<Double>) -> String {
        let lower = range.lowerBound, upper = range.upperBound
        let lowerOpen = lower == -Double.greatestFiniteMagnitude
        let upperOpen = upper == Double.greatestFiniteMagnitude
        if lowerOpen && upperOpen { return "a number" }
        if lower == Double.leastNonzeroMagnitude {
            return upperOpen ? "a number > 0" : "a number > 0 and at most \(Validator.format(upper))"
        }
        if upperOpen { return "a number of at least \(Validator.format(lower))" }
        return "a number from \(Validator.format(lower)) to \(Validator.format(upper))"
    }
}
