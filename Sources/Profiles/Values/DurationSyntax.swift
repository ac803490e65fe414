import SensorgateCore

/// Durations in profiles: a non-negative decimal number and a unit, e.g. `20ms`, `5s`,
/// `1m`, `1h`, `1500us`, `250ns`, `1.5s`. A space between number and unit is allowed.
/// The value must be a whole number of nanoseconds. ``Interval``'s description prints
/// the same syntax, so every interval reads back to itself.
public enum DurationSyntax {
    /// Units, longest name first so `ms` is not read as `m`.
    public static let units: [(name: String, nanoseconds: Int64)] = [
        ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000),
        ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000), ("d", 86_400_000_000_000),
    ]

    /// What messages list as the accepted units.
    static let unitList = "ns, us, ms, s, m, h or d"

    public static func parse(_ text: String) throws(ValueSyntaxError) -> Interval {
        let trimmed = Substring(text).trimmingSpaces
        if trimmed.isEmpty { throw ValueSyntaxError("empty") }
        if trimmed.hasPrefix("-") { throw ValueSyntaxError("negative durations are not allowed") }
        let numberEnd = trimmed.firstIndex { !($0.isASCII && ($0.isNumber || $0 == ".")) } ?? trimmed.endIndex
        let number = trimmed[..<numberEnd]
        let unit = String(trimmed[numberEnd...].trimmingSpaces)
        if number.isEmpty { throw ValueSyntaxError("a duration starts with a number") }
        guard let decimal = FixedDecimal(number) else { throw ValueSyntaxError("'\(number)' is not a number") }
        if unit.isEmpty { throw ValueSyntaxError("missing unit: \(unitList)") }
        guard let scale = units.first(where: { $0.name == unit })?.nanoseconds else {
            var reason = "unknown unit '\(unit)', expected \(unitList)"
            if let suggestion = DidYouMean.suggestion(for: unit, among: units.map(\.name)) {
                reason += "; did you mean '\(suggestion)'?"
            }
            throw ValueSyntaxError(reason)
        }
        switch decimal.scaled(by: scale) {
        case .value(let nanoseconds):
            return Interval(nanoseconds: nanoseconds)
        case .tooLarge:
            throw ValueSyntaxError("too long")
        case .notWhole:
            throw ValueSyntaxError("not a whole number of nanoseconds")
        }
    }
}

/// `digits[.digits]` kept exactly, to scale by a unit without floating-point error.
struct FixedDecimal {
    enum Scaled: Equatable {
        case value(Int64)
        case tooLarge
        case notWhole
    }

    /// nil when the whole part does not fit in Int64.
    private var whole: Int64?
    private var fractionDigits: Substring

    init?(_ text: Substring) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              parts.contains(where: { !$0.isEmpty }) else { return nil }
        whole = parts[0].isEmpty ? 0 : Int64(parts[0])
        var fraction = parts.count == 2 ? parts[1] : ""
        while fraction.last == "0" { fraction = fraction.dropLast() }
        fractionDigits = fraction
    }

    /// `value × scale` if it is a whole number that fits in Int64.
    func scaled(by scale: Int64) -> Scaled {
        guard let whole else { return .tooLarge }
        let (wholePart, overflow) = whole.multipliedReportingOverflow(by: scale)
        if overflow { return .tooLarge }
        guard !fractionDigits.isEmpty else { return .value(wholePart) }
        // A whole result needs no more fraction digits than the unit has nanosecond digits.
        guard fractionDigits.count <= 18, let fraction = Int64(fractionDigits) else { return .notWhole }
        var divisor: Int64 = 1
        for _ in 0..<fractionDigits.count { divisor *= 10 }
        let (product, overflow2) = fraction.multipliedReportingOverflow(by: scale)
        guard !overflow2, product % divisor == 0 else { return .notWhole }
        let (sum, overflow3) = wholePart.addingReportingOverflow(product / divisor)
        return overflow3 ? .tooLarge : .value(sum)
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var result = self
        while result.first == " " { result = result.dropFirst() }
        while result.last == " " { result = result.dropLast() }
        return result
    }
}
