import GPIO
import I2C
import SensorgateCore

/// Where the gateway's drivers find their chips and buses: the kernel (``LinuxHardware``)
/// or the simulator (``SimulatedHardware``). The drivers above are the same either way.
protocol GatewayHardware: AnyObject {
    /// What `run` logs: "kernel" or "simulator".
    var kind: String { get }
    func chip(_ selector: String) throws(GPIOError) -> any GPIOChip
    func bus(_ number: Int) throws(I2CError) -> any I2CBus
    /// Lets the outside world go (simulated signals); called after lines are requested.
    func start()
    func stop()
}

/// The kernel's interfaces: `/dev/gpiochipN` through libgpiod and `/dev/i2c-N` through libi2c.
final class LinuxHardware: GatewayHardware {
    let kind = "kernel"

    func chip(_ selector: String) throws(GPIOError) -> any GPIOChip {
        // The libgpiod backend is the subject of its own issue; until it lands, say so
        // rather than fall back to anything.
        throw GPIOError(.unsupported, "the kernel GPIO backend (libgpiod \(Libgpiod.version)) is not available in this build yet; run with --simulate to use the simulated gpiochip")
    }

    func bus(_ number: Int) throws(I2CError) -> any I2CBus {
        try LinuxI2CBus(number: number)
    }

    func start() {}
    func stop() {}
}
