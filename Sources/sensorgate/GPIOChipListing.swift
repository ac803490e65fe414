import SensorgateCore

/// A chip and its lines as `gpio list` prints them: a header line, then one row per line.
struct GPIOChipListing {
    let chip: any GPIOChip

    var text: String {
        var infos: [GPIOLineInfo] = []
        var problems: [String] = []
        for offset in 0..<UInt32(chip.lineCount) {
            do {
                infos.append(try chip.lineInfo(offset: offset))
            } catch {
                problems.append("  line \(offset): \(error)")
            }
        }
        let nameWidth = min(24, max(4, infos.map { ($0.name ?? "-").count }.max() ?? 4))
        let consumerWidth = min(28, max(8, infos.map { Self.consumer($0).count }.max() ?? 8))
        var text = "\(chip.name) [\(chip.label)] (\(chip.lineCount) lines) \(chip.path)\n"
        text += "  " + "offset".leftPadded(to: 6, with: " ") + "  " + "name".rightPadded(to: nameWidth)
            + "  " + "consumer".rightPadded(to: consumerWidth) + "  direction  active  bias\n"
        for info in infos {
            var row = "  " + String(info.offset).leftPadded(to: 6, with: " ")
            row += "  " + (info.name ?? "-").rightPadded(to: nameWidth)
            row += "  " + Self.consumer(info).rightPadded(to: consumerWidth)
            row += "  " + info.direction.rawValue.rightPadded(to: 9)
            row += "  " + (info.activeLow ? "low" : "high").rightPadded(to: 6)
            row += "  " + info.bias.rawValue
            if info.drive != .pushPull { row += "  " + info.drive.rawValue }
            if let period = info.debouncePeriod { row += "  debounce \(period)" }
            text += row + "\n"
        }
        for problem in problems { text += problem + "\n" }
        return text
    }

    /// Who holds the line: its consumer, `(kernel)` for a driver without a name, or `-`.
    static func consumer(_ info: GPIOLineInfo) -> String {
        if let consumer = info.consumer { return consumer }
        return info.used ? "(kernel)" : "-"
    }
}

extension String {
    /// Padded with spaces on the right to `width` characters.
    func rightPadded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
