/// Event rates in the `simulation:` section: a non-negative decimal number, `/` and a
/// time unit: `0.5/s`, `30/m`, `2/h`. Parsed to events per second.
public enum RateSyntax {
    public static let units: [(name: String, seconds: Double)] = [("s", 1), ("m", 60), ("h", 3600)]

    public static func parse(_ text: String) throws(ValueSyntaxError) -> Double {
        let trimmed = Substring(text).trimmingSpaces
        if trimmed.isEmpty { throw ValueSyntaxError("empty") }
        guard let slash = trimmed.firstIndex(of: "/") else { throw ValueSyntaxError("missing '/s', '/m' or '/h'") }
        let number = trimmed[..<slash].trimmingSpaces
        let unit = String(trimmed[trimmed.index(after: slash)...].trimmingSpaces)
        if number.hasPrefix("-") { throw ValueSyntaxError("negative rates are not allowed") }
        guard let value = NumberSyntax.decimal(String(number)) else {
            throw ValueSyntaxError("'\(number)' is not a number")
        }
        guard let seconds = units.first(where: { $0.name == unit })?.seconds else {
            var reason = "unknown unit '\(unit)', expected s, m or h"
            if let suggestion = DidYouMean.suggestion(for: unit, among: units.map(\.name)) {
                reason += "; did you mean '\(suggestion)'?"
            }
            throw ValueSyntaxError(reason)
        }
        return value / seconds
    }
}
