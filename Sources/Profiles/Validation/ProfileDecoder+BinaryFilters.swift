import Pipeline
import SensorgateCore

extension ProfileDecoder {
    /// An input's `filters:`: a list of names from ``BinaryFilterCatalog``, each either
    /// alone (`- invert`, for a filter whose settings all have defaults) or a one-key
    /// mapping checked against the filter's own ``FilterSyntax`` (`- delayed_on: 100ms`).
    func decodeBinaryFilters(_ field: Field) -> [FilterConfiguration]? {
        guard let items = validator.sequence(field, what: "a list of binary filters") else { return nil }
        var filters: [FilterConfiguration] = []
        var failed = false
        for item in items {
            if let filter = decodeBinaryFilter(item) { filters.append(filter) } else { failed = true }
        }
        return failed ? nil : filters
    }

    private func decodeBinaryFilter(_ item: Field) -> FilterConfiguration? {
        let what = "a binary filter such as invert, { delayed_on: 100ms } or { settle: 50ms }"
        let name: String
        let location: SourceLocation
        let value: Field?
        switch item.node.value {
        case .scalar(let text, _) where !item.node.isNull:
            name = text
            location = item.location
            value = nil
        case .mapping(let pairs) where pairs.count == 1:
            name = pairs[0].key
            location = pairs[0].keyLocation
            // `- invert:` (an empty value) reads as `- invert`.
            value = pairs[0].value.isNull ? nil : Field(node: pairs[0].value, path: KeyPath.child(item.path, name))
        case .mapping(let pairs) where pairs.count > 1:
            let names = pairs.map { "'\($0.key)'" }.joined(separator: ", ")
            validator.report(at: item.location, item.path,
                             "expected one filter per list entry, got \(pairs.count) keys (\(names))")
            return nil
        default:
            validator.expected(what, item)
            return nil
        }
        guard let entry = BinaryFilterCatalog.entry(named: name) else {
            var text = "unknown binary filter '\(KeyPath.shown(name))', expected one of \(Self.orList(BinaryFilterCatalog.names))"
            if FilterCatalog.entry(named: name) != nil {
                text += " (\(name) is a filter of a sensor channel's numbers; an input publishes a level)"
            } else {
                text += DidYouMean.hint(for: name, among: BinaryFilterCatalog.names)
            }
            validator.report(at: location, item.path, text)
            return nil
        }
        guard let value else {
            let path = KeyPath.child(item.path, name)
            if let missing = entry.syntax.parameters.first(where: \.isRequired) {
                validator.report(at: location, path,
                                 "missing required key '\(missing.name)' of filter \(name) (\(entry.syntax.example))")
                return nil
            }
            var settings = FilterSettings()
            for parameter in entry.syntax.parameters { settings[parameter.name] = parameter.defaultValue }
            if let problem = entry.syntax.check(settings) {
                validator.report(at: location, path, "filter \(name): \(problem.message) (\(entry.syntax.example))")
                return nil
            }
            return FilterConfiguration(name, settings)
        }
        return decodeSettings(value, name: name, syntax: entry.syntax).map { FilterConfiguration(name, $0) }
    }
}
