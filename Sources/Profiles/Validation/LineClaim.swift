import SensorgateCore

/// A line as the validator tells lines apart: its chip (or expander) and its offset, or
/// its name when only the open chip can tell the offset.
struct LineClaim: Hashable {
    enum Line: Hashable {
        case offset(UInt32)
        case name(String)
    }

    /// Where the line is: a kernel gpiochip, or an entry of `expanders:` by id.
    enum Device: Hashable {
        case chip(GPIOChipSelector)
        case expander(String)
    }

    var device: Device
    var line: Line

    init(chip: GPIOChipSelector, line: Line) {
        self.device = .chip(chip)
        self.line = line
    }

    init(expander: String, offset: UInt32) {
        self.device = .expander(expander)
        self.line = .offset(offset)
    }
}
