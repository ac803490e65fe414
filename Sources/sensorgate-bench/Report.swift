import Foundation

/// Number formatting for logs, the table and the JSON object.
enum Format {
    static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "n/a" }
        return String(format: "%.\(decimals)f", value)
    }

    /// A JSON number: integers without a fraction, others with at most 4 decimals.
    static func json(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        guard abs(value) < 1e15 else { return String(format: "%.6e", value) }
        var text = String(format: "%.4f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// The table and the JSON object, from the results and the targets of docs/ARCHITECTURE.md.
struct Report {
    let results: BenchResults
    let mode: String

    /// One line of the table.
    struct Row {
        var figure: String
        var sensorgate: Double?
        var baseline: Double?
        var decimals: Int
        var target: String
        /// Whether the target is met, given (sensorgate, ratio): nil when that cannot be
        /// told (no baseline); the closure is nil when the figure has no target.
        var met: ((Double, Double?) -> Bool?)?
        /// The target's bound, for a figure with no baseline: the ratio column shows the
        /// figure over it (below 1 is within the target).
        var limit: Double? = nil
    }

    var rows: [Row] {
        let r = results
        return [
            Row(figure: "latency p50 (µs)", sensorgate: r.number("latency_p50_us"), baseline: r.number("baseline_latency_p50_us"),
                decimals: 0, target: "<= 1.5x raw", met: { _, ratio in ratio.map { $0 <= 1.5 } }),
            Row(figure: "latency p99 (µs)", sensorgate: r.number("latency_p99_us"), baseline: r.number("baseline_latency_p99_us"),
                decimals: 0, target: "<= 2x raw", met: { _, ratio in ratio.map { $0 <= 2 } }),
            Row(figure: "latency max (µs)", sensorgate: r.number("latency_max_us"), baseline: r.number("baseline_latency_max_us"),
                decimals: 0, target: "-", met: nil),
            Row(figure: "QoS 0 delivered (msg/s)", sensorgate: r.number("qos0_per_s"), baseline: r.number("baseline_qos0_per_s"),
                decimals: 0, target: ">= 0.8x raw", met: { _, ratio in ratio.map { $0 >= 0.8 } }),
            Row(figure: "QoS 1 delivered (msg/s)", sensorgate: r.number("qos1_per_s"), baseline: r.number("baseline_qos1_per_s"),
                decimals: 0, target: ">= 0.8x raw", met: { _, ratio in ratio.map { $0 >= 0.8 } }),
            Row(figure: "idle RSS (MB)", sensorgate: r.number("idle_rss_mb"), baseline: nil,
                decimals: 1, target: "<= 12 MB", met: { value, _ in value <= 12 }),
            Row(figure: "idle CPU (%)", sensorgate: r.number("idle_cpu_percent"), baseline: nil,
                decimals: 3, target: "<= 0.2 %", met: { value, _ in value <= 0.2 }),
            Row(figure: "exec to first publish (ms)", sensorgate: r.number("startup_ms"), baseline: nil,
                decimals: 1, target: "<= 100 ms", met: { value, _ in value <= 100 }),
            Row(figure: "  with 100 sensors (ms)", sensorgate: r.number("startup_100_sensors_ms"), baseline: nil,
                decimals: 1, target: "-", met: nil),
            Row(figure: "1000 channels CPU (%)", sensorgate: r.number("channels_1000_cpu_percent"), baseline: nil,
                decimals: 2, target: "<= 3 %", met: { value, _ in value <= 3 }, limit: 3),
            Row(figure: "1000 channels RSS (MB)", sensorgate: r.number("channels_1000_rss_mb"), baseline: nil,
                decimals: 1, target: "<= 20 MB", met: { value, _ in value <= 20 }, limit: 20),
            Row(figure: "poll lateness p99, 100 (ms)", sensorgate: r.number("poll_lateness_p99_ms"),
                baseline: r.number("baseline_poll_lateness_p99_ms"),
                decimals: 3, target: "<= 2 ms", met: { value, _ in value <= 2 }, limit: 2),
            Row(figure: "pipeline (readings/s)", sensorgate: r.number("pipeline_per_s"), baseline: nil,
                decimals: 0, target: ">= 2M/s", met: { value, _ in value >= 2_000_000 }),
        ]
    }

    /// Adds the ratios (Sensorgate / baseline) and a `met` flag per target to the results.
    func addDerived() {
        results.set("latency_p50_ratio", results.ratio("latency_p50_us", "baseline_latency_p50_us"))
        results.set("latency_p99_ratio", results.ratio("latency_p99_us", "baseline_latency_p99_us"))
        results.set("qos0_ratio", results.ratio("qos0_per_s", "baseline_qos0_per_s"))
        results.set("qos1_ratio", results.ratio("qos1_per_s", "baseline_qos1_per_s"))
        for (key, limit) in [("channels_1000_cpu_percent", 3.0), ("channels_1000_rss_mb", 20), ("poll_lateness_p99_ms", 2)] {
            results.set(key + "_target_ratio", results.number(key).map { $0 / limit })
        }
    }

    var table: String {
        func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
            let count = text.count
            guard count < width else { return text }
            let fill = String(repeating: " ", count: width - count)
            return left ? text + fill : fill + text
        }
        var lines: [String] = []
        lines.append(pad("figure", 28, left: true) + pad("sensorgate", 14) + pad("baseline", 14) + pad("ratio", 8)
                     + "   " + pad("target", 14, left: true) + "met")
        for row in rows {
            let ratio = row.sensorgate.flatMap { value in (row.baseline ?? row.limit).flatMap { $0 != 0 ? value / $0 : nil } }
            let met: String
            if let check = row.met, let value = row.sensorgate, let verdict = check(value, ratio) {
                met = verdict ? "yes" : "no"
            } else {
                met = row.met == nil ? "-" : "n/a"
            }
            lines.append(pad(row.figure, 28, left: true)
                         + pad(row.sensorgate.map { Format.fixed($0, row.decimals) } ?? "n/a", 14)
                         + pad(row.baseline.map { Format.fixed($0, row.decimals) } ?? "-", 14)
                         + pad(ratio.map { Format.fixed($0, 2) } ?? "-", 8)
                         + "   " + pad(row.target, 14, left: true) + met)
        }
        var notes: [String] = []
        if let lost = results.number("latency_lost"), let baseline = results.number("baseline_latency_lost") {
            notes.append("latency samples: \(Int(results.number("latency_samples") ?? 0)); lost: sensorgate \(Int(lost)), raw \(Int(baseline))")
        }
        for qos in [0, 1] {
            if let sent = results.number("qos\(qos)_sent"), let lost = results.number("qos\(qos)_lost") {
                var note = "QoS \(qos): \(Int(sent)) sent per side; lost: sensorgate \(Int(lost))"
                if let baseLost = results.number("baseline_qos\(qos)_lost") { note += ", raw \(Int(baseLost))" }
                notes.append(note)
            }
        }
        if let peak = results.number("idle_rss_peak_mb"), let rate = results.number("idle_messages_per_s") {
            var note = "idle: peak RSS \(Format.fixed(peak, 1)) MB, \(Format.fixed(rate, 1)) msgs/s published during the window"
            if let precise = results.number("idle_cpu_percent_schedstat") {
                note += "; CPU by schedstat \(Format.fixed(precise, 4)) %"
            }
            notes.append(note)
        }
        if let rate = results.number("channels_1000_messages_per_s") {
            var note = "1000 channels: \(Format.fixed(rate, 0)) msgs/s published during the window"
            if let peak = results.number("channels_1000_rss_peak_mb") { note += ", peak RSS \(Format.fixed(peak, 1)) MB" }
            if let precise = results.number("channels_1000_cpu_percent_schedstat") { note += ", CPU by schedstat \(Format.fixed(precise, 3)) %" }
            if let late = results.number("channels_1000_poll_lateness_p99_ms") { note += ", poll lateness p99 \(Format.fixed(late, 3)) ms" }
            notes.append(note)
        }
        if results.number("channels_1000_cpu_percent") != nil || results.number("poll_lateness_p99_ms") != nil {
            notes.append("ratio: to the raw baseline where there is one (poll lateness: a bare timer thread in the same window), "
                         + "else to the target's bound (below 1 meets it)")
        }
        if !notes.isEmpty { lines.append(""); lines.append(contentsOf: notes) }
        if !results.errors.isEmpty {
            lines.append("")
            lines.append("errors:")
            for error in results.errors { lines.append("  " + error.replacingOccurrences(of: "\n", with: "\n    ")) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    var json: String {
        var parts: [String] = ["\"mode\": \(Format.jsonString(mode))"]
        for (key, value) in results.entries {
            let text: String
            switch value {
            case .number(let number): text = Format.json(number)
            case .text(let string): text = Format.jsonString(string)
            case .numbers(let numbers): text = "[" + numbers.map { Format.json($0) }.joined(separator: ", ") + "]"
            }
            parts.append("\(Format.jsonString(key)): \(text)")
        }
        // The required figures are always present: null when a measurement failed.
        for key in Self.requiredKeys where results.number(key) == nil {
            parts.append("\(Format.jsonString(key)): null")
        }
        parts.append("\"errors\": [" + results.errors.map { Format.jsonString($0) }.joined(separator: ", ") + "]")
        return "{\n  " + parts.joined(separator: ",\n  ") + "\n}\n"
    }

    static let requiredKeys = [
        "latency_p50_us", "latency_p99_us", "baseline_latency_p50_us", "baseline_latency_p99_us",
        "qos0_per_s", "baseline_qos0_per_s", "qos1_per_s", "baseline_qos1_per_s",
        "idle_rss_mb", "idle_cpu_percent", "startup_ms", "pipeline_per_s",
        "channels_1000_cpu_percent", "channels_1000_rss_mb", "poll_lateness_p99_ms",
    ]
}
