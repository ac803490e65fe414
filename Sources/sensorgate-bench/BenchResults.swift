/// The figures of one run, in the order they were measured, plus the errors.
final class BenchResults {
    enum Value {
        case number(Double)
        case text(String)
        case numbers([Double])
    }

    private(set) var entries: [(key: String, value: Value)] = []
    private(set) var errors: [String] = []

    func set(_ key: String, _ value: Double?) {
        guard let value, value.isFinite else { return }
        put(key, .number(value))
    }

    func set(_ key: String, _ value: Int) { put(key, .number(Double(value))) }
    func set(_ key: String, text: String) { put(key, .text(text)) }
    func set(_ key: String, numbers: [Double]) { put(key, .numbers(numbers)) }

    private func put(_ key: String, _ value: Value) {
        if let index = entries.firstIndex(where: { $0.key == key }) {
            entries[index].value = value
        } else {
            entries.append((key, value))
        }
    }

    func number(_ key: String) -> Double? {
        guard let entry = entries.first(where: { $0.key == key }), case .number(let value) = entry.value else { return nil }
        return value
    }

    func text(_ key: String) -> String? {
        guard let entry = entries.first(where: { $0.key == key }), case .text(let value) = entry.value else { return nil }
        return value
    }

    func numbers(_ key: String) -> [Double]? {
        guard let entry = entries.first(where: { $0.key == key }), case .numbers(let value) = entry.value else { return nil }
        return value
    }

    func has(_ key: String) -> Bool { entries.contains { $0.key == key } }

    func fail(_ step: String, _ error: BenchError) {
        errors.append("\(step): \(error.description)")
    }

    /// The ratio `a / b` when both are known and `b` is not zero.
    func ratio(_ a: String, _ b: String) -> Double? {
        guard let a = number(a), let b = number(b), b != 0 else { return nil }
        return a / b
    }
}

/// Order statistics of a sample.
enum Percentile {
    /// The nearest-rank `p`-th percentile (0...100) of `values`; nil if empty.
    static func of(_ values: [Double], _ p: Double) -> Double? {
        sortedOf(values.sorted(), p)
    }

    static func sortedOf(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// The median (mean of the middle two for an even count); nil if empty.
    static func median(_ values: [Double]) -> Double? {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return nil }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
