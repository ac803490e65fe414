/// How a profile or the command line names a gpiochip, parsed into what to open.
///
/// `0` and `gpiochip0` name `/dev/gpiochip0`; a text with a `/` is a path; anything else
/// is a chip label (`pinctrl-bcm2711`, `gpio-sim.0-node0`), matched exactly.
///
/// libgpiod 1.6's `gpiod_chip_open_lookup` accepts the same four forms but tries the
/// label first, by opening every chip in `/dev`: one unreadable chip makes the whole
/// lookup fail, and errno then tells nothing about the chip that was meant. This type
/// lets the kernel backends open names and paths directly and search labels itself.
///
/// It is also the one canonical form of a chip's name: `0`, `gpiochip0` and
/// `/dev/gpiochip0` parse to equal selectors, so the validator, the line resolver and the
/// simulator compare and key chips by the parsed value, never by the text.
public enum GPIOChipSelector: Sendable, Hashable, CustomStringConvertible {
    /// A device path, e.g. `/dev/gpiochip0`.
    case path(String)
    /// A chip label as the kernel reports it.
    case label(String)

    /// Parses a selector; nil for an empty or blank text.
    public init?(_ text: String) {
        let trimmed = text.trimmingBlanks()
        guard !trimmed.isEmpty else { return nil }
        if let number = UInt32(trimmed) {
            self = .path("/dev/gpiochip\(number)")
        } else if trimmed.contains("/") {
            self = .path(trimmed)
        } else if trimmed.hasPrefix("gpiochip"), UInt32(trimmed.dropFirst(8)) != nil {
            self = .path("/dev/" + trimmed)
        } else {
            self = .label(trimmed)
        }
    }

    /// The chip a line without `chip:` (and without a board preset) is on.
    public static let gpiochip0 = GPIOChipSelector.path("/dev/gpiochip0")

    /// `gpiochipN` for a path `/dev/gpiochipN`, the kernel's name of the chip; nil otherwise.
    public var chipName: String? {
        guard case .path(let path) = self, path.hasPrefix("/dev/gpiochip") else { return nil }
        let name = path.dropFirst(5)
        return UInt32(name.dropFirst(8)) != nil ? String(name) : nil
    }

    public var description: String {
        switch self {
        case .path(let path): return path
        case .label(let label): return "label '\(label)'"
        }
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and newlines (no Foundation).
    public func trimmingBlanks() -> String {
        let blanks: Set<Character> = [" ", "\t", "\n", "\r"]
        guard let first = firstIndex(where: { !blanks.contains($0) }),
              let last = lastIndex(where: { !blanks.contains($0) }) else { return "" }
        return String(self[first...last])
    }
}
