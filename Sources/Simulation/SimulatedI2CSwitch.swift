/// A simulated part that connects the bus to parts downstream of it, as an I2C
/// multiplexer does: ``SimulatedI2CBus`` sends a transaction to every part that answers at
/// its address, the parts attached to the bus itself and the parts each switch on the bus
/// connects now. More than one is a collision, as on a real bus.
///
/// Called by the bus while it holds its lock; must not call back into the bus.
public protocol SimulatedI2CSwitch: SimulatedI2CDevice {
    /// The downstream parts at `address` the switch connects to the bus now.
    func connectedDevices(at address: UInt8) -> [any SimulatedI2CDevice]
}
