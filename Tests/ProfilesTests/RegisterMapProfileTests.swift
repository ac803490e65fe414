import Foundation
@testable import Profiles
import SensorDrivers
import SensorgateCore
import Testing

/// The declarative driver's options in profiles: a map decodes into the model its driver
/// runs, and every mistake is reported at the key it is about.
@Suite("Register map profiles")
struct RegisterMapProfileTests {
    static let lm75 = "{ name: temperature, register: 0x00, width: 16, signed: true, mask: 0xFF80, shift: 7, scale: 0.5, unit: °C }"

    /// A profile with one `registers` sensor whose `options:` lines follow line 6.
    static func profile(_ options: String, after: String = "") -> String {
        """
        gateway: { id: t }
        sensors:
          - id: s
            driver: registers
            i2c: { bus: 1, address: 0x40 }
            options:
        \(options)
        \(after)
        """
    }

    /// `channels:` with `channel` as its one entry, on line 8 from column 11.
    static func channel(_ channel: String) -> String { profile("      channels:\n        - \(channel)") }

    /// The diagnostics of `text`, none if it loads.
    static func messages(_ text: String) -> [String] {
        do {
            _ = try ProfileLoader.load(text: text, path: "r.yaml")
            return []
        } catch {
            guard case .invalid(let diagnostics) = error else { return ["\(error)"] }
            return diagnostics.map(\.description)
        }
    }

    /// `r.yaml:8:COLUMN: error: MESSAGE` for `entry` written after `        - ` (ten
    /// characters) on line 8, the column that just after `before` (the key of the value
    /// the message is about; empty for the entry itself).
    static func located(after before: String, in entry: String, _ message: String) -> String {
        let offset = before.isEmpty ? 0
            : entry.range(of: before).map { entry.distance(from: entry.startIndex, to: $0.upperBound) } ?? -100
        return "r.yaml:8:\(offset + 11): error: \(message)"
    }

    @Test("the example decodes into the register maps the drivers run")
    func example() throws {
        let path = SensorCatalogExamples.directory.appendingPathComponent("registers.yaml").path
        let profile = try ProfileLoader.load(path: path)
        let board = try #require(profile.sensors.first { $0.id == "board" })
        let map = RegisterMapDriver.map(board.options)
        #expect(map.writes == [RegisterMap.Write(register: 0x01, value: 0x00, width: .bits8)])
        #expect(map.channels == [RegisterMap.Channel(
            name: "temperature", register: 0x00, width: .bits16, byteOrder: .big, signed: true, mask: 0xFF80, shift: 7,
            conversion: .linear(scale: 0.5, offset: 0), unit: "°C", decimals: 1, range: -55...125)])
        let solar = try #require(profile.sensors.first { $0.id == "solar" })
        #expect(RegisterMapDriver.map(solar.options).writes
                    == [RegisterMap.Write(register: 0x00, value: 0x399F, width: .bits16, byteOrder: .big)])
        #expect(RegisterMapDriver.map(solar.options).channels.map(\.mask) == [0xFFF8])
        // The sensor's channels are the map's: names, units and decimals.
        #expect(solar.channels.map(\.name) == ["bus_voltage"])
        #expect(RegisterMapDriver.descriptor.channels(for: solar.options)
                    == [ChannelDescriptor(name: "bus_voltage", unit: "V", decimals: 3)])
    }

    @Test("defaults: 8 bits, big endian, unsigned, every bit, no shift, scale 1, offset 0, no range; a polynomial")
    func defaults() throws {
        let text = Self.profile("""
                  channels:
                    - { name: raw, register: 0x10, unit: count }
                    - { name: curve, register: 0x11, width: 24, byte_order: little, polynomial: [1, 0.5, 0.25], unit: x }
            """)
        let profile = try ProfileLoader.load(text: text, path: "r.yaml")
        let map = RegisterMapDriver.map(try #require(profile.sensors.first).options)
        #expect(map.writes.isEmpty)
        #expect(map.channels == [
            RegisterMap.Channel(name: "raw", register: 0x10, width: .bits8, byteOrder: .big, signed: false, mask: 0xFF,
                                shift: 0, conversion: .linear(scale: 1, offset: 0), unit: "count"),
            RegisterMap.Channel(name: "curve", register: 0x11, width: .bits24, byteOrder: .little,
                                conversion: .polynomial([1, 0.5, 0.25]), unit: "x"),
        ])
    }

    @Test("channels: and simulation: of the sensor are checked against the map's channel names")
    func channelNames() {
        let text = Self.profile("      channels:\n        - \(Self.lm75)", after: """
                channels:
                  temprature: { enabled: false }
            simulation:
              s: { humidity: { constant: 40 } }
            """)
        #expect(Self.messages(text) == [
            "r.yaml:10:7: error: sensors[0].channels: unknown channel 'temprature' of driver registers, expected one of temperature (did you mean 'temperature'?)",
            "r.yaml:12:8: error: simulation.s: unknown channel 'humidity' of driver registers, expected one of temperature",
        ])
    }

    @Test("a registers sensor needs its channels", arguments: [
        ("gateway: { id: t }\nsensors:\n  - { id: s, driver: registers, i2c: { bus: 1 } }\n",
         "r.yaml:3:5: error: sensors[0]: missing required key 'options' (the registers driver needs 'channels')"),
        ("gateway: { id: t }\nsensors:\n  - { id: s, driver: registers, i2c: { bus: 1 }, options: { init: [] } }\n",
         "r.yaml:3:59: error: sensors[0].options: missing required option 'channels' of driver registers"),
        ("gateway: { id: t }\nsensors:\n  - { id: s, driver: registers, i2c: { bus: 1 }, options: { channels: [] } }\n",
         "r.yaml:3:71: error: sensors[0].options.channels: expected at least one channel, got an empty list"),
    ])
    func required(text: String, message: String) {
        #expect(Self.messages(text) == [message])
    }

    @Test("every mistake in a channel is reported at its key", arguments: [
        ("{ name: t, register: 0x100, unit: x }", "register: ", "sensors[0].options.channels[0].register: expected a register from 0x00 to 0xff, got '0x100'"),
        ("{ name: t, register: -1, unit: x }", "register: ", "sensors[0].options.channels[0].register: expected a register from 0x00 to 0xff, got '-1'"),
        ("{ name: t, register: 0xFF, width: 16, unit: x }", "register: ", "sensors[0].options.channels[0].register: a 16-bit register at 0xff runs past register 0xff"),
        ("{ name: t, register: 0xFE, width: 24, unit: x }", "register: ", "sensors[0].options.channels[0].register: a 24-bit register at 0xfe runs past register 0xff"),
        ("{ name: t, register: 0, width: 12, unit: x }", "width: ", "sensors[0].options.channels[0].width: expected a width of 8, 16, 24 or 32 bits, got '12' (did you mean '16'?)"),
        ("{ name: t, register: 0, byte_order: middle, unit: x }", "byte_order: ", "sensors[0].options.channels[0].byte_order: expected one of big, little, got 'middle'"),
        ("{ name: t, register: 0, mask: 0x1FF, unit: x }", "mask: ", "sensors[0].options.channels[0].mask: expected a mask that fits 8 bits (at most 0xff), got '0x1FF'"),
        ("{ name: t, register: 0, width: 16, mask: 0x00F0, shift: 8, unit: x }", "mask: ", "sensors[0].options.channels[0].mask: mask 0xf0 keeps no bit at or above the shift of 8: the field would be empty"),
        ("{ name: t, register: 0, width: 16, shift: 16, unit: x }", "shift: ", "sensors[0].options.channels[0].shift: expected an integer from 0 to 15, got '16'"),
        ("{ name: t, register: 0, signed: maybe, unit: x }", "signed: ", "sensors[0].options.channels[0].signed: expected true or false, got 'maybe'"),
        ("{ name: t, register: 0, scale: 0, unit: x }", "scale: ", "sensors[0].options.channels[0].scale: expected a number other than 0, got '0'"),
        ("{ name: t, register: 0, scale: 2, polynomial: [1, 2], unit: x }", "polynomial: ", "sensors[0].options.channels[0].polynomial: give either scale and offset or polynomial, not both"),
        ("{ name: t, register: 0, offset: 2, polynomial: [1], unit: x }", "polynomial: ", "sensors[0].options.channels[0].polynomial: give either scale and offset or polynomial, not both"),
        ("{ name: t, register: 0, polynomial: [], unit: x }", "polynomial: ", "sensors[0].options.channels[0].polynomial: expected a list of 1 to 8 coefficients [c0, c1, c2, ...], got an empty list (0 coefficients)"),
        ("{ name: t, register: 0, polynomial: [1, x], unit: x }", "polynomial: [1, ", "sensors[0].options.channels[0].polynomial[1]: expected a number, got 'x'"),
        ("{ name: t, register: 0, range: [5, 5], unit: x }", "range: ", "sensors[0].options.channels[0].range: expected low < high, got [5, 5]"),
        ("{ name: t, register: 0, range: [1], unit: x }", "range: ", "sensors[0].options.channels[0].range: expected a range [low, high] such as [-55, 125], got a list (1 numbers)"),
        ("{ name: t, register: 0, decimals: 16, unit: x }", "decimals: ", "sensors[0].options.channels[0].decimals: expected an integer from 0 to 15, got '16'"),
        ("{ name: t/x, register: 0, unit: x }", "name: ", "sensors[0].options.channels[0].name: expected a channel name usable as a topic level (no '/', '+' or '#'), got 't/x'"),
        ("{ name: status, register: 0, unit: x }", "name: ", "sensors[0].options.channels[0].name: channel name 'status' is taken (<prefix>/<sensor>/status, simulation.<sensor>.fail)"),
        ("{ name: t, register: 0 }", "", "sensors[0].options.channels[0]: missing required key 'unit'"),
        ("{ register: 0, unit: x }", "", "sensors[0].options.channels[0]: missing required key 'name'"),
        ("{ name: t, register: 0, unit: x, sign: true }", "unit: x, ", "sensors[0].options.channels[0]: unknown key 'sign' (did you mean 'signed'?)"),
    ])
    func channelErrors(channel: String, before: String, message: String) {
        #expect(Self.messages(Self.channel(channel)) == [Self.located(after: before, in: channel, message)])
    }

    @Test("crc: { polynomial, init } with Sensirion's 0x31 and 0xFF as defaults, or the shorthand sensirion")
    func crc() throws {
        let text = Self.profile("""
                  channels:
                    - { name: plain, register: 0x00, unit: x }
                    - { name: full, register: 0x10, width: 16, crc: { polynomial: 0x07, init: 0x00 }, unit: x }
                    - { name: defaults, register: 0x20, width: 24, crc: {}, unit: x }
                    - { name: partial, register: 0x30, width: 32, crc: { init: 0 }, unit: x }
                    - { name: named, register: 0x40, crc: sensirion, unit: x }
                    - { name: last, register: 0xFD, width: 16, crc: sensirion, unit: x }
            """)
        let profile = try ProfileLoader.load(text: text, path: "r.yaml")
        let map = RegisterMapDriver.map(try #require(profile.sensors.first).options)
        #expect(map.channels.map(\.crc) == [nil, CRC8(polynomial: 0x07, initial: 0x00), CRC8(polynomial: 0x31, initial: 0xFF),
                                             CRC8(polynomial: 0x31, initial: 0x00), .sensirion, .sensirion])
        #expect(map.channels.map(\.replyBytes) == [1, 3, 4, 5, 2, 3])
    }

    @Test("every mistake in a crc is reported at its key", arguments: [
        ("{ name: t, register: 0, unit: x, crc: { polynomial: 0x131 } }", "polynomial: ", "sensors[0].options.channels[0].crc.polynomial: expected a CRC-8 polynomial from 0x00 to 0xff, without its x^8 term (0x31 is x^8 + x^5 + x^4 + 1), got '0x131'"),
        ("{ name: t, register: 0, unit: x, crc: { polynomial: -1 } }", "polynomial: ", "sensors[0].options.channels[0].crc.polynomial: expected a CRC-8 polynomial from 0x00 to 0xff, without its x^8 term (0x31 is x^8 + x^5 + x^4 + 1), got '-1'"),
        ("{ name: t, register: 0, unit: x, crc: { init: 256 } }", "init: ", "sensors[0].options.channels[0].crc.init: expected a CRC-8 initial value from 0x00 to 0xff, got '256'"),
        ("{ name: t, register: 0, unit: x, crc: { polynomial: 0x31, inital: 0xFF } }", "polynomial: 0x31, ", "sensors[0].options.channels[0].crc: unknown key 'inital' (did you mean 'init'?)"),
        ("{ name: t, register: 0, unit: x, crc: { xorout: 0 } }", "crc: { ", "sensors[0].options.channels[0].crc: unknown key 'xorout', expected one of polynomial, init"),
        ("{ name: t, register: 0, unit: x, crc: true }", "crc: ", "sensors[0].options.channels[0].crc: expected a CRC-8 such as { polynomial: 0x31, init: 0xFF } or sensirion, got 'true'"),
        ("{ name: t, register: 0, unit: x, crc: [0x31, 0xFF] }", "crc: ", "sensors[0].options.channels[0].crc: expected a CRC-8 such as { polynomial: 0x31, init: 0xFF } or sensirion, got a list"),
        ("{ name: t, register: 0, unit: x, crc: sensirian }", "crc: ", "sensors[0].options.channels[0].crc: expected a CRC-8 such as { polynomial: 0x31, init: 0xFF } or sensirion, got 'sensirian'"),
        ("{ name: t, register: 0xFE, width: 16, crc: sensirion, unit: x }", "register: ", "sensors[0].options.channels[0].register: a 16-bit register at 0xfe with its CRC byte runs past register 0xff"),
        ("{ name: t, register: 0xFF, crc: sensirion, unit: x }", "register: ", "sensors[0].options.channels[0].register: a 8-bit register at 0xff with its CRC byte runs past register 0xff"),
    ])
    func crcErrors(channel: String, before: String, message: String) {
        #expect(Self.messages(Self.channel(channel)) == [Self.located(after: before, in: channel, message)])
    }

    @Test("channels of a register with a crc agree on its width and crc, reported at the second channel")
    func crcRegisterConflicts() {
        let fields = Self.profile("""
                  channels:
                    - { name: high, register: 0, width: 16, mask: 0xFF00, shift: 8, crc: sensirion, unit: x }
                    - { name: low, register: 0, width: 16, mask: 0x00FF, crc: sensirion, unit: x }
            """)
        #expect(Self.messages(fields).isEmpty)
        let unchecked = Self.profile("""
                  channels:
                    - { name: checked, register: 0, width: 16, crc: sensirion, unit: x }
                    - { name: unchecked, register: 0, width: 16, unit: x }
            """)
        #expect(Self.messages(unchecked) == [
            "r.yaml:9:40: error: sensors[0].options.channels[1].register: register 0x0 is read with width 16 and crc { polynomial: 0x31, init: 0xff } by channel 'checked' (at 8:11), here with width 16 and no crc: a part sends a register's checksum or not, so channels of a register with a crc agree on width and crc",
        ])
        let otherCRC = Self.profile("""
                  channels:
                    - { name: a, register: 0x10, width: 8, unit: x }
                    - { name: b, register: 0x10, width: 8, crc: { init: 0 }, unit: x }
            """)
        #expect(Self.messages(otherCRC) == [
            "r.yaml:9:53: error: sensors[0].options.channels[1].crc: register 0x10 is read with width 8 and no crc by channel 'a' (at 8:11), here with width 8 and crc { polynomial: 0x31, init: 0x0 }: a part sends a register's checksum or not, so channels of a register with a crc agree on width and crc",
        ])
    }

    @Test("duplicate channel names are reported at the second name")
    func duplicateNames() {
        let text = Self.profile("""
                  channels:
                    - { name: t, register: 0, unit: x }
                    - { name: t, register: 1, unit: x }
            """)
        #expect(Self.messages(text) == [
            "r.yaml:9:19: error: sensors[0].options.channels[1].name: duplicate channel name 't' (first at 8:11); names are topic levels",
        ])
    }

    @Test("every mistake in an init write is reported at its key", arguments: [
        ("{ register: 1 }", "", "sensors[0].options.init[0]: missing required key 'value'"),
        ("{ register: 1, value: 0x100 }", "value: ", "sensors[0].options.init[0].value: expected a value that fits 8 bits (0 to 0xff), got '0x100'"),
        ("{ register: 1, value: 0x10000, width: 16 }", "value: ", "sensors[0].options.init[0].value: expected a value that fits 16 bits (0 to 0xffff), got '0x10000'"),
        ("{ register: 0xFE, value: 0, width: 32 }", "register: ", "sensors[0].options.init[0].register: a 32-bit register at 0xfe runs past register 0xff"),
        ("{ register: 1, value: 0, width: 7 }", "width: ", "sensors[0].options.init[0].width: expected a width of 8, 16, 24 or 32 bits, got '7'"),
        ("{ register: 1, value: 0, byte_order: BIG }", "byte_order: ", "sensors[0].options.init[0].byte_order: expected one of big, little, got 'BIG' (did you mean 'big'?)"),
        ("{ register: 1, value: zero }", "value: ", "sensors[0].options.init[0].value: expected a value that fits 8 bits (0 to 0xff), got 'zero'"),
    ])
    func initErrors(write: String, before: String, message: String) {
        let text = Self.profile("      init:\n        - \(write)\n      channels:\n        - \(Self.lm75)")
        #expect(Self.messages(text) == [Self.located(after: before, in: write, message)])
    }

    @Test("bad options leave the channels unknown instead of reporting them against the example map")
    func badMapNoChannelNoise() {
        let text = Self.profile("      channels:\n        - { name: t, register: 0x100, unit: x }",
                                after: "    channels:\n      t: { enabled: false }")
        #expect(Self.messages(text).count == 1)
    }

    @Test("any address 0x08...0x77; the interval at least 10 ms", arguments: [
        ("i2c: { bus: 1, address: 0x07 }", true), ("i2c: { bus: 1, address: 0x08 }", false),
        ("i2c: { bus: 1, address: 0x77 }", false), ("i2c: { bus: 1, address: 0x78 }", true),
        ("i2c: { bus: 1 }\n    interval: 10ms", false), ("i2c: { bus: 1 }\n    interval: 9ms", true),
    ])
    func addressesAndInterval(i2c: String, refused: Bool) {
        let text = "gateway: { id: t }\nsensors:\n  - id: s\n    driver: registers\n    \(i2c)\n    options:\n      channels:\n        - \(Self.lm75)\n"
        #expect(Self.messages(text).isEmpty != refused, "\(Self.messages(text))")
    }
}

/// Where the example profiles are.
enum SensorCatalogExamples {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DeviceProfiles/examples")
}
