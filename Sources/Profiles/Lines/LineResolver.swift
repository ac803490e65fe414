import SensorgateCore

/// Finds the chip and offset of a GPIO line, with one set of rules for `validate`, `run`
/// and `gpio monitor`:
///
/// - The chip: the line's `chip:` if given, else the board preset's chip (found by its
///   label, e.g. `pinctrl-bcm2711`, or by name for `generic`), else `gpiochip0`. Chips
///   compare as ``GPIOChipSelector`` values, so `0`, `gpiochip0` and `/dev/gpiochip0` are one.
/// - An offset is taken as written; the open chip must have that line.
/// - A name goes through the board preset first (`pin11`, `GPIO17`, case-insensitive)
///   when the preset applies to the chip: the line names no chip, or the preset finds its
///   chip by name, or the chip carries the preset's label. Then a ground or supply pin, or
///   a pin or GPIO number the board does not have, is an error, never a kernel line name:
///   it is a typo far more often than a line the kernel happens to name `GPIO40`.
/// - Any other name is one of the chip's own line names (`gpioinfo`), known only once
///   the chip is open.
///
/// ``resolveOnBoard(_:chip:)`` is the part that needs no hardware, which `validate`
/// reports with locations; ``offset(of:chip:on:)`` runs that same part with the open
/// chip's label and then looks at the chip's lines.
public struct LineResolver: Sendable {
    /// The profile's `gateway.board` (or `gpio monitor --board`), if any.
    public let board: BoardPreset?

    public init(board: BoardPreset?) {
        self.board = board
    }

    /// The chip selector, as text, of a line whose `chip:` is `chip`.
    public func chipSelectorText(for chip: String?) -> String {
        chip ?? board?.chipSelector ?? "gpiochip0"
    }

    /// The chip of a line whose `chip:` is `chip`; a blank `chip:` (which the validator
    /// rejects) reads as `gpiochip0`.
    public func chipSelector(for chip: String?) -> GPIOChipSelector {
        GPIOChipSelector(chipSelectorText(for: chip)) ?? .gpiochip0
    }

    // MARK: Before any chip is open

    /// What the board alone says about `line` on the chip `chip:` names.
    public func resolveOnBoard(_ line: GPIOLineSpec.Line, chip: String?) -> BoardLineResolution {
        resolveOnBoard(line, chip: chip, label: nil)
    }

    /// `label`: the open chip's label, or nil before the chip is open.
    private func resolveOnBoard(_ line: GPIOLineSpec.Line, chip: String?, label: String?) -> BoardLineResolution {
        let selector = chipSelector(for: chip)
        switch line {
        case .offset(let offset):
            return .offset(offset, chip: selector, name: nil)
        case .name(let name):
            guard let board, presetApplies(chip: chip, label: label) == true else { return .name(name, chip: selector) }
            switch board.lookup(name) {
            case .line(_, let offset):
                return .offset(offset, chip: selector, name: name)
            case .notGPIO(let pin, let function):
                return .invalid(LineResolutionError(.notGPIO, "pin \(pin) of the \(board.name) header is \(function), not a GPIO"))
            case .outOfRange(let message):
                return .invalid(LineResolutionError(.notOnBoard, message))
            case .unknown:
                return .name(name, chip: selector)
            }
        }
    }

    /// Whether the preset's names apply to the chip of a line whose `chip:` is `chip`:
    /// nil when only the open chip's label can tell (`label` is nil before the chip is open).
    private func presetApplies(chip: String?, label: String?) -> Bool? {
        guard let board else { return false }
        // No chip given: the line is on the preset's chip. A preset that finds its chip by
        // name has no label to check, so its names apply to whatever chip is given.
        guard let chip, let presetLabel = board.chipLabel else { return true }
        if let label { return label == presetLabel }
        if case .label(let given)? = GPIOChipSelector(chip) { return given == presetLabel }
        return nil
    }

    // MARK: On the open chip

    /// Opens the line's chip with `open` (given the selector text) and finds the line on
    /// it. A line that is wrong on the board alone fails before any chip is opened.
    public func resolve(_ line: GPIOLineSpec.Line, chip: String?,
                        open: (String) throws(GPIOError) -> any GPIOChip) throws(LineResolutionError) -> (chip: any GPIOChip, offset: UInt32) {
        if case .invalid(let problem) = resolveOnBoard(line, chip: chip) { throw problem }
        let selector = chipSelectorText(for: chip)
        let opened: any GPIOChip
        do {
            opened = try open(selector)
        } catch {
            throw LineResolutionError(.chipUnavailable, "chip '\(selector)': \(error)", chipError: error)
        }
        return (opened, try offset(of: line, chip: chip, on: opened))
    }

    /// A profile's line (its `chip:` and `line:`), as ``resolve(_:chip:open:)`` finds it.
    public func resolve(_ gpio: GPIOLineSpec,
                        open: (String) throws(GPIOError) -> any GPIOChip) throws(LineResolutionError) -> (chip: any GPIOChip, offset: UInt32) {
        try resolve(gpio.line, chip: gpio.chip, open: open)
    }

    /// The offset of `line` on the open chip `opened`, which `chip:` (`chip`) selected:
    /// the board part with the chip's label, then the chip's line count and line names.
    public func offset(of line: GPIOLineSpec.Line, chip: String?, on opened: any GPIOChip) throws(LineResolutionError) -> UInt32 {
        let place = "\(opened.name) (\(opened.label))"
        switch resolveOnBoard(line, chip: chip, label: opened.label) {
        case .invalid(let problem):
            throw problem
        case .offset(let offset, _, let name):
            guard Int(offset) < opened.lineCount else {
                if let name, let board {
                    throw LineResolutionError(.noSuchLine, "'\(name)' is line \(offset) on the \(board.name) board, but \(place) has only \(opened.lineCount) lines")
                }
                throw LineResolutionError(.noSuchLine, "\(place) has no line \(offset); it has \(opened.lineCount) lines (0...\(max(0, opened.lineCount - 1)))")
            }
            return offset
        case .name(let name, _):
            for offset in 0..<UInt32(max(0, opened.lineCount)) where opened.lineName(offset: offset) == name { return offset }
            var message = "\(place) has no line named '\(name)'"
            if let board, case .line(_, let offset) = board.lookup(name) {
                message += "; the \(board.name) preset maps '\(name)' to line \(offset) of the chip labelled '\(board.chipSelector)', but chip '\(chip ?? opened.name)' is \(place)"
            } else if board == nil, BoardPresets.raspberryPi4.lookup(name) != .unknown {
                message += " (header and GPIO names such as pin11 need a board preset: gateway.board in a profile, --board for gpio monitor)"
            }
            throw LineResolutionError(.noSuchLine, message)
        }
    }

    /// The offset of a profile's line (its `chip:` and `line:`) on the open chip its `chip:` selected.
    public func offset(of gpio: GPIOLineSpec, on opened: any GPIOChip) throws(LineResolutionError) -> UInt32 {
        try offset(of: gpio.line, chip: gpio.chip, on: opened)
    }

    /// The offset of a `gpio monitor` LINE argument on the chip the command line opened:
    /// a decimal offset, a preset name (with `--board`), or one of the chip's line names.
    /// The chip is given explicitly, so the preset applies when the chip carries its label.
    public static func offset(ofArgument text: String, on chip: any GPIOChip, board: BoardPreset?) throws(LineResolutionError) -> UInt32 {
        let line: GPIOLineSpec.Line = UInt32(text).map { .offset($0) } ?? .name(text)
        do {
            return try LineResolver(board: board).offset(of: line, chip: chip.name, on: chip)
        } catch where error.code == .noSuchLine {
            guard case .name = line else { throw error }
            throw LineResolutionError(.noSuchLine, error.message + " (see `sensorgate gpio list \(chip.name)`)")
        }
    }
}
