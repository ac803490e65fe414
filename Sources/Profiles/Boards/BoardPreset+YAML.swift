/// Reads a board preset from its YAML file in `DeviceProfiles/boards/`:
///
/// ```yaml
/// name: raspberry-pi-4
/// summary: Raspberry Pi 4 Model B and Pi 400 (BCM2711): 40-pin header
/// chip: { label: pinctrl-bcm2711 }     # or { name: gpiochip0 }
/// gpio: { first: 0, last: 27 }         # GPIO<n> is line n for these n; `any` for no limit
/// header:                              # physical pin: GPIO<n>, 3V3, 5V or GND; {} for none
///   1: 3V3
///   3: GPIO2
/// ```
///
/// The binary uses the compiled-in ``BoardPresets``; this reader lets the tests check
/// that the documented files say the same.
extension BoardPreset {
    struct FileError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    static func decode(yaml text: String, file: String) throws(FileError) -> BoardPreset {
        let document = YAMLReader.read(text, file: file)
        if let first = document.diagnostics.first { throw FileError(message: first.description) }
        guard let root = document.root, case .mapping(let pairs) = root.value else {
            throw FileError(message: "\(file): expected a mapping at the top")
        }
        func value(_ key: String) -> ConfigNode? { pairs.first { $0.key == key }?.value }
        func string(_ key: String) throws(FileError) -> String {
            guard let node = value(key), let text = node.scalarText, !node.isNull else {
                throw FileError(message: "\(file): '\(key)' must be text")
            }
            return text
        }
        let known = Set(["name", "summary", "chip", "gpio", "header"])
        if let extra = pairs.first(where: { !known.contains($0.key) }) {
            throw FileError(message: "\(file):\(extra.keyLocation): unknown key '\(extra.key)'")
        }

        let name = try string("name")
        let summary = try string("summary")

        guard let chipNode = value("chip"), case .mapping(let chipPairs) = chipNode.value, chipPairs.count == 1,
              let chipText = chipPairs[0].value.scalarText else {
            throw FileError(message: "\(file): 'chip' must be { label: TEXT } or { name: TEXT }")
        }
        let chip: Chip
        switch chipPairs[0].key {
        case "label": chip = .label(chipText)
        case "name": chip = .name(chipText)
        default: throw FileError(message: "\(file): 'chip' must be { label: TEXT } or { name: TEXT }")
        }

        let gpioNumbers: ClosedRange<UInt32>?
        guard let gpioNode = value("gpio") else { throw FileError(message: "\(file): 'gpio' is missing") }
        if gpioNode.scalarText == "any" {
            gpioNumbers = nil
        } else if case .mapping(let range) = gpioNode.value,
                  let first = range.first(where: { $0.key == "first" })?.value.scalarText.flatMap({ UInt32($0) }),
                  let last = range.first(where: { $0.key == "last" })?.value.scalarText.flatMap({ UInt32($0) }),
                  range.count == 2, first <= last {
            gpioNumbers = first...last
        } else {
            throw FileError(message: "\(file): 'gpio' must be { first: N, last: N } or any")
        }

        var header: [HeaderPin] = []
        guard let headerNode = value("header"), case .mapping(let pins) = headerNode.value else {
            throw FileError(message: "\(file): 'header' must be a mapping of pin number to function ({} for none)")
        }
        for (index, pin) in pins.enumerated() {
            guard Int(pin.key) == index + 1 else {
                throw FileError(message: "\(file):\(pin.keyLocation): expected pin \(index + 1), got '\(pin.key)'")
            }
            guard let function = pin.value.scalarText else {
                throw FileError(message: "\(file):\(pin.value.location): pin \(pin.key) must be GPIO<n>, 3V3, 5V or GND")
            }
            switch function {
            case "3V3", "5V": header.append(.power(function))
            case "GND": header.append(.ground)
            default:
                guard function.hasPrefix("GPIO"), let number = UInt32(function.dropFirst(4)) else {
                    throw FileError(message: "\(file):\(pin.value.location): pin \(pin.key) must be GPIO<n>, 3V3, 5V or GND, got '\(function)'")
                }
                header.append(.gpio(number))
            }
        }
        return BoardPreset(name: name, summary: summary, chip: chip, gpioNumbers: gpioNumbers, header: header)
    }
}
