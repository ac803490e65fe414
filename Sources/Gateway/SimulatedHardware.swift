import Profiles
import SensorCatalog
import SensorgateCore
import Simulation

/// The simulator in place of the kernel, driven by the profile's `simulation:` section:
/// simulated gpiochips whose pins are moved by a ``SignalPlayer``, and simulated I2C
/// buses whose devices answer SMBus transactions from register images computed from
/// the section's numeric signals. The gateway's drivers run on them unchanged.
final class SimulatedHardware: GatewayHardware {
    let kind = "simulator"

    /// Keyed by selector, so `0`, `gpiochip0` and `/dev/gpiochip0` find one chip.
    private var chips: [GPIOChipSelector: SimulatedGPIOChip] = [:]
    /// Extended by a reload (`SimulatedHardware+Reload.swift`).
    var buses: [Int: SimulatedI2CBus] = [:]
    private let player: SignalPlayer

    init(profile: Profile, clock: any MonotonicClock = SystemClock()) throws(GatewayError) {
        var chips: [GPIOChipSelector: SimulatedGPIOChip] = [:]
        let resolver = LineResolver(board: profile.gateway.board.flatMap(BoardPreset.named))
        // A chip selected by label carries that label, as the kernel's does (with a board
        // preset, a line without `chip:` is on the preset's chip, found by its label).
        func chip(for spec: GPIOLineSpec) -> SimulatedGPIOChip {
            let selector = resolver.chipSelector(for: spec.chip)
            if let existing = chips[selector] { return existing }
            let created: SimulatedGPIOChip
            switch selector {
            case .label(let label):
                created = SimulatedGPIOChip(name: label, label: label, clock: clock)
            case .path(let path):
                let name = selector.chipName ?? path
                created = SimulatedGPIOChip(name: name, label: "sensorgate-sim-\(name)", clock: clock)
            }
            chips[selector] = created
            return created
        }

        // Expanders: a simulated part per entry, its INT wired to its interrupt line.
        var buses: [Int: SimulatedI2CBus] = [:]
        var expanderPins: [String: any SimulatedPins] = [:]
        for expander in profile.expanders {
            let bus = buses[expander.bus] ?? SimulatedI2CBus(number: expander.bus)
            buses[expander.bus] = bus
            guard let part = Self.simulatedPart(expander.driver) else {
                bus.attach(SimulatedPCA9685(), at: expander.address)
                continue
            }
            if let interrupt = expander.interrupt {
                let simulated = chip(for: interrupt)
                let offset: UInt32
                do {
                    offset = try resolver.offset(of: interrupt, on: simulated)
                } catch {
                    throw GatewayError("expander '\(expander.id)': \(error)")
                }
                // Open drain, active low: released, the line's pull-up holds it high.
                simulated.drive(offset: offset, level: true)
                part.wire { asserted in simulated.drive(offset: offset, level: !asserted) }
            }
            bus.attach(part.device, at: expander.address)
            expanderPins[expander.id] = part.pins
        }

        // Binary signals for inputs, seeded per input so adding one does not change the others.
        var tracks: [SignalPlayer.Track] = []
        for (index, input) in profile.inputs.enumerated() {
            let pins: any SimulatedPins
            let offset: UInt32
            if let expander = input.gpio.expander, let part = expanderPins[expander], case .offset(let line) = input.gpio.line {
                pins = part
                offset = line
            } else {
                let simulated = chip(for: input.gpio)
                pins = simulated
                do {
                    offset = try resolver.offset(of: input.gpio, on: simulated)
                } catch {
                    throw GatewayError("input '\(input.id)': \(error)")
                }
            }
            guard let signal = profile.simulation.inputs[input.id] else { continue }
            let seed = profile.simulation.seed &+ UInt64(index) &* 0x9E37_79B9
            let binary: BinarySignal
            switch signal {
            case .square(let period, let duty, let bounce):
                binary = BinarySignal(shape: .square(period: period, duty: duty), bounce: bounce, seed: seed)
            case .pulses(let rate, let width, let bounce):
                binary = BinarySignal(shape: .pulses(ratePerSecond: rate, width: width), bounce: bounce, seed: seed)
            case .constant, .walk, .sine:
                throw GatewayError("input '\(input.id)': a binary input needs a square or pulses signal")
            }
            tracks.append(.init(chip: pins, offset: offset, signal: binary, activeLow: input.gpio.activeLow))
        }
        for output in profile.outputs where output.gpio.expander == nil { _ = chip(for: output.gpio) }
        self.chips = chips
        self.player = SignalPlayer(tracks: tracks, clock: clock)
        player.applyInitialLevels()

        // I2C devices: one simulated bus per bus number, a device per sensor.
        for (index, sensor) in profile.sensors.enumerated() {
            let bus = buses[sensor.bus] ?? SimulatedI2CBus(number: sensor.bus)
            buses[sensor.bus] = bus
            let signals = profile.simulation.sensors[sensor.id] ?? [:]
            let source = PhysicalSource(signals: signals, seed: profile.simulation.seed &+ 0x5EED &+ UInt64(index), clock: clock)
            guard let entry = SensorCatalog.entry(named: sensor.driver) else {
                throw GatewayError("sensor '\(sensor.id)': the simulator has no model of a \(sensor.driver)")
            }
            // The part's conversions run on the system clock: the bus worker and the
            // drivers' waits do too, whatever clock moves the GPIO signals.
            let partClock = SystemClock()
            let device = entry.simulateWithOptions(sensor.options, partClock) { source.value(channel: $0) }
            var part: any SimulatedI2CDevice = device
            if let outage = profile.simulation.outages[sensor.id] {
                // `from` counts from now: the gateway starts right after its hardware is built.
                let start = partClock.now() + outage.from
                part = SimulatedOutage(device, from: start, until: start + outage.duration, clock: partClock)
            }
            if let channel = sensor.mux {
                // Behind a multiplexer: one simulated TCA9548A per mux address on the bus.
                let mux = bus.device(at: channel.address) as? SimulatedTCA9548A ?? SimulatedTCA9548A()
                if bus.device(at: channel.address) == nil { bus.attach(mux, at: channel.address) }
                mux.attach(part, channel: channel.channel, at: sensor.address)
            } else {
                bus.attach(part, at: sensor.address)
            }
        }
        self.buses = buses
    }

    /// A simulated expander: the device on the bus, its pins, and how its INT is wired.
    struct SimulatedExpander {
        var device: any SimulatedI2CDevice
        var pins: any SimulatedPins
        var wire: (@escaping @Sendable (Bool) -> Void) -> Void
    }

    /// A simulated GPIO expander; nil for a PWM controller (it has no pins to drive).
    static func simulatedPart(_ driver: ExpanderSpec.Driver) -> SimulatedExpander? {
        switch driver {
        case .mcp23017:
            let part = SimulatedMCP23017()
            return SimulatedExpander(device: part, pins: part, wire: { part.interruptChanged = $0 })
        case .pcf8574, .pcf8575:
            let part = SimulatedPCF857x(model: driver == .pcf8574 ? .pcf8574 : .pcf8575)
            return SimulatedExpander(device: part, pins: part, wire: { part.interruptChanged = $0 })
        case .pca9685:
            return nil
        }
    }

    func chip(_ selector: String) throws(GPIOError) -> any GPIOChip {
        guard let parsed = GPIOChipSelector(selector), let chip = chips[parsed] else {
            throw GPIOError(.chipNotFound, "the simulator has no chip '\(selector)'")
        }
        return chip
    }

    func bus(_ number: Int) throws(I2CError) -> any I2CBus {
        guard let bus = buses[number] else {
            throw I2CError(.open, bus: number, address: 0, "the simulator has no bus \(number)")
        }
        return bus
    }

    func start() { player.start() }
    func stop() { player.stop() }
}

/// The physical quantities a simulated sensor measures, sampled when it converts.
/// Called from the bus worker's thread.
final class PhysicalSource: @unchecked Sendable {
    private let lock = Mutex()
    private var signals: [String: NumericSignal]
    private let clock: any MonotonicClock

    init(signals: [String: SignalSpec], seed: UInt64, clock: any MonotonicClock) {
        var built: [String: NumericSignal] = [:]
        for (offset, (channel, spec)) in signals.sorted(by: { $0.key < $1.key }).enumerated() {
            let shape: NumericSignal.Shape
            switch spec {
            case .constant(let value): shape = .constant(value)
            case .walk(let start, let step, let low, let high): shape = .walk(start: start, step: step, min: low, max: high)
            case .sine(let mean, let amplitude, let period): shape = .sine(mean: mean, amplitude: amplitude, period: period)
            case .square, .pulses: continue  // binary signals drive GPIO inputs; the validator rejects them here
            }
            built[channel] = NumericSignal(shape: shape, seed: seed &+ UInt64(offset))
        }
        self.signals = built
        self.clock = clock
    }

    func value(channel: String) -> Double? {
        let now = clock.now()
        return lock.withLock { () -> Double? in
            guard signals[channel] != nil else { return nil }
            return signals[channel]!.value(at: now)
        }
    }
}
