import Pipeline
import SensorgateCore

extension ProfileDecoder {
    static let windowKeys = ["name", "type", "every", "length", "hop", "readings", "align", "stats"]
    /// The keys each `type:` takes besides `name` and `stats`.
    static let windowTypeKeys: [(type: String, keys: [String])] = [
        ("tumbling", ["every", "align"]),
        ("hopping", ["length", "hop", "align"]),
        ("sliding", ["length"]),
        ("count", ["readings", "hop"]),
    ]
    /// Median and percentiles keep a window's values: 800 kB at most.
    static let maximumWindowValues = 100_000
    static let shortestWindow = Interval.seconds(1)

    // MARK: windows

    /// `windows:` of readings that come at no known interval (a derived channel's).
    func decodeWindows(_ field: Field) -> [WindowSpec]? {
        decodeWindows(field, interval: nil)
    }

    /// `windows:`; `interval` is the sensor's poll interval (nil when it is unknown), which
    /// bounds the readings a window can hold.
    func decodeWindows(_ field: Field, interval: Interval?) -> [WindowSpec]? {
        guard let items = validator.sequence(field, what: "a list of windows") else { return nil }
        var windows: [WindowSpec] = []
        var names: [String: SourceLocation] = [:]
        for item in items {
            guard let window = validator.mapping(item, keys: Self.windowKeys) else { continue }
            let kind = decodeWindowKind(window)
            let align = window.optional("align").flatMap(validator.bool)
            let stats = window.required("stats", validator).flatMap(decodeStatistics)
            if let kind, let stats, let interval, let field = window.optional("stats") {
                checkKeptValues(kind, stats: stats, interval: interval, field)
            }
            var name: String?
            if let field = window.optional("name") {
                name = topicLevel(field)
                if let name, let first = names[name] {
                    validator.report(at: field.location, field.path,
                                     "duplicate window name '\(name)' (first at \(first)); names are topic levels")
                    continue
                }
                if let name { names[name] = field.location }
            } else if let kind {
                // Unnamed windows are named after their sizes: `1m`, `5m_every_1m`, `last_10m`, `60_readings`.
                name = Self.defaultName(kind)
                if let name, let first = names[name] {
                    validator.report(at: window.location, window.path,
                                     "duplicate window name '\(name)' (first at \(first)); give this window a name")
                    continue
                }
                if let name { names[name] = window.location }
            }
            if window.contains("align") && align == nil { continue }
            guard let name, let kind, let stats else { continue }
            windows.append(WindowSpec(name: name, kind: kind, stats: stats, alignedToWallClock: align ?? true,
                                      publishingPeriod: Self.publishingPeriod(kind, interval: interval)))
        }
        return windows
    }

    /// `type:` (default `tumbling`) and the sizes it takes; keys of another type are
    /// reported at the key.
    private func decodeWindowKind(_ window: Fields) -> WindowKind? {
        let type: String?
        if let field = window.optional("type") {
            type = validator.choice(field, Self.windowTypeKeys.map { ($0.type, $0.type) })
        } else {
            type = window.contains("type") ? nil : "tumbling"
        }
        guard let type, let keys = Self.windowTypeKeys.first(where: { $0.type == type })?.keys else { return nil }
        var misplaced = false
        for pair in window.pairs where Self.windowKeys.contains(pair.key) && pair.key != "name" && pair.key != "type"
            && pair.key != "stats" && !keys.contains(pair.key) {
            let owners = Self.windowTypeKeys.filter { $0.keys.contains(pair.key) }.map(\.type)
            validator.report(at: pair.keyLocation, KeyPath.child(window.path, pair.key),
                             "'\(pair.key)' applies to \(owners.joined(separator: " and ")) windows, not to a \(type) one "
                                 + "(a \(type) window takes \(keys.joined(separator: ", ")); see type:)")
            misplaced = true
        }
        let kind: WindowKind?
        switch type {
        case "tumbling":
            kind = window.required("every", validator).flatMap(windowDuration).map { .tumbling(every: $0) }
        case "hopping":
            kind = decodeHopping(window)
        case "sliding":
            kind = window.required("length", validator).flatMap(windowDuration).map { .sliding(length: $0) }
        default:
            kind = decodeCount(window)
        }
        return misplaced ? nil : kind
    }

    private func windowDuration(_ field: Field) -> Interval? {
        validator.duration(field, in: Self.shortestWindow...Self.longestInterval)
    }

    /// `length` and `hop`: a whole number of hops, at most ``HoppingWindow/maximumPanes``.
    private func decodeHopping(_ window: Fields) -> WindowKind? {
        let lengthField = window.required("length", validator)
        let length = lengthField.flatMap(windowDuration)
        guard let hopField = window.required("hop", validator) else { return nil }
        let hop = validator.duration(hopField, in: Self.shortestWindow...(length ?? Self.longestInterval),
                                     lowerNote: nil)
        guard let length, let hop, let lengthField else { return nil }
        if length.nanoseconds % hop.nanoseconds != 0 {
            validator.report(at: lengthField.location, lengthField.path,
                             "a length of \(Validator.format(length)) is not a whole number of hops of \(Validator.format(hop))")
            return nil
        }
        let hops = length.nanoseconds / hop.nanoseconds
        if hops > Int64(HoppingWindow.maximumPanes) {
            validator.report(at: hopField.location, hopField.path,
                             "a \(Validator.format(length)) window every \(Validator.format(hop)) is \(hops) hops long, "
                                 + "more than the \(HoppingWindow.maximumPanes) a hopping window may be; lengthen hop")
            return nil
        }
        return .hopping(length: length, hop: hop)
    }

    /// `readings` and an optional `hop` (1...readings).
    private func decodeCount(_ window: Fields) -> WindowKind? {
        let readings = window.required("readings", validator).flatMap {
            validator.integer($0, in: 1...CountWindow.maximumReadings)
        }
        let hop = window.optional("hop").flatMap { validator.integer($0, in: 1...(readings ?? CountWindow.maximumReadings)) }
        guard let readings else { return nil }
        if window.contains("hop") && hop == nil { return nil }
        return .count(readings: readings, hop: hop ?? readings)
    }

    /// A window whose readings are kept (sliding ones, or for median and percentiles)
    /// must not hold more than its bound at the sensor's interval.
    private func checkKeptValues(_ kind: WindowKind, stats: [Statistic], interval: Interval, _ field: Field) {
        let keepsValues = stats.contains { WindowStatisticCatalog.entry(for: $0)?.needsValues == true }
        let values = "median and percentiles keep the window's values"
        let limit: (span: Interval, bound: Int, what: String)
        switch kind {
        case .tumbling(let every):
            guard keepsValues else { return }
            limit = (every, Self.maximumWindowValues, values)
        case .hopping(let length, _):
            guard keepsValues else { return }
            limit = (length, Self.maximumWindowValues, values)
        case .sliding(let length):
            limit = (length, SlidingTimeWindow.maximumReadings, "a sliding window keeps its readings")
        case .count:
            return
        }
        let (span, bound, what) = limit
        let step = Swift.max(1, interval.nanoseconds)
        let held = (span.nanoseconds + step - 1) / step
        guard held > Int64(bound) else { return }
        validator.report(at: field.location, field.path,
                         "\(what): a \(Validator.format(span)) window of a sensor read every \(Validator.format(interval)) "
                             + "holds up to \(held), more than the \(bound) a window may keep; shorten the window "
                             + "or lengthen the sensor's interval" + (keepsValues && !Self.isSliding(kind) ? ", or leave median and percentiles out" : ""))
    }

    private static func isSliding(_ kind: WindowKind) -> Bool {
        if case .sliding = kind { return true }
        return false
    }

    static func defaultName(_ kind: WindowKind) -> String {
        switch kind {
        case .tumbling(let every): Validator.format(every)
        case .hopping(let length, let hop): "\(Validator.format(length))_every_\(Validator.format(hop))"
        case .sliding(let length): "last_\(Validator.format(length))"
        case .count(let readings, let hop): readings == hop ? "\(readings)_readings" : "\(readings)_readings_every_\(hop)"
        }
    }

    static func publishingPeriod(_ kind: WindowKind, interval: Interval?) -> Interval {
        switch kind {
        case .tumbling(let every): every
        case .hopping(_, let hop): hop
        case .sliding(let length): interval ?? length
        case .count(_, let hop): (interval ?? .seconds(1)) * Int64(hop)
        }
    }

    // MARK: statistics

    /// `stats:` of a window (and of `pulse_width:`): names from ``WindowStatisticCatalog``
    /// and percentiles, `p95` or `{ percentile: 95 }`.
    func decodeStatistics(_ field: Field) -> [Statistic]? {
        guard let items = validator.sequence(field, what: "a list of statistics such as [mean, min, max]") else {
            return nil
        }
        if items.isEmpty {
            validator.expected("at least one statistic such as mean, min or max", field)
            return nil
        }
        var stats: [Statistic] = []
        var failed = false
        for item in items {
            guard let stat = decodeStatistic(item) else {
                failed = true
                continue
            }
            if stats.contains(stat) {
                validator.report(at: item.location, item.path, "duplicate statistic '\(stat.rawValue)'")
                failed = true
                continue
            }
            stats.append(stat)
        }
        return failed ? nil : stats
    }

    /// One statistic: a catalog name, `p<0...100>`, or `{ percentile: 0...100 }`.
    private func decodeStatistic(_ item: Field) -> Statistic? {
        let names = WindowStatisticCatalog.all.map(\.rawValue)
        let what = "one of \(names.joined(separator: ", ")), or a percentile such as p95, p99.9 or { percentile: 95 }"
        if case .mapping = item.node.value {
            guard let mapping = validator.mapping(item, keys: ["percentile"], what: "a mapping such as { percentile: 95 }"),
                  let field = mapping.required("percentile", validator),
                  let p = validator.number(field, "a number from 0 to 100", where: { $0 >= 0 && $0 <= 100 }) else {
                return nil
            }
            return .percentile(p)
        }
        guard let text = item.node.scalarText, !item.node.isNull else {
            validator.expected(what, item)
            return nil
        }
        if names.contains(text) { return Statistic(rawValue: text) }
        if let p = PercentileStatistic.percentile(named: text) { return .percentile(p) }
        if text.hasPrefix("p"), text.count > 1, Double(String(text.dropFirst())) != nil {
            validator.expected("a percentile from p0 to p100", item)
            return nil
        }
        validator.expected(what, item, detail: DidYouMean.suggestion(for: text, among: names).map { "did you mean '\($0)'?" })
        return nil
    }
}
