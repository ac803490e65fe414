import SensorgateCore

/// Finds the devices on a bus the way `i2cdetect` does by default.
///
/// Addresses 0x08...0x77 are probed (the rest are reserved by the I2C specification).
/// Most are probed with an SMBus quick write; 0x30...0x37 and 0x50...0x5F are probed
/// with a receive byte instead, because a quick write can corrupt some EEPROMs there
/// (the same split as i2cdetect's default "auto" mode).
public enum I2CScanner {
    /// How an address is probed.
    public enum ProbeMethod: Sendable, Equatable {
        /// SMBus quick command, write bit.
        case quickWrite
        /// SMBus receive byte.
        case receiveByte
    }

    /// The addresses scanned by default.
    public static let addresses: ClosedRange<UInt8> = 0x08...0x77

    /// The probe `i2cdetect` uses by default for `address`.
    public static func probeMethod(for address: UInt8) -> ProbeMethod {
        switch address {
        case 0x30...0x37, 0x50...0x5F: .receiveByte
        default: .quickWrite
        }
    }

    /// Whether a device acknowledges `address`: true if it answers, false on a NACK;
    /// any other failure (a stuck bus, an adapter that cannot do the probe, an address
    /// claimed by a kernel driver) is thrown so that a caller can report it.
    public static func probe(bus: any I2CBus, address: UInt8) throws(I2CError) -> Bool {
        do {
            switch probeMethod(for: address) {
            case .quickWrite: try bus.quick(address: address)
            case .receiveByte: _ = try bus.readByte(address: address)
            }
            return true
        } catch where error.code == .nack {
            return false
        }
    }

    /// The addresses in 0x08...0x77 at which a device answers, ascending. An address
    /// whose probe fails for any reason counts as empty, as in `i2cdetect`'s `--`;
    /// use ``probe(bus:address:)`` to tell failures from absence.
    public static func scan(bus: any I2CBus) -> [UInt8] {
        addresses.filter { address in
            (try? probe(bus: bus, address: address)) ?? false
        }
    }
}
