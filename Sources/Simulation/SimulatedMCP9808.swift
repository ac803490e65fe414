import SensorDrivers
import SensorgateCore

/// A Microchip MCP9808 at the register level: 16-bit registers behind one pointer, most
/// significant byte first, read and written whole (the pointer does not advance).
///
/// It holds CONFIG, the manufacturer and device ids and the resolution register; T_A is
/// computed at each read from `values("temperature")` (nil means 21 °C), as a continuously
/// converting part shows it, truncated to the resolution's step like the real part (the
/// unused low bits read 0). Not modelled: conversion timing and shutdown (T_A always
/// holds the value now), the limit registers, the alert output and its flags.
public final class SimulatedMCP9808: SimulatedI2CDevice, @unchecked Sendable {
    public let manufacturerID: UInt16
    public let deviceID: UInt16
    private let values: @Sendable (String) -> Double?
    private let lock = Mutex()
    private var configuration: UInt16 = 0x0000
    private var resolution: UInt8 = 0b11
    private var implausibleReads = 0

    /// - Parameters:
    ///   - manufacturerID, deviceID: what registers 0x06 and 0x07 read; others make it
    ///     look like another part.
    ///   - clock: unused, the part converts continuously; taken for the catalog's shape.
    public init(manufacturerID: UInt16 = MCP9808.manufacturerID, deviceID: UInt16 = 0x0400,
                clock: any MonotonicClock = SystemClock(), values: @escaping @Sendable (String) -> Double?) {
        self.manufacturerID = manufacturerID
        self.deviceID = deviceID
        self.values = values
    }

    /// The resolution register's bits 1:0.
    public var resolutionBits: UInt8 { lock.withLock { resolution } }
    /// CONFIG as last written.
    public var configurationValue: UInt16 { lock.withLock { configuration } }

    /// Each of the next `count` reads of T_A returns 0x0FF0 (+255 °C, beyond the operating range).
    public func implausibleNextReads(_ count: Int) { lock.withLock { implausibleReads += count } }

    /// T_A for `celsius`: 13-bit two's complement in 0.0625 °C steps, truncated toward
    /// minus infinity to the resolution's step, clamped to the register's range.
    public static func ambientRegister(celsius: Double, resolutionBits: UInt8) -> UInt16 {
        let sixteenths = celsius.isFinite ? min(max((celsius * 16).rounded(.down), -4096), 4095) : 0
        let dropped = 3 - Int(resolutionBits & 0b11)
        let stepped = (Int(sixteenths) >> dropped) << dropped
        return UInt16(bitPattern: Int16(stepped)) & 0x1FFF
    }

    // MARK: SimulatedI2CDevice

    public func write(_ bytes: [UInt8], pointer: inout UInt8) -> Bool {
        guard let first = bytes.first else { return true } // an address-only write (a scan)
        pointer = first & 0x0F // bits 7...4 of the pointer must be 0 (register 5-1)
        let data = Array(bytes.dropFirst())
        lock.withLock {
            switch (pointer, data.count) {
            case (MCP9808.Register.configuration, 2):
                configuration = RegisterBytes.uint16BE(data[0], data[1])
            case (MCP9808.Register.resolution, 1):
                resolution = data[0] & 0b11
            default:
                break // only the pointer moved, or a read-only register: ignored
            }
        }
        return true
    }

    public func read(count: Int, pointer: inout UInt8) -> [UInt8]? {
        lock.withLock {
            let bytes: [UInt8]
            switch pointer {
            case MCP9808.Register.configuration: bytes = RegisterBytes.bytesBE(configuration)
            case MCP9808.Register.ambientTemperature:
                if implausibleReads > 0 {
                    implausibleReads -= 1
                    bytes = RegisterBytes.bytesBE(0x0FF0)
                } else {
                    bytes = RegisterBytes.bytesBE(Self.ambientRegister(celsius: values("temperature") ?? 21, resolutionBits: resolution))
                }
            case MCP9808.Register.manufacturerID: bytes = RegisterBytes.bytesBE(manufacturerID)
            case MCP9808.Register.deviceID: bytes = RegisterBytes.bytesBE(deviceID)
            case MCP9808.Register.resolution: bytes = [resolution]
            default: bytes = [0, 0]
            }
            return Array(bytes.prefix(count))
        }
    }
}
