/// A board preset: how a board's header names (`pin11`) and GPIO names (`GPIO17`) map to
/// a gpiochip and line offset. The presets ship in ``BoardPresets`` (compiled in, so the
/// binary needs no file at run time) and, documented, as YAML in `DeviceProfiles/boards/`;
/// a test keeps the two equal.
public struct BoardPreset: Sendable, Equatable {
    /// How the board's GPIO chip is found.
    public enum Chip: Sendable, Equatable {
        /// By the chip's label, which stays the same when its `gpiochipN` number changes
        /// (the Pi 5's RP1 chip is gpiochip4 on early 6.6 kernels, gpiochip0 later).
        case label(String)
        /// By its name (`gpiochip0`), for boards without a known label.
        case name(String)
    }

    /// One pin of the header.
    public enum HeaderPin: Sendable, Equatable, CustomStringConvertible {
        /// A GPIO: its number, which is its line offset on the preset's chip.
        case gpio(UInt32)
        /// A supply pin: `3V3` or `5V`.
        case power(String)
        /// Ground.
        case ground

        public var description: String {
            switch self {
            case .gpio(let number): return "GPIO\(number)"
            case .power(let rail): return rail
            case .ground: return "GND"
            }
        }
    }

    /// The preset's name, as `gateway.board` writes it.
    public var name: String
    /// What board(s) it describes.
    public var summary: String
    public var chip: Chip
    /// The GPIO numbers `GPIO<n>` may name (line offset n); nil allows any n.
    public var gpioNumbers: ClosedRange<UInt32>?
    /// The header, pin 1 first; empty when the preset has no header map.
    public var header: [HeaderPin]

    public init(name: String, summary: String, chip: Chip, gpioNumbers: ClosedRange<UInt32>?, header: [HeaderPin]) {
        self.name = name
        self.summary = summary
        self.chip = chip
        self.gpioNumbers = gpioNumbers
        self.header = header
    }

    /// The preset with this name, or nil.
    public static func named(_ name: String) -> BoardPreset? {
        BoardPresets.all.first { $0.name == name }
    }

    /// Every preset's name.
    public static var names: [String] { BoardPresets.all.map(\.name) }

    /// The chip's label, if the preset matches its chip by label.
    public var chipLabel: String? {
        if case .label(let label) = chip { return label }
        return nil
    }

    /// What a profile's `chip:` would be to select the preset's chip: its label, or its name.
    public var chipSelector: String {
        switch chip {
        case .label(let label): return label
        case .name(let name): return name
        }
    }

    /// What a line name means on this board.
    public enum Lookup: Sendable, Equatable {
        /// A GPIO: the chip's label (nil when the preset selects its chip by name) and offset.
        case line(chipLabel: String?, offset: UInt32)
        /// A header pin that is not a GPIO (power or ground).
        case notGPIO(pin: Int, HeaderPin)
        /// `pinN` or `GPIOn` outside the board's header or GPIO range.
        case outOfRange(String)
        /// Not a name the preset defines (it may still be a kernel line name).
        case unknown
    }

    /// Looks a name up: `pin<N>` (physical header pin, 1-based) or `GPIO<n>` (BCM number),
    /// both case-insensitive.
    public func lookup(_ lineName: String) -> Lookup {
        if let number = Self.number(after: "pin", in: lineName) {
            guard !header.isEmpty else { return .unknown }
            guard number >= 1, number <= header.count else {
                return .outOfRange("\(name) has header pins 1...\(header.count), not \(lineName)")
            }
            switch header[number - 1] {
            case .gpio(let gpio): return .line(chipLabel: chipLabel, offset: gpio)
            case let other: return .notGPIO(pin: number, other)
            }
        }
        if let number = Self.number(after: "gpio", in: lineName) {
            guard let gpio = UInt32(exactly: number) else { return .outOfRange("\(lineName) is not a GPIO number") }
            if let range = gpioNumbers, !range.contains(gpio) {
                return .outOfRange("\(name) has GPIO\(range.lowerBound)...GPIO\(range.upperBound), not \(lineName)")
            }
            return .line(chipLabel: chipLabel, offset: gpio)
        }
        return .unknown
    }

    /// The chip label (nil: select the chip by name, ``chipSelector``) and line offset a
    /// header or GPIO name stands for on this board, or nil if the preset does not define it.
    public func resolve(lineName: String) -> (chipLabel: String?, offset: UInt32)? {
        if case .line(let label, let offset) = lookup(lineName) { return (label, offset) }
        return nil
    }

    /// The decimal number after a case-insensitive ASCII prefix, if that is all the text is.
    static func number(after prefix: String, in text: String) -> Int? {
        let utf8 = Array(text.utf8)
        let expected = Array(prefix.utf8)
        guard utf8.count > expected.count, utf8.count - expected.count <= 9 else { return nil }
        for (byte, want) in zip(utf8, expected) where byte | 0x20 != want { return nil }
        var value = 0
        for byte in utf8[expected.count...] {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }
}
