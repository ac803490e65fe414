import SensorgateCore

/// What a profile's line is before any chip is opened: what the board preset alone says.
///
/// ``LineResolver/resolveOnBoard(_:chip:)`` gives this to `validate`, and the gateway
/// finishes it on the open chip (``LineResolver/offset(of:chip:on:)``).
public enum BoardLineResolution: Sendable, Equatable {
    /// The offset is known: written as an offset, or a name the board preset maps (`name`
    /// is that name). The open chip must still have that many lines.
    case offset(UInt32, chip: GPIOChipSelector, name: String?)
    /// A name only the open chip can resolve: a kernel line name, or a preset name on a
    /// chip given by path, whose label (and so whether the preset applies) the kernel tells.
    case name(String, chip: GPIOChipSelector)
    /// Wrong on this board whatever the chip: a ground or supply pin, a pin or GPIO number
    /// the board does not have.
    case invalid(LineResolutionError)
}
