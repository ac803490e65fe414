/// The board presets compiled into the binary. `DeviceProfiles/boards/<name>.yaml` holds
/// the same data with its sources; `BoardPresetTests` checks that every file equals its
/// entry here, so change both together.
public enum BoardPresets {
    /// The 40-pin header shared by the Raspberry Pi 3, 4, 5 and Zero 2 W (pin 1 first).
    /// Pins 27 and 28 are GPIO0 and GPIO1 (ID_SD / ID_SC, reserved for HAT EEPROMs).
    static let raspberryPiHeader: [BoardPreset.HeaderPin] = [
        .power("3V3"), .power("5V"),   // 1, 2
        .gpio(2), .power("5V"),        // 3, 4
        .gpio(3), .ground,             // 5, 6
        .gpio(4), .gpio(14),           // 7, 8
        .ground, .gpio(15),            // 9, 10
        .gpio(17), .gpio(18),          // 11, 12
        .gpio(27), .ground,            // 13, 14
        .gpio(22), .gpio(23),          // 15, 16
        .power("3V3"), .gpio(24),      // 17, 18
        .gpio(10), .ground,            // 19, 20
        .gpio(9), .gpio(25),           // 21, 22
        .gpio(11), .gpio(8),           // 23, 24
        .ground, .gpio(7),             // 25, 26
        .gpio(0), .gpio(1),            // 27, 28
        .gpio(5), .ground,             // 29, 30
        .gpio(6), .gpio(12),           // 31, 32
        .gpio(13), .ground,            // 33, 34
        .gpio(19), .gpio(16),          // 35, 36
        .gpio(26), .gpio(20),          // 37, 38
        .ground, .gpio(21),            // 39, 40
    ]

    public static let raspberryPi3 = BoardPreset(
        name: "raspberry-pi-3",
        summary: "Raspberry Pi 3 Model B / B+ / A+ (BCM2837): 40-pin header on the BCM2835-family GPIO controller",
        chip: .label("pinctrl-bcm2835"), gpioNumbers: 0...27, header: raspberryPiHeader)

    public static let raspberryPi4 = BoardPreset(
        name: "raspberry-pi-4",
        summary: "Raspberry Pi 4 Model B and Pi 400 (BCM2711): 40-pin header",
        chip: .label("pinctrl-bcm2711"), gpioNumbers: 0...27, header: raspberryPiHeader)

    public static let raspberryPi5 = BoardPreset(
        name: "raspberry-pi-5",
        summary: "Raspberry Pi 5 (BCM2712 with the RP1 I/O controller): 40-pin header on RP1's bank 0",
        chip: .label("pinctrl-rp1"), gpioNumbers: 0...27, header: raspberryPiHeader)

    public static let raspberryPiZero2W = BoardPreset(
        name: "raspberry-pi-zero-2-w",
        summary: "Raspberry Pi Zero 2 W (RP3A0, BCM2710A1): 40-pin header",
        chip: .label("pinctrl-bcm2835"), gpioNumbers: 0...27, header: raspberryPiHeader)

    public static let generic = BoardPreset(
        name: "generic",
        summary: "Any board: GPIO<n> is line offset n on gpiochip0; no header map",
        chip: .name("gpiochip0"), gpioNumbers: nil, header: [])

    /// Every preset, by name order of the documentation.
    public static let all: [BoardPreset] = [raspberryPi3, raspberryPi4, raspberryPi5, raspberryPiZero2W, generic]
}
