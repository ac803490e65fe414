import Foundation
import Profiles
import SensorgateCore
import Testing

@Suite("Expander profiles")
struct ExpanderProfileTests {
    @Test("expanders, their lines and PWM outputs decode with their defaults")
    func decoded() throws {
        let profile = try ValidFixtureTests.load("expanders.yaml")
        #expect(profile.expanders.map(\.id) == ["ioexp", "pcf", "servos"])
        let ioexp = profile.expanders[0]
        #expect(ioexp.driver == .mcp23017 && ioexp.bus == 1 && ioexp.address == 0x21 && ioexp.poll == .milliseconds(100))
        #expect(ioexp.interrupt == GPIOLineSpec(line: .offset(17), bias: .pullUp, edge: .falling))
        let pcf = profile.expanders[1]
        #expect(pcf.address == 0x20 && pcf.poll == .milliseconds(20) && pcf.interrupt == nil)
        #expect(profile.expanders[2].address == 0x40 && profile.expanders[2].frequency == 60)

        // GPB2 is line 10, P17 line 15: pin names resolve to offsets when validating.
        #expect(profile.inputs[0].gpio == GPIOLineSpec(line: .offset(10), bias: .pullUp, activeLow: true, edge: .falling,
                                                       expander: "ioexp"))
        #expect(profile.inputs[1].gpio == GPIOLineSpec(line: .offset(15), expander: "pcf"))
        #expect(profile.outputs == [OutputSpec(id: "relay", gpio: GPIOLineSpec(line: .offset(0), expander: "ioexp"),
                                               initial: true, safe: false)])
        #expect(profile.pwmOutputs == [
            PWMOutputSpec(id: "pan", expander: "servos", channel: 15, initial: .pulse(.microseconds(1500)),
                          pulseRange: .milliseconds(1)...(.milliseconds(2))),
            PWMOutputSpec(id: "led", expander: "servos", channel: 0, initial: .duty(12.5), safe: .duty(0)),
        ])
    }

    @Test("a PWM setting is checked against the period and the pulse range")
    func pwmLevels() {
        let servo = PWMOutputSpec(id: "pan", expander: "servos", channel: 0, pulseRange: .milliseconds(1)...(.milliseconds(2)))
        let period = Interval.milliseconds(20)
        #expect(servo.duty(of: .pulse(.microseconds(1500)), period: period) == .success(7.5))
        #expect(servo.duty(of: .duty(5), period: period) == .success(5)) // 1 ms
        #expect(servo.duty(of: .duty(0), period: period) == .success(0)) // no pulses at all
        #expect(servo.duty(of: .duty(50), period: period)
            == .failure(PWMLevelError("output 'pan' takes pulses from 1ms to 2ms (pulse_range), got 10ms")))
        let plain = PWMOutputSpec(id: "led", expander: "servos", channel: 1)
        #expect(plain.duty(of: .duty(100), period: period) == .success(100))
        #expect(plain.duty(of: .pulse(.milliseconds(25)), period: period)
            == .failure(PWMLevelError("a pulse of 25ms is longer than the period, 20ms at the controller's frequency")))
    }

    @Test("PWM commands: duty cycles, pulse widths, on/off and JSON objects",
          arguments: [("42.5", PWMCommand.set(.duty(42.5))), (" 42.5% ", .set(.duty(42.5))), ("0", .set(.duty(0))),
                      ("1.5ms", .set(.pulse(.microseconds(1500)))), ("1500us", .set(.pulse(.microseconds(1500)))),
                      ("ON", .set(.duty(100))), ("off", .set(.duty(0))), (#"{"duty": 7.5}"#, .set(.duty(7.5))),
                      (#"{"pulse": "2ms"}"#, .set(.pulse(.milliseconds(2))))])
    func pwmCommands(text: String, expected: PWMCommand) {
        #expect(PWMCommand.parse(text) == expected)
    }

    @Test("bad PWM commands say why",
          arguments: [("101", "a duty cycle is 0 to 100 %, got 101"), ("-1%", "a duty cycle is 0 to 100 %, got -1"),
                      ("", "empty command"), ("toggle", "unknown command 'toggle'"),
                      (#"{"duty": "7"}"#, "\"duty\" must be a number"), (#"{"pulse": 2}"#, "\"pulse\" must be a duration"),
                      (#"{"duty": 1, "pulse": "1ms"}"#, "one key, duty or pulse"), ("{", "invalid JSON command")])
    func badPWMCommands(text: String, reason: String) {
        guard case .invalid(let message) = PWMCommand.parse(text) else {
            Issue.record("'\(text)' was accepted")
            return
        }
        #expect(message.contains(reason), "\(message)")
    }
}

extension ExpanderProfileTests {
    @Test("poll defaults to 20ms, and to 1s (a fallback) with an interrupt line")
    func pollDefaults() throws {
        let profile = try ProfileLoader.load(text: """
            gateway: { id: polls }
            expanders:
              - { id: polled, driver: mcp23017, i2c: { bus: 1 } }
              - { id: woken, driver: pcf8574, i2c: { bus: 1, address: 0x21 }, interrupt: { line: 4 } }
            inputs:
              - { id: a, gpio: { expander: polled, line: 0 } }
            """, path: "polls.yaml")
        #expect(profile.expanders.map(\.poll) == [.milliseconds(20), .seconds(1)])
    }
}
