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
        // A small figure such as allocations per reading keeps its digits instead of reading 0.
        guard abs(value) < 1e15, abs(value) >= 0.001 else { return String(format: "%.6e", value) }
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
        /// A ratio measured as a figure of its own (the latency's median of per-round
        /// ratios), shown instead of sensorgate / baseline.
        var ratioKey: String? = nil
    }

    var rows: [Row] {
        let r = results
        return [
            Row(figure: "latency p50 (µs)", sensorgate: r.number("latency_p50_us"), baseline: r.number("baseline_latency_p50_us"),
                decimals: 0, target: "<= 1.5x raw", met: { _, ratio in ratio.map { $0 <= 1.5 } }, ratioKey: "latency_p50_ratio"),
            Row(figure: "latency p99 (µs)", sensorgate: r.number("latency_p99_us"), baseline: r.number("baseline_latency_p99_us"),
                decimals: 0, target: "<= 2x raw", met: { _, ratio in ratio.map { $0 <= 2 } }),
            Row(figure: "latency max (µs)", sensorgate: r.number("latency_max_us"), baseline: r.number("baseline_latency_max_us"),
                decimals: 0, target: "-", met: nil),
            Row(figure: "QoS 0 delivered (msg/s)", sensorgate: r.number("qos0_per_s"), baseline: r.number("baseline_qos0_per_s"),
                decimals: 0, target: ">= 0.8x raw", met: { _, ratio in ratio.map { $0 >= 0.8 } }, ratioKey: "qos0_ratio"),
            Row(figure: "QoS 1 delivered (msg/s)", sensorgate: r.number("qos1_per_s"), baseline: r.number("baseline_qos1_per_s"),
                decimals: 0, target: ">= 0.8x raw", met: { _, ratio in ratio.map { $0 >= 0.8 } }, ratioKey: "qos1_ratio"),
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
                decimals: 0, target: ">= 5M/s", met: { value, _ in value >= 5_000_000 }),
            Row(figure: "  instructions per reading", sensorgate: r.number("instructions_per_reading"), baseline: nil,
                decimals: 1, target: "-", met: nil),
            Row(figure: "  allocations per reading", sensorgate: r.number("allocations_per_reading"), baseline: nil,
                decimals: 6, target: "~0 (< 0.001)", met: { value, _ in value < 0.001 }),
            Row(figure: "fleet delivered (msg/s)", sensorgate: r.number("fleet_delivered_per_s"), baseline: nil,
                decimals: 0, target: "-", met: nil),
            Row(figure: "fleet reconnect spread (s)", sensorgate: r.number("fleet_reconnect_spread_s"), baseline: nil,
                decimals: 2, target: "-", met: nil),
            Row(figure: "fleet missing seq", sensorgate: r.number("fleet_missing_seq"), baseline: nil,
                decimals: 0, target: "0", met: { value, _ in value == 0 }),
        ]
    }

    /// Adds the ratios (Sensorgate / baseline) and a `met` flag per target to the results.
    func addDerived() {
        // The latency measurement sets its own p50 ratio (the median of its rounds' ratios).
        if results.number("latency_p50_ratio") == nil {
            results.set("latency_p50_ratio", results.ratio("latency_p50_us", "baseline_latency_p50_us"))
        }
        results.set("latency_p99_ratio", results.ratio("latency_p99_us", "baseline_latency_p99_us"))
        // The throughput measurement sets its own (the median of its rounds' ratios).
        for qos in [0, 1] where results.number("qos\(qos)_ratio") == nil {
            results.set("qos\(qos)_ratio", results.ratio("qos\(qos)_per_s", "baseline_qos\(qos)_per_s"))
        }
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
            let ratio = row.ratioKey.flatMap { results.number($0) }
                ?? row.sensorgate.flatMap { value in (row.baseline ?? row.limit).flatMap { $0 != 0 ? value / $0 : nil } }
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
        if let rounds = results.numbers("latency_p50_round_ratios"), !rounds.isEmpty {
            notes.append("latency p50 ratio: the median of \(rounds.count) alternating rounds' ratios (\(rounds.map { Format.fixed($0, 2) }.joined(separator: ", "))); "
                         + "pooled \(Format.fixed(results.number("latency_p50_pooled_ratio") ?? .nan, 2))")
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
        if let ratio = results.number("qos1_ratio") {
            var note = "QoS 1 throughput pair: \(Format.fixed(results.number("qos1_per_s") ?? .nan, 0)) msgs/s through the outbox, "
                + "\(Format.fixed(results.number("baseline_qos1_per_s") ?? .nan, 0)) raw libmosquitto QoS 1: ratio \(Format.fixed(ratio, 2)) (target >= 0.8)"
            if let rounds = results.numbers("qos1_round_ratios"), rounds.count > 1 {
                note += ", the median of the rounds' \(rounds.map { Format.fixed($0, 2) }.joined(separator: ", "))"
            }
            notes.append(note)
        }
        if let text = results.text("instructions_per_reading") {
            notes.append("pipeline cost: instructions and allocations per reading: \(text) (not measured)")
        } else if let instructions = results.number("instructions_per_reading"), let allocations = results.number("allocations_per_reading") {
            notes.append("pipeline cost (valgrind, \(PipelineCostMeasurement.more - PipelineCostMeasurement.fewer) readings' difference): "
                         + "\(Format.fixed(instructions, 1)) instructions, \(Format.fixed(allocations, 6)) heap allocations per reading "
                         + "(\(Int(results.number("pipeline_cost_allocations") ?? 0)) in those readings)")
        }
        if let delivered = results.number("fleet_delivered_per_s") {
            var note = "fleet: \(Int(results.number("fleet_gateways") ?? 0)) gateways, \(Format.fixed(delivered, 0)) msgs/s delivered "
                + "(offered \(Format.fixed(results.number("fleet_offered_per_s") ?? .nan, 0))), \(Int(results.number("fleet_missing_seq") ?? -1)) seq missing, "
                + "\(Int(results.number("fleet_duplicates") ?? 0)) duplicates; broker down \(Format.fixed(results.number("fleet_outage_s") ?? .nan, 1)) s"
            if let first = results.number("fleet_reconnect_first_s"), let last = results.number("fleet_reconnect_last_s") {
                note += "; reconnected \(Format.fixed(first, 2))...\(Format.fixed(last, 2)) s after the restart (by the gateways' log lines"
                if let spread = results.number("fleet_first_message_spread_s") { note += "; first messages at the subscriber: spread \(Format.fixed(spread, 2)) s" }
                note += ")"
            }
            note += "; backoff \(Format.fixed(results.number("fleet_backoff_min_s") ?? .nan, 1)) s doubling to \(Format.fixed(results.number("fleet_backoff_max_s") ?? .nan, 0)) s, full jitter, "
                + "delays drawn \(Format.fixed(results.number("fleet_delays_drawn_min_s") ?? .nan, 3))...\(Format.fixed(results.number("fleet_delays_drawn_max_s") ?? .nan, 3)) s"
                + "; RSS \(Format.fixed(results.number("fleet_rss_total_mb") ?? .nan, 0)) MB in all (PSS \(Format.fixed(results.number("fleet_pss_total_mb") ?? .nan, 0)) MB), \(Format.fixed(results.number("fleet_rss_max_mb") ?? .nan, 1)) MB the largest"
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
        for key in Self.requiredKeys where !results.has(key) {
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
        "instructions_per_reading", "allocations_per_reading",
        "fleet_delivered_per_s", "fleet_reconnect_spread_s", "fleet_missing_seq",
    ]
}
