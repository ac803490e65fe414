import SensorgateCore
import Testing

@Suite("GPIOChipSelector")
struct GPIOChipSelectorTests {
    @Test("chip selectors", arguments: [
        ("0", GPIOChipSelector.path("/dev/gpiochip0")),
        ("4", .path("/dev/gpiochip4")),
        ("gpiochip12", .path("/dev/gpiochip12")),
        ("/dev/gpiochip3", .path("/dev/gpiochip3")),
        ("  gpiochip1 ", .path("/dev/gpiochip1")),
        ("pinctrl-bcm2711", .label("pinctrl-bcm2711")),
        ("gpio-sim.0-node0", .label("gpio-sim.0-node0")),
        ("gpiochipX", .label("gpiochipX")),
        ("-1", .label("-1")),
    ])
    func selectors(_ text: String, _ expected: GPIOChipSelector) {
        #expect(GPIOChipSelector(text) == expected)
    }

    @Test("an empty selector is no selector")
    func emptySelector() {
        #expect(GPIOChipSelector("") == nil)
        #expect(GPIOChipSelector("  ") == nil)
    }
}
