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

/// Why a profile's line could not be found.
enum LineResolutionError: Error, CustomStringConvertible {
    /// The chip could not be opened.
    case chip(selector: String, GPIOError)
    /// The chip is there, the line is not (or names something that is no GPIO).
    case line(String)

    var description: String {
        switch self {
        case .chip(let selector, let error): return "chip '\(selector)': \(error)"
        case .line(let message): return message
        }
    }
}

/// Finds a profile's line: its chip, then its offset on that chip.
///
/// - The chip: the line's `chip:` if given, else the board preset's chip (by label, e.g.
///   `pinctrl-bcm2711`, or by name for `generic`), else `gpiochip0`.
/// - The line: an offset as written; a name first through the board preset (`pin11`,
///   `GPIO17`), applied when the chip was chosen by the preset or carries the preset's
///   label; then among the chip's own line names.
enum LineResolver {
    /// The selector of the chip a line is on (see the type's documentation).
    static func chipSelector(for gpio: GPIOLineSpec, board: BoardPreset?) -> String {
        gpio.chip ?? board?.chipSelector ?? "gpiochip0"
    }

    /// Opens the line's chip with `open` and finds the line on it.
    static func resolve(_ gpio: GPIOLineSpec, board: BoardPreset?,
                        open: (String) throws(GPIOError) -> any GPIOChip) throws(LineResolutionError) -> (chip: any GPIOChip, offset: UInt32) {
        let selector = chipSelector(for: gpio, board: board)
        let chip: any GPIOChip
        do {
            chip = try open(selector)
        } catch {
            throw .chip(selector: selector, error)
        }
        return (chip, try offset(of: gpio, on: chip, board: board))
    }

    /// The line's offset on `chip`, through the board preset first, then the chip's line names.
    static func offset(of gpio: GPIOLineSpec, on chip: any GPIOChip, board: BoardPreset?) throws(LineResolutionError) -> UInt32 {
        let where_ = "\(chip.name) (\(chip.label))"
        switch gpio.line {
        case .offset(let offset):
            guard Int(offset) < chip.lineCount else {
                throw .line("\(where_) has no line \(offset); it has \(chip.lineCount) lines (0...\(max(0, chip.lineCount - 1)))")
            }
            return offset
        case .name(let name):
            var presetProblem: String?
            if let board {
                switch board.lookup(name) {
                case .line(let label, let offset):
                    if gpio.chip == nil || label == nil || label == chip.label {
                        guard Int(offset) < chip.lineCount else {
                            throw .line("'\(name)' is line \(offset) on the \(board.name) board, but \(where_) has only \(chip.lineCount) lines")
                        }
                        return offset
                    }
                    presetProblem = "the \(board.name) preset maps '\(name)' to line \(offset) of the chip labelled '\(label ?? board.chipSelector)', but chip '\(gpio.chip ?? "")' is \(where_)"
                case .notGPIO(let pin, let function):
                    throw .line("pin \(pin) of the \(board.name) header is \(function), not a GPIO")
                case .outOfRange(let message):
                    presetProblem = message
                case .unknown:
                    break
                }
            }
            if let offset = kernelOffset(named: name, on: chip) { return offset }
            var message = "\(where_) has no line named '\(name)'"
            if let presetProblem { message += "; \(presetProblem)" }
            else if board == nil, BoardPresets.raspberryPi4.lookup(name) != .unknown {
                message += " (header and GPIO names need `gateway.board`, e.g. raspberry-pi-4)"
            }
            throw .line(message)
        }
    }

    private static func kernelOffset(named name: String, on chip: any GPIOChip) -> UInt32? {
        for offset in 0..<UInt32(max(0, chip.lineCount)) where chip.lineName(offset: offset) == name { return offset }
        return nil
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
