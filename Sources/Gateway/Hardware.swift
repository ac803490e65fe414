import GPIO
import I2C
import Profiles
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
    /// Before a reload applies `profile`: whatever the new components need that the
    /// hardware does not have yet (the simulator's parts for added sensors).
    func prepare(for profile: Profile) throws(GatewayError)
}

extension GatewayHardware {
    /// The kernel's chips and buses are there or not: a reload finds out as it requests them.
    func prepare(for profile: Profile) throws(GatewayError) {}
}

/// The kernel's interfaces: `/dev/gpiochipN` through libgpiod and `/dev/i2c-N` through libi2c.
final class LinuxHardware: GatewayHardware {
    let kind = "kernel"

    /// libgpiod's chips, loaded on the first chip asked for: a profile with I2C sensors
    /// only never needs libgpiod installed.
    private var loadedProvider: (any GPIOChipProvider)?
    /// Chips opened so far, by selector (`0`, `gpiochip0` and `/dev/gpiochip0` are one), and
    /// a chip named two ways (its label and its number) is opened once: every line of a
    /// chip is requested through one handle. A chip closes when it is dropped here
    /// (``stop()``) and its last request is released.
    private var chips: [GPIOChipSelector: any GPIOChip] = [:]

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
        let key = GPIOChipSelector(selector)
        if let key, let chip = chips[key] { return chip }
        let provider = try provider()
        let chip: any GPIOChip
        do {
            chip = try provider.openChip(selector)
        } catch where error.code == .chipNotFound && provider.chipPaths().isEmpty {
            // No chip at all: most likely a machine without GPIO (a PC, a container).
            throw GPIOError(error.code, "\(error.message); this machine has no GPIO character device (/dev/gpiochip*): run with --simulate to use the simulated gpiochip",
                            errno: error.errno)
        }
        let opened = chips.values.first { $0.path == chip.path } ?? chip
        if let key { chips[key] = opened }
        return opened
    }

    func bus(_ number: Int) throws(I2CError) -> any I2CBus {
        try LinuxI2CBus(number: number)
    }

    func start() {}

    func stop() { chips.removeAll() }
}
