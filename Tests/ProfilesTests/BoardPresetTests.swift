import Foundation
@testable import Profiles
import Testing

/// The compiled-in board presets, and the documented YAML files in `DeviceProfiles/boards/`
/// that must say the same.
@Suite("Board presets")
struct BoardPresetTests {
    static let boardsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DeviceProfiles/boards")

    static var fileNames: [String] {
        let all = (try? FileManager.default.contentsOfDirectory(atPath: boardsDirectory.path)) ?? []
        return all.filter { $0.hasSuffix(".yaml") }.sorted()
    }

    static func load(_ fileName: String) throws -> BoardPreset {
        let url = boardsDirectory.appendingPathComponent(fileName)
        return try BoardPreset.decode(yaml: try String(contentsOf: url, encoding: .utf8), file: url.path)
    }

    @Test("there is one YAML file per compiled-in preset, and no other")
    func filesMatchTable() {
        #expect(Self.fileNames == BoardPresets.all.map { "\($0.name).yaml" }.sorted())
    }

    @Test("each YAML file equals its compiled-in preset", arguments: BoardPresetTests.fileNames)
    func fileEqualsTable(_ fileName: String) throws {
        let preset = try Self.load(fileName)
        #expect("\(preset.name).yaml" == fileName)
        #expect(BoardPreset.named(preset.name) == preset)
    }

    @Test("every preset the profile validator accepts exists")
    func namesMatchValidator() {
        #expect(BoardPreset.names.sorted() == ProfileDecoder.boards.sorted())
        for name in ProfileDecoder.boards { #expect(BoardPreset.named(name) != nil) }
        #expect(BoardPreset.named("raspberry-pi-6") == nil)
    }

    @Test("chips are matched by label on the Raspberry Pis, by name on generic")
    func chips() {
        #expect(BoardPresets.raspberryPi3.chip == .label("pinctrl-bcm2835"))
        #expect(BoardPresets.raspberryPiZero2W.chip == .label("pinctrl-bcm2835"))
        #expect(BoardPresets.raspberryPi4.chip == .label("pinctrl-bcm2711"))
        #expect(BoardPresets.raspberryPi5.chip == .label("pinctrl-rp1"))
        #expect(BoardPresets.generic.chip == .name("gpiochip0"))
        #expect(BoardPresets.generic.chipLabel == nil)
        #expect(BoardPresets.generic.chipSelector == "gpiochip0")
        #expect(BoardPresets.raspberryPi5.chipSelector == "pinctrl-rp1")
    }

    static let raspberryPis = [BoardPresets.raspberryPi3, BoardPresets.raspberryPi4, BoardPresets.raspberryPi5,
                               BoardPresets.raspberryPiZero2W]

    @Test("the 40-pin header: 28 GPIOs (each once), 8 ground, 2 × 3V3, 2 × 5V", arguments: BoardPresetTests.raspberryPis)
    func header(_ preset: BoardPreset) {
        #expect(preset.header.count == 40)
        var gpios: [UInt32] = []
        var grounds: [Int] = []
        var power: [Int: String] = [:]
        for (index, pin) in preset.header.enumerated() {
            switch pin {
            case .gpio(let number): gpios.append(number)
            case .ground: grounds.append(index + 1)
            case .power(let rail): power[index + 1] = rail
            }
        }
        #expect(gpios.sorted() == Array(0...27))
        #expect(grounds == [6, 9, 14, 20, 25, 30, 34, 39])
        #expect(power == [1: "3V3", 17: "3V3", 2: "5V", 4: "5V"])
    }

    @Test("pin and GPIO names resolve to the chip label and offset",
          arguments: [("pin11", 17), ("PIN11", 17), ("pin3", 2), ("pin5", 3), ("pin7", 4), ("pin13", 27),
                      ("pin27", 0), ("pin28", 1), ("pin40", 21), ("GPIO17", 17), ("gpio17", 17), ("GPIO0", 0),
                      ("GPIO27", 27)] as [(String, UInt32)])
    func resolves(_ name: String, _ offset: UInt32) {
        let resolved = BoardPresets.raspberryPi4.resolve(lineName: name)
        #expect(resolved?.chipLabel == "pinctrl-bcm2711")
        #expect(resolved?.offset == offset)
        let onPi5 = BoardPresets.raspberryPi5.resolve(lineName: name)
        #expect(onPi5?.chipLabel == "pinctrl-rp1")
        #expect(onPi5?.offset == offset)
    }

    @Test("power and ground pins, out-of-range pins and other names do not resolve")
    func doesNotResolve() {
        let pi = BoardPresets.raspberryPi4
        #expect(pi.lookup("pin1") == .notGPIO(pin: 1, .power("3V3")))
        #expect(pi.lookup("pin2") == .notGPIO(pin: 2, .power("5V")))
        #expect(pi.lookup("pin39") == .notGPIO(pin: 39, .ground))
        #expect(pi.resolve(lineName: "pin6") == nil)
        if case .outOfRange = pi.lookup("pin41") {} else { Issue.record("pin41 should be out of range") }
        if case .outOfRange = pi.lookup("pin0") {} else { Issue.record("pin0 should be out of range") }
        if case .outOfRange = pi.lookup("GPIO28") {} else { Issue.record("GPIO28 should be out of range") }
        for name in ["SDA1", "pin", "GPIO", "pin1a", "GPIO-1", "pin 11", "GPIO17x", ""] {
            #expect(pi.lookup(name) == .unknown, "\(name)")
        }
    }

    @Test("generic: GPIO<n> is offset n on gpiochip0, and there is no header")
    func generic() {
        let generic = BoardPresets.generic
        #expect(generic.resolve(lineName: "GPIO5")?.offset == 5)
        #expect(generic.resolve(lineName: "GPIO5")?.chipLabel == nil)
        #expect(generic.resolve(lineName: "GPIO200")?.offset == 200)
        #expect(generic.lookup("pin11") == .unknown)
        #expect(generic.header.isEmpty)
    }

    @Test("the YAML reader rejects malformed preset files",
          arguments: [
              "name: x\nsummary: y\nchip: { label: a }\ngpio: any\n",                              // no header
              "name: x\nsummary: y\nchip: { serial: a }\ngpio: any\nheader: {}\n",                 // bad chip key
              "name: x\nsummary: y\nchip: { label: a }\ngpio: { first: 5, last: 2 }\nheader: {}\n",
              "name: x\nsummary: y\nchip: { label: a }\ngpio: any\nheader: { 1: GND, 3: 5V }\n",   // pin 2 missing
              "name: x\nsummary: y\nchip: { label: a }\ngpio: any\nheader: { 1: VCC }\n",          // unknown function
              "name: x\nsummary: y\nchip: { label: a }\ngpio: any\nheader: {}\nextra: 1\n",        // unknown key
          ])
    func rejectsMalformed(_ text: String) {
        #expect(throws: BoardPreset.FileError.self) { try BoardPreset.decode(yaml: text, file: "test.yaml") }
    }

    @Test("the YAML reader reads a minimal preset")
    func readsMinimal() throws {
        let preset = try BoardPreset.decode(
            yaml: "name: x\nsummary: y\nchip: { name: gpiochip2 }\ngpio: { first: 2, last: 4 }\nheader: { 1: GPIO3, 2: GND }\n",
            file: "test.yaml")
        #expect(preset == BoardPreset(name: "x", summary: "y", chip: .name("gpiochip2"), gpioNumbers: 2...4,
                                      header: [.gpio(3), .ground]))
    }
}
