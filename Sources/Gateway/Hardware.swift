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

    /// libgpiod's chips, loaded on the first chip asked for: a profile with I2C sensors
    /// only never needs libgpiod installed.
    private var loadedProvider: (any GPIOChipProvider)?
    /// Chips opened so far, by selector: every line of a chip is requested through one
    /// handle. A chip closes when it is dropped here (``stop()``) and its last request is released.
    private var chips: [String: any GPIOChip] = [:]

    private func provider() throws(GPIOError) -> any GPIOChipProvider {
        if let loadedProvider { return loadedProvider }
        let provider: any GPIOChipProvider
        do {
            provider = try Libgpiod.chipProvider()
        } catch {
            throw GPIOError(error.code, "\(error.message); or run with --simulate to use the simulated gpiochip",
                            errno: error.errno)
        }
        loadedProvider = provider
        return provider
    }

    func chip(_ selector: String) throws(GPIOError) -> any GPIOChip {
        if let chip = chips[selector] { return chip }
        let provider = try provider()
        let chip: any GPIOChip
        do {
            chip = try provider.openChip(selector)
        } catch where error.code == .chipNotFound && provider.chipPaths().isEmpty {
            // No chip at all: most likely a machine without GPIO (a PC, a container).
            throw GPIOError(error.code, "\(error.message); this machine has no GPIO character device (/dev/gpiochip*): run with --simulate to use the simulated gpiochip",
                            errno: error.errno)
        }
        chips[selector] = chip
        return chip
    }

    func bus(_ number: Int) throws(I2CError) -> any I2CBus {
        try LinuxI2CBus(number: number)
    }

    func start() {}

    func stop() { chips.removeAll() }
}
