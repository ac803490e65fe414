import Profiles
import SensorCatalog
import SensorgateCore
import Simulation

extension SimulatedHardware {
    /// A reload's added sensors get a simulated part where their bus has none at their
    /// address yet, moved by the new profile's `simulation:` signals; parts already on a
    /// bus stay as they are, so an unchanged sensor goes on measuring the same signal.
    func prepare(for profile: Profile) throws(GatewayError) {
        for (index, sensor) in profile.sensors.enumerated() {
            let bus = buses[sensor.bus] ?? SimulatedI2CBus(number: sensor.bus)
            let mux = sensor.mux.map { channel in
                bus.device(at: channel.address) as? SimulatedTCA9548A ?? SimulatedTCA9548A()
            }
            if let mux, let channel = sensor.mux {
                if mux.device(channel: channel.channel, at: sensor.address) != nil { continue }
            } else if bus.device(at: sensor.address) != nil {
                continue
            }
            guard let entry = SensorCatalog.entry(named: sensor.driver) else {
                throw GatewayError("sensor '\(sensor.id)': the simulator has no model of a \(sensor.driver)")
            }
            let signals = profile.simulation.sensors[sensor.id] ?? [:]
            let clock = SystemClock()
            let source = PhysicalSource(signals: signals, seed: profile.simulation.seed &+ 0x5EED &+ UInt64(index), clock: clock)
            let device = entry.simulateWithOptions(sensor.options, clock) { source.value(channel: $0) }
            if let mux, let channel = sensor.mux {
                if bus.device(at: channel.address) == nil { bus.attach(mux, at: channel.address) }
                mux.attach(device, channel: channel.channel, at: sensor.address)
            } else {
                bus.attach(device, at: sensor.address)
            }
            buses[sensor.bus] = bus
        }
    }
}
