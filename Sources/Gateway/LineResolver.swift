import Profiles
import SensorgateCore

/// Chip selectors as the profile writes them: `gpiochip0`, `/dev/gpiochip0`, `0`, or nil.
enum ChipSelector {
    /// nil, `0`, `gpiochip0` and `/dev/gpiochip0` all name `gpiochip0`; labels stay as they are.
    static func normalise(_ selector: String?) -> String {
        guard var text = selector else { return "gpiochip0" }
        if text.hasPrefix("/dev/") { text.removeFirst(5) }
        if let number = Int(text), number >= 0 { return "gpiochip\(number)" }
        return text
    }
}

/// Finds a profile's line on a chip: by offset, or by the kernel's line name.
enum LineResolver {
    static func offset(of line: GPIOLineSpec.Line, on chip: any GPIOChip) -> UInt32? {
        switch line {
        case .offset(let offset):
            return Int(offset) < chip.lineCount ? offset : nil
        case .name(let name):
            for offset in 0..<UInt32(chip.lineCount) where chip.lineName(offset: offset) == name { return offset }
            return nil
        }
    }
}

extension GPIOLineSpec.Line: CustomStringConvertible {
    public var description: String {
        switch self {
        case .offset(let offset): return "\(offset)"
        case .name(let name): return "'\(name)'"
        }
    }
}
