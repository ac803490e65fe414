#if canImport(Glibc)
import Glibc
#endif
@testable import Gateway
import Profiles
import SensorgateCore
import Simulation
import Testing

/// Line resolution (board preset, then kernel line names, then offsets) on simulated chips.
@Suite("LineResolver")
struct LineResolverTests {
    /// Opens simulated chips by the selector the resolver asks for, and records the asks.
    final class Chips {
        var chips: [String: SimulatedGPIOChip]
        var opened: [String] = []

        init(_ chips: [String: SimulatedGPIOChip]) { self.chips = chips }

        func open(_ selector: String) throws(GPIOError) -> any GPIOChip {
            opened.append(selector)
            guard let chip = chips[selector] else { throw GPIOError(.chipNotFound, "no chip '\(selector)'") }
            return chip
        }
    }

    static func pi4Chip() -> SimulatedGPIOChip {
        SimulatedGPIOChip(name: "gpiochip0", label: "pinctrl-bcm2711", lineCount: 58, clock: ManualClock())
    }

    @Test("a preset name resolves through the preset and opens the chip by the preset's label",
          arguments: [("pin11", 17), ("GPIO17", 17), ("pin40", 21), ("gpio4", 4)] as [(String, UInt32)])
    func presetFirst(_ name: String, _ offset: UInt32) throws {
        // Kernel names that disagree with the preset: the preset must win for its names.
        let names = (0..<58).map { $0 == 21 ? "pin11" : "LINE\($0)" }
        let chip = SimulatedGPIOChip(name: "gpiochip0", label: "pinctrl-bcm2711", lineCount: 58, lineNames: names,
                                     clock: ManualClock())
        let chips = Chips(["pinctrl-bcm2711": chip])
        let resolved = try LineResolver.resolve(GPIOLineSpec(line: .name(name)), board: BoardPresets.raspberryPi4,
                                                open: chips.open)
        #expect(resolved.offset == offset)
        #expect(resolved.chip === chip)
        #expect(chips.opened == ["pinctrl-bcm2711"])
    }

    @Test("without a preset, names are the chip's own line names and the chip is gpiochip0")
    func kernelNames() throws {
        let chip = SimulatedGPIOChip(name: "gpiochip0", label: "sensorgate-sim", lineCount: 8,
                                     lineNames: ["a", "b", "door", "d", "e", "f", "g", "h"], clock: ManualClock())
        let chips = Chips(["gpiochip0": chip])
        let resolved = try LineResolver.resolve(GPIOLineSpec(line: .name("door")), board: nil, open: chips.open)
        #expect(resolved.offset == 2)
        #expect(chips.opened == ["gpiochip0"])
        #expect(throws: LineResolutionError.self) {
            try LineResolver.resolve(GPIOLineSpec(line: .name("window")), board: nil, open: chips.open)
        }
    }

    @Test("a name the preset does not define falls back to the chip's line names")
    func fallbackToKernelNames() throws {
        let names = (0..<58).map { $0 == 2 ? "SDA1" : "GPIO\($0)" }
        let chip = SimulatedGPIOChip(name: "gpiochip0", label: "pinctrl-bcm2711", lineCount: 58, lineNames: names,
                                     clock: ManualClock())
        let chips = Chips(["pinctrl-bcm2711": chip])
        let offset = try LineResolver.resolve(GPIOLineSpec(line: .name("SDA1")), board: BoardPresets.raspberryPi4,
                                              open: chips.open).offset
        #expect(offset == 2)
        // GPIO40 is outside the header's GPIO range but a kernel name on this chip.
        #expect(try LineResolver.resolve(GPIOLineSpec(line: .name("GPIO40")), board: BoardPresets.raspberryPi4,
                                         open: chips.open).offset == 40)
    }

    @Test("offsets are taken as written, on the preset's chip when no chip is given")
    func offsets() throws {
        let chips = Chips(["pinctrl-bcm2711": Self.pi4Chip()])
        #expect(try LineResolver.resolve(GPIOLineSpec(line: .offset(22)), board: BoardPresets.raspberryPi4,
                                         open: chips.open).offset == 22)
        do {
            _ = try LineResolver.resolve(GPIOLineSpec(line: .offset(58)), board: BoardPresets.raspberryPi4, open: chips.open)
            Issue.record("offset 58 should not resolve on a 58-line chip")
        } catch {
            #expect("\(error)".contains("no line 58"))
        }
    }

    @Test("an explicit chip wins over the preset's chip; the preset still applies when the label matches")
    func explicitChip() throws {
        let pi = Self.pi4Chip()
        let chips = Chips(["gpiochip0": pi])
        let resolved = try LineResolver.resolve(GPIOLineSpec(chip: "gpiochip0", line: .name("pin11")),
                                                board: BoardPresets.raspberryPi4, open: chips.open)
        #expect(resolved.offset == 17)
        #expect(chips.opened == ["gpiochip0"])
    }

    @Test("an explicit chip with another label does not take the preset's mapping")
    func explicitOtherChip() {
        let expander = SimulatedGPIOChip(name: "gpiochip1", label: "raspberrypi-exp-gpio", lineCount: 8,
                                         lineNames: (0..<8).map { "EXP\($0)" }, clock: ManualClock())
        let chips = Chips(["gpiochip1": expander])
        do {
            _ = try LineResolver.resolve(GPIOLineSpec(chip: "gpiochip1", line: .name("pin11")),
                                         board: BoardPresets.raspberryPi4, open: chips.open)
            Issue.record("pin11 is not on the expander")
        } catch {
            #expect("\(error)".contains("pinctrl-bcm2711"))
        }
    }

    @Test("a power or ground pin is an error that says what the pin is")
    func powerPin() {
        let chips = Chips(["pinctrl-bcm2711": Self.pi4Chip()])
        do {
            _ = try LineResolver.resolve(GPIOLineSpec(line: .name("pin6")), board: BoardPresets.raspberryPi4, open: chips.open)
            Issue.record("pin6 is ground")
        } catch {
            #expect("\(error)" == "pin 6 of the raspberry-pi-4 header is GND, not a GPIO")
        }
    }

    @Test("the chip selector: the line's chip, else the preset's label or name, else gpiochip0")
    func chipSelector() {
        #expect(LineResolver.chipSelector(for: GPIOLineSpec(line: .offset(1)), board: nil) == "gpiochip0")
        #expect(LineResolver.chipSelector(for: GPIOLineSpec(line: .offset(1)), board: BoardPresets.raspberryPi5) == "pinctrl-rp1")
        #expect(LineResolver.chipSelector(for: GPIOLineSpec(line: .offset(1)), board: BoardPresets.generic) == "gpiochip0")
        #expect(LineResolver.chipSelector(for: GPIOLineSpec(chip: "gpiochip4", line: .offset(1)),
                                          board: BoardPresets.raspberryPi5) == "gpiochip4")
    }

    @Test("a chip that cannot be opened is reported with its selector")
    func missingChip() {
        let chips = Chips([:])
        do {
            _ = try LineResolver.resolve(GPIOLineSpec(line: .name("GPIO17")), board: BoardPresets.raspberryPi5, open: chips.open)
            Issue.record("no chip exists")
        } catch {
            guard case .chip(let selector, let gpioError) = error else {
                Issue.record("expected a chip error, got \(error)")
                return
            }
            #expect(selector == "pinctrl-rp1")
            #expect(gpioError.code == .chipNotFound)
        }
    }

    @Test("the resolved line can be requested and its edges read on the simulator")
    func requestResolved() throws {
        let clock = ManualClock()
        let chip = SimulatedGPIOChip(name: "gpiochip0", label: "pinctrl-bcm2835", lineCount: 54, clock: clock)
        let chips = Chips(["pinctrl-bcm2835": chip])
        let (resolvedChip, offset) = try LineResolver.resolve(GPIOLineSpec(line: .name("pin11")),
                                                              board: BoardPresets.raspberryPi3, open: chips.open)
        let request = try resolvedChip.request([LineConfig(offset: offset, direction: .input(edge: .both, bias: .pullDown))],
                                               consumer: "test")
        defer { request.release() }
        chip.drive(offset: 17, level: true, at: Timestamp(nanoseconds: 5))
        var events: [EdgeEvent] = []
        _ = try request.readEdgeEvents(into: &events)
        #expect(events == [EdgeEvent(offset: 17, kind: .rising, timestamp: Timestamp(nanoseconds: 5))])
    }
}
