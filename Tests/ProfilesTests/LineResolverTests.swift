import Profiles
import SensorgateCore
import Testing

/// Line resolution: the board part `validate` checks, then the open chip's line count and
/// line names, with one set of rules for profiles and `gpio monitor`.
@Suite("LineResolver")
struct LineResolverTests {
    /// A gpiochip that only names its lines; resolution never requests one.
    final class NamedChip: GPIOChip {
        let name: String
        let label: String
        let lineCount: Int
        var path: String { "/dev/\(name)" }
        private let names: [String]

        init(name: String = "gpiochip0", label: String, lineCount: Int, names: [String]? = nil) {
            self.name = name
            self.label = label
            self.lineCount = lineCount
            self.names = names ?? (0..<lineCount).map { "GPIO\($0)" }
        }

        func lineName(offset: UInt32) -> String? {
            Int(offset) < names.count ? names[Int(offset)] : nil
        }

        func lineInfo(offset: UInt32) throws(GPIOError) -> GPIOLineInfo {
            throw GPIOError(.unsupported, "a naming-only test chip")
        }

        func request(_ lines: [LineConfig], consumer: String) throws(GPIOError) -> any GPIOLineRequest {
            throw GPIOError(.unsupported, "a naming-only test chip")
        }
    }

    /// Opens chips by the selector text the resolver asks for, and records the asks.
    final class Chips {
        var chips: [String: NamedChip]
        var opened: [String] = []

        init(_ chips: [String: NamedChip]) { self.chips = chips }

        func open(_ selector: String) throws(GPIOError) -> any GPIOChip {
            opened.append(selector)
            guard let chip = chips[selector] else { throw GPIOError(.chipNotFound, "no chip '\(selector)'") }
            return chip
        }
    }

    static let pi4 = LineResolver(board: BoardPresets.raspberryPi4)

    static func pi4Chip() -> NamedChip {
        NamedChip(label: "pinctrl-bcm2711", lineCount: 58)
    }

    // MARK: The board part

    @Test("pin11, GPIO17, gpio17 and 17 without a chip are one line on a Pi 4: offset 17 on the chip labelled pinctrl-bcm2711")
    func oneLineFourWays() {
        let expected = [
            BoardLineResolution.offset(17, chip: .label("pinctrl-bcm2711"), name: "pin11"),
            .offset(17, chip: .label("pinctrl-bcm2711"), name: "GPIO17"),
            .offset(17, chip: .label("pinctrl-bcm2711"), name: "gpio17"),
            .offset(17, chip: .label("pinctrl-bcm2711"), name: nil),
        ]
        let found = [GPIOLineSpec.Line.name("pin11"), .name("GPIO17"), .name("gpio17"), .offset(17)].map {
            Self.pi4.resolveOnBoard($0, chip: nil)
        }
        #expect(found == expected)
    }

    @Test("ground, supply, and pins or GPIO numbers the board lacks are invalid on the board alone",
          arguments: [
              ("pin6", BoardPresets.raspberryPi4, LineResolutionError.Code.notGPIO, "pin 6 of the raspberry-pi-4 header is GND, not a GPIO"),
              ("PIN2", BoardPresets.raspberryPi4, .notGPIO, "pin 2 of the raspberry-pi-4 header is 5V, not a GPIO"),
              ("pin17", BoardPresets.raspberryPi5, .notGPIO, "pin 17 of the raspberry-pi-5 header is 3V3, not a GPIO"),
              ("pin99", BoardPresets.raspberryPi4, .notOnBoard, "raspberry-pi-4 has header pins 1...40, not pin99"),
              ("pin0", BoardPresets.raspberryPi3, .notOnBoard, "raspberry-pi-3 has header pins 1...40, not pin0"),
              ("GPIO40", BoardPresets.raspberryPiZero2W, .notOnBoard, "raspberry-pi-zero-2-w has GPIO0...GPIO27, not GPIO40"),
          ] as [(String, BoardPreset, LineResolutionError.Code, String)])
    func invalidOnBoard(_ name: String, _ board: BoardPreset, _ code: LineResolutionError.Code, _ message: String) {
        #expect(LineResolver(board: board).resolveOnBoard(.name(name), chip: nil)
                == .invalid(LineResolutionError(code, message)))
    }

    @Test("names the preset does not define stay for the chip to resolve, and so do all names without a preset")
    func kernelNamesStayUnresolved() {
        #expect(Self.pi4.resolveOnBoard(.name("SDA1"), chip: nil) == .name("SDA1", chip: .label("pinctrl-bcm2711")))
        let none = LineResolver(board: nil)
        #expect(none.resolveOnBoard(.name("GPIO17"), chip: nil) == .name("GPIO17", chip: .gpiochip0))
        #expect(none.resolveOnBoard(.name("pin6"), chip: "1") == .name("pin6", chip: .path("/dev/gpiochip1")))
    }

    @Test("with a chip given, the preset applies by label: known for a label, left to the open chip for a path")
    func explicitChipOnBoard() {
        #expect(Self.pi4.resolveOnBoard(.name("pin11"), chip: "pinctrl-bcm2711")
                == .offset(17, chip: .label("pinctrl-bcm2711"), name: "pin11"))
        #expect(Self.pi4.resolveOnBoard(.name("pin6"), chip: "raspberrypi-exp-gpio")
                == .name("pin6", chip: .label("raspberrypi-exp-gpio")))
        #expect(Self.pi4.resolveOnBoard(.name("pin6"), chip: "/dev/gpiochip0") == .name("pin6", chip: .gpiochip0))
        // `generic` finds its chip by name, so its GPIO names apply on any chip.
        #expect(LineResolver(board: BoardPresets.generic).resolveOnBoard(.name("GPIO5"), chip: "gpiochip3")
                == .offset(5, chip: .path("/dev/gpiochip3"), name: "GPIO5"))
    }

    @Test("the chip: the line's chip, else the preset's label or name, else gpiochip0; 0, gpiochip0 and /dev/gpiochip0 are one")
    func chipSelector() {
        #expect(LineResolver(board: nil).chipSelectorText(for: nil) == "gpiochip0")
        #expect(LineResolver(board: BoardPresets.raspberryPi5).chipSelectorText(for: nil) == "pinctrl-rp1")
        #expect(LineResolver(board: BoardPresets.generic).chipSelectorText(for: nil) == "gpiochip0")
        #expect(LineResolver(board: BoardPresets.raspberryPi5).chipSelectorText(for: "gpiochip4") == "gpiochip4")
        let none = LineResolver(board: nil)
        let selectors = Set([nil, "0", "gpiochip0", "/dev/gpiochip0", " gpiochip0 "].map { none.chipSelector(for: $0) })
        #expect(selectors == [.gpiochip0])
        #expect(none.chipSelector(for: "gpiochip1") != .gpiochip0)
        #expect(GPIOChipSelector.gpiochip0.chipName == "gpiochip0")
        #expect(GPIOChipSelector("7")?.chipName == "gpiochip7")
        #expect(GPIOChipSelector("/dev/gpio/bank0")?.chipName == nil)
        #expect(GPIOChipSelector("pinctrl-rp1")?.chipName == nil)
    }

    // MARK: On the open chip

    @Test("a preset name resolves through the preset and opens the chip by the preset's label",
          arguments: [("pin11", 17), ("GPIO17", 17), ("pin40", 21), ("gpio4", 4)] as [(String, UInt32)])
    func presetFirst(_ name: String, _ offset: UInt32) throws {
        // Kernel names that disagree with the preset: the preset must win for its names.
        let chip = NamedChip(label: "pinctrl-bcm2711", lineCount: 58, names: (0..<58).map { $0 == 21 ? "pin11" : "LINE\($0)" })
        let chips = Chips(["pinctrl-bcm2711": chip])
        let resolved = try Self.pi4.resolve(GPIOLineSpec(line: .name(name)), open: chips.open)
        #expect(resolved.offset == offset)
        #expect(resolved.chip === chip)
        #expect(chips.opened == ["pinctrl-bcm2711"])
    }

    @Test("without a preset, names are the chip's own line names and the chip is gpiochip0")
    func kernelNames() throws {
        let chip = NamedChip(label: "sensorgate-sim", lineCount: 8, names: ["a", "b", "door", "d", "e", "f", "g", "h"])
        let chips = Chips(["gpiochip0": chip])
        let none = LineResolver(board: nil)
        #expect(try none.resolve(GPIOLineSpec(line: .name("door")), open: chips.open).offset == 2)
        #expect(chips.opened == ["gpiochip0"])
        #expect(throws: LineResolutionError(.noSuchLine, "gpiochip0 (sensorgate-sim) has no line named 'window'")) {
            try none.resolve(GPIOLineSpec(line: .name("window")), open: chips.open)
        }
        // A preset name without a preset: say what is missing.
        do {
            _ = try none.resolve(GPIOLineSpec(line: .name("pin11")), open: chips.open)
            Issue.record("pin11 needs a board")
        } catch {
            #expect(error.message.contains("need a board preset"))
        }
    }

    @Test("a name the preset does not define falls back to the chip's line names")
    func fallbackToKernelNames() throws {
        let chip = NamedChip(label: "pinctrl-bcm2711", lineCount: 58, names: (0..<58).map { $0 == 2 ? "SDA1" : "GPIO\($0)" })
        let chips = Chips(["pinctrl-bcm2711": chip])
        #expect(try Self.pi4.resolve(GPIOLineSpec(line: .name("SDA1")), open: chips.open).offset == 2)
    }

    @Test("a line wrong on the board fails as the board part says, before any chip is opened",
          arguments: ["pin6", "pin1", "pin99", "GPIO40"])
    func boardErrorsFirst(_ name: String) {
        // The chip even has a line of that name: the preset's meaning wins.
        let chip = NamedChip(label: "pinctrl-bcm2711", lineCount: 58, names: (0..<58).map { $0 == 3 ? name : "GPIO\($0)" })
        let chips = Chips(["pinctrl-bcm2711": chip])
        guard case .invalid(let expected) = Self.pi4.resolveOnBoard(.name(name), chip: nil) else {
            Issue.record("\(name) should be invalid on a Pi 4")
            return
        }
        #expect(throws: expected) { try Self.pi4.resolve(GPIOLineSpec(line: .name(name)), open: chips.open) }
        #expect(chips.opened.isEmpty)
        // And on a chip opened some other way (the simulator's), the same error.
        #expect(throws: expected) { try Self.pi4.offset(of: GPIOLineSpec(line: .name(name)), on: chip) }
    }

    @Test("offsets are taken as written, on the preset's chip when no chip is given, and must exist on it")
    func offsets() throws {
        let chips = Chips(["pinctrl-bcm2711": Self.pi4Chip()])
        #expect(try Self.pi4.resolve(GPIOLineSpec(line: .offset(22)), open: chips.open).offset == 22)
        #expect(throws: LineResolutionError(.noSuchLine, "gpiochip0 (pinctrl-bcm2711) has no line 58; it has 58 lines (0...57)")) {
            try Self.pi4.resolve(GPIOLineSpec(line: .offset(58)), open: chips.open)
        }
        let small = NamedChip(label: "pinctrl-bcm2711", lineCount: 8)
        #expect(throws: LineResolutionError(.noSuchLine, "'pin11' is line 17 on the raspberry-pi-4 board, but gpiochip0 (pinctrl-bcm2711) has only 8 lines")) {
            try Self.pi4.offset(of: GPIOLineSpec(line: .name("pin11")), on: small)
        }
    }

    @Test("an explicit chip wins over the preset's chip; the preset still applies when the label matches")
    func explicitChip() throws {
        let chips = Chips(["gpiochip0": Self.pi4Chip()])
        #expect(try Self.pi4.resolve(GPIOLineSpec(chip: "gpiochip0", line: .name("pin11")), open: chips.open).offset == 17)
        #expect(chips.opened == ["gpiochip0"])
    }

    @Test("an explicit chip with another label does not take the preset's mapping, nor its errors")
    func explicitOtherChip() throws {
        let expander = NamedChip(name: "gpiochip1", label: "raspberrypi-exp-gpio", lineCount: 8,
                                 names: ["pin6", "EXP1", "EXP2", "EXP3", "EXP4", "EXP5", "EXP6", "EXP7"])
        let chips = Chips(["gpiochip1": expander])
        do {
            _ = try Self.pi4.resolve(GPIOLineSpec(chip: "gpiochip1", line: .name("pin11")), open: chips.open)
            Issue.record("pin11 is not on the expander")
        } catch {
            #expect(error.code == .noSuchLine)
            #expect(error.message == "gpiochip1 (raspberrypi-exp-gpio) has no line named 'pin11'; the raspberry-pi-4 preset maps 'pin11' to line 17 of the chip labelled 'pinctrl-bcm2711', but chip 'gpiochip1' is gpiochip1 (raspberrypi-exp-gpio)")
        }
        #expect(try Self.pi4.resolve(GPIOLineSpec(chip: "gpiochip1", line: .name("pin6")), open: chips.open).offset == 0)
    }

    @Test("a chip that cannot be opened is reported with its selector and the backend's error")
    func missingChip() {
        let chips = Chips([:])
        do {
            _ = try LineResolver(board: BoardPresets.raspberryPi5).resolve(GPIOLineSpec(line: .name("GPIO17")), open: chips.open)
            Issue.record("no chip exists")
        } catch {
            #expect(error.code == .chipUnavailable)
            #expect(error.chipError?.code == .chipNotFound)
            #expect(error.message == "chip 'pinctrl-rp1': chip not found: no chip 'pinctrl-rp1'")
        }
    }

    // MARK: gpio monitor's LINE arguments

    @Test("a LINE argument: an offset, a preset name on the preset's chip, or a kernel name")
    func lineArguments() throws {
        let chip = NamedChip(label: "pinctrl-bcm2711", lineCount: 58, names: (0..<58).map { $0 == 2 ? "SDA1" : "GPIO\($0)" })
        #expect(try LineResolver.offset(ofArgument: "22", on: chip, board: nil) == 22)
        #expect(try LineResolver.offset(ofArgument: "pin11", on: chip, board: BoardPresets.raspberryPi4) == 17)
        #expect(try LineResolver.offset(ofArgument: "SDA1", on: chip, board: BoardPresets.raspberryPi4) == 2)
        #expect(try LineResolver.offset(ofArgument: "GPIO9", on: chip, board: nil) == 9)
        #expect(throws: LineResolutionError(.notGPIO, "pin 9 of the raspberry-pi-4 header is GND, not a GPIO")) {
            try LineResolver.offset(ofArgument: "pin9", on: chip, board: BoardPresets.raspberryPi4)
        }
        #expect(throws: LineResolutionError(.noSuchLine, "gpiochip0 (pinctrl-bcm2711) has no line named 'door' (see `sensorgate gpio list gpiochip0`)")) {
            try LineResolver.offset(ofArgument: "door", on: chip, board: BoardPresets.raspberryPi4)
        }
        #expect(throws: LineResolutionError(.noSuchLine, "gpiochip0 (pinctrl-bcm2711) has no line 99; it has 58 lines (0...57)")) {
            try LineResolver.offset(ofArgument: "99", on: chip, board: nil)
        }
        // The preset is the Pi 3's (pinctrl-bcm2835): it does not apply to this chip.
        do {
            _ = try LineResolver.offset(ofArgument: "pin11", on: chip, board: BoardPresets.raspberryPi3)
            Issue.record("a Pi 3 preset on a Pi 4 chip")
        } catch {
            #expect(error.message.contains("the raspberry-pi-3 preset maps 'pin11' to line 17 of the chip labelled 'pinctrl-bcm2835'"))
        }
    }
}
