import SensorgateCore

/// A line as the validator tells lines apart: its chip and its offset, or its name when
/// only the open chip can tell the offset.
struct LineClaim: Hashable {
    enum Line: Hashable {
        case offset(UInt32)
        case name(String)
    }

    var chip: GPIOChipSelector
    var line: Line
}
