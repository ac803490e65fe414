#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import Gateway
import Logging
import Profiles
import Runtime
import SensorgateCore
import Simulation
import Testing

/// The gateway resolves lines with the profile's resolver (tested in ProfilesTests) on its
/// hardware: here the simulator, whose chips are found by the same selectors.
@Suite("Gateway line resolution")
struct GatewayLineResolutionTests {
    static func profile(_ yaml: String) throws -> Profile {
        try ProfileLoader.load(text: yaml, path: "test.yaml")
    }

    static let pi4Profile = """
        gateway: { id: lines, board: raspberry-pi-4 }
        inputs:
          - id: door
            gpio: { line: pin11, kernel_debounce: 5ms, bias: pull-up }
            debounce: 0ms
          - id: button
            gpio: { line: GPIO4 }
        outputs:
          - id: fan
            gpio: { line: pin15 }
            initial: true
          - id: lamp
            gpio: { chip: 1, line: 3 }
        """

    @Test("the simulator carries the preset's label on the chip a line without chip: is on, and 1, gpiochip1 and /dev/gpiochip1 find one chip")
    func simulatedChips() throws {
        let hardware = try SimulatedHardware(profile: Self.profile(Self.pi4Profile), clock: ManualClock())
        let pi = try hardware.chip("pinctrl-bcm2711")
        #expect(pi.label == "pinctrl-bcm2711")
        let other = try hardware.chip("gpiochip1")
        #expect(other.name == "gpiochip1")
        #expect(try hardware.chip("1") === other)
        #expect(try hardware.chip("/dev/gpiochip1") === other)
        #expect(throws: GPIOError.self) { try hardware.chip("gpiochip0") }
    }

    @Test("the resolved line can be requested and its edges read on the simulator")
    func requestResolved() throws {
        let clock = ManualClock()
        let profile = try Self.profile("""
            gateway: { id: lines, board: raspberry-pi-3 }
            inputs:
              - id: door
                gpio: { line: pin11, bias: pull-down }
            """)
        let hardware = try SimulatedHardware(profile: profile, clock: clock)
        let resolver = LineResolver(board: BoardPresets.raspberryPi3)
        let (chip, offset) = try resolver.resolve(profile.inputs[0].gpio) { selector throws(GPIOError) in
            try hardware.chip(selector)
        }
        #expect(offset == 17)
        let simulated = try #require(chip as? SimulatedGPIOChip)
        #expect(simulated.label == "pinctrl-bcm2835")
        let request = try chip.request([LineConfig(offset: offset, direction: .input(edge: .both, bias: .pullDown))],
                                       consumer: "test")
        defer { request.release() }
        simulated.drive(offset: 17, level: true, at: Timestamp(nanoseconds: 5))
        var events: [EdgeEvent] = []
        _ = try request.readEdgeEvents(into: &events)
        #expect(events == [EdgeEvent(offset: 17, kind: .rising, timestamp: Timestamp(nanoseconds: 5))])
    }

    @Test("the gateway requests each line where the preset puts it, with the input's kernel debounce")
    func lineConfigs() throws {
        let profile = try Self.profile(Self.pi4Profile)
        let hardware = try SimulatedHardware(profile: profile, clock: ManualClock())
        let loop = try EventLoop()
        let state = "/tmp/sensorgate-line-resolution-\(getpid())"
        defer { _ = try? FileManager.default.removeItem(atPath: state) }
        let runtime = try GatewayRuntime(profile: profile, broker: BrokerURL(host: "127.0.0.1", port: 1, tls: false),
                                         stateDirectory: state, hardware: hardware, loop: loop,
                                         logger: Logger(label: "test"))
        try runtime.startOutputs()
        try runtime.startInputs()
        defer {
            for input in runtime.inputs { input.release(loop: loop) }
            for output in runtime.outputs { output.request.release() }
        }
        let pi = try #require(try hardware.chip("pinctrl-bcm2711") as? SimulatedGPIOChip)
        #expect(pi.configuration(offset: 17) == LineConfig(offset: 17, direction: .input(edge: .both, bias: .pullUp),
                                                           kernelDebounce: .milliseconds(5)))
        #expect(pi.configuration(offset: 4) == LineConfig(offset: 4, direction: .input(edge: .both, bias: .asIs)))
        #expect(pi.configuration(offset: 22) == LineConfig(offset: 22, direction: .output(initial: true)))
        let other = try #require(try hardware.chip("gpiochip1") as? SimulatedGPIOChip)
        #expect(other.configuration(offset: 3) == LineConfig(offset: 3, direction: .output(initial: false)))
        #expect(runtime.inputs.map(\.offset) == [17, 4])
    }

    @Test("a line wrong on the board stops the start with the validator's words")
    func boardErrorAtRun() throws {
        // A profile that passed validation on another board cannot name pin6 here: build it by hand.
        var profile = try Self.profile(Self.pi4Profile)
        profile.inputs[1].gpio.line = .name("pin6")
        let hardware = try SimulatedHardware(profile: Self.profile(Self.pi4Profile), clock: ManualClock())
        let runtime = try GatewayRuntime(profile: profile, broker: BrokerURL(host: "127.0.0.1", port: 1, tls: false),
                                         stateDirectory: "/tmp/sensorgate-line-resolution-\(getpid())-b",
                                         hardware: hardware, loop: try EventLoop(), logger: Logger(label: "test"))
        defer { _ = try? FileManager.default.removeItem(atPath: "/tmp/sensorgate-line-resolution-\(getpid())-b") }
        do {
            try runtime.start()
            Issue.record("pin6 is ground")
        } catch {
            #expect(error.description.contains("'button': pin 6 of the raspberry-pi-4 header is GND, not a GPIO"))
        }
    }
}

/// The parts of the libgpiod backend that need no kernel: timestamps, errno.
/// (They live here until the package has a GPIOTests target.)
