import SensorgateCore

/// ROHM BH1750FVI ambient light sensor, over I2C.
///
/// Datasheet: ROHM, "Digital 16bit Serial Output Type Ambient Light Sensor IC BH1750FVI"
/// (Technical Note, 2009.04 Rev.B),
/// <https://www.mouser.com/datasheet/2/348/bh1750fvi-e-186247.pdf>. Page numbers below refer to it.
///
/// The part takes one-byte opcodes, each in its own write with a stop (p. 10, "Write
/// Format"), and answers any read with the 16-bit measurement result, high byte first
/// (p. 10, "Read Format"). `setUp` powers the part on, resets its data register, sets
/// the measurement time register MTreg (p. 11) and, in a continuous mode, starts
/// measuring. In a one-time mode every `read` powers the part on (the previous one-time
/// measurement powered it down), sends the mode's opcode, waits the maximum measurement
/// time and reads; in a continuous mode it reads the latest result. The part
/// has no checksum and no id; a result at full scale (0xFFFF: saturated, or an idle bus)
/// is refused as implausible.
///
/// Default address 0x23 (ADDR low), 0x5C with ADDR high (p. 10, "Slave Address");
/// default poll interval 5 s.
public final class BH1750: SensorDriver, @unchecked Sendable {
    /// `mode`: one-time or continuous, at one of the three resolutions (p. 5, p. 7).
    public static let modeOption = DriverOption(
        name: "mode", kind: .choice(Mode.allCases.map(\.rawValue)),
        defaultValue: .choice(Mode.oneTimeHigh.rawValue),
        meaning: "measurement mode: one-time (the part powers down between readings) or continuous, at high (1 lx), high2 (0.5 lx) or low (4 lx) resolution")
    /// `mtreg`: the measurement time register, scaling sensitivity and measurement time.
    public static let measurementTimeOption = DriverOption(
        name: "mtreg", kind: .integer(Int(minimumMTreg)...Int(maximumMTreg)),
        defaultValue: .integer(Int(defaultMTreg)),
        meaning: "measurement time register MTreg: 69 by default; higher for dim light (finer steps, longer measurement), lower to reach 100000 lx")

    /// The catalog entry: default address 0x23 (ADDR low), 0x5C with ADDR high.
    public static let descriptor = DriverDescriptor(
        name: "bh1750",
        part: "BH1750",
        summary: "ROHM BH1750FVI ambient light sensor",
        defaultAddress: 0x23,
        allowedAddresses: [0x23, 0x5C],
        defaultInterval: .seconds(5),
        // Covers the longest measurement the options allow: 180 ms · 254 / 69 = 663 ms.
        minimumInterval: .seconds(1),
        channels: [
            ChannelDescriptor(name: "illuminance", unit: "lx", deviceClass: "illuminance", decimals: 2),
        ],
        options: [modeOption, measurementTimeOption],
        make: { options in
            BH1750(mode: Mode(rawValue: options.choice(modeOption)) ?? .oneTimeHigh,
                   mtreg: UInt8(clamping: options.integer(measurementTimeOption)))
        }
    )

    // MARK: Instructions (p. 5, "Instruction Set Architecture")

    /// The opcodes, named as in the datasheet.
    public enum Opcode {
        /// Power down: no active state.
        public static let powerDown: UInt8 = 0x00
        /// Power on: waiting for a measurement command.
        public static let powerOn: UInt8 = 0x01
        /// Reset: clears the data register; not accepted in power down.
        public static let reset: UInt8 = 0x07
        public static let continuouslyHResolutionMode: UInt8 = 0x10
        public static let continuouslyHResolutionMode2: UInt8 = 0x11
        public static let continuouslyLResolutionMode: UInt8 = 0x13
        /// One time modes power the part down after their measurement.
        public static let oneTimeHResolutionMode: UInt8 = 0x20
        public static let oneTimeHResolutionMode2: UInt8 = 0x21
        public static let oneTimeLResolutionMode: UInt8 = 0x23
        /// Change measurement time, high bits: `01000_MT[7,6,5]`.
        public static let changeMeasurementTimeHighBit: UInt8 = 0b0100_0000
        /// Change measurement time, low bits: `011_MT[4,3,2,1,0]`.
        public static let changeMeasurementTimeLowBit: UInt8 = 0b0110_0000

        /// The two opcodes that set MTreg to `mtreg` (p. 11), high bits first.
        public static func changeMeasurementTime(_ mtreg: UInt8) -> [UInt8] {
            [changeMeasurementTimeHighBit | mtreg >> 5, changeMeasurementTimeLowBit | mtreg & 0b1_1111]
        }
    }

    /// MTreg's default and range (p. 11).
    public static let defaultMTreg: UInt8 = 69
    public static let minimumMTreg: UInt8 = 31
    public static let maximumMTreg: UInt8 = 254
    /// The count per lux at MTreg 69 in H-resolution mode (p. 2, "Measurement Accuracy", typ. 1.2).
    public static let countsPerLux = 1.2

    /// The measurement mode: when the part measures, and at what resolution.
    public enum Mode: String, Sendable, CaseIterable {
        case oneTimeHigh = "one-time-high"
        case oneTimeHigh2 = "one-time-high2"
        case oneTimeLow = "one-time-low"
        case continuousHigh = "continuous-high"
        case continuousHigh2 = "continuous-high2"
        case continuousLow = "continuous-low"

        public var opcode: UInt8 {
            switch self {
            case .oneTimeHigh: Opcode.oneTimeHResolutionMode
            case .oneTimeHigh2: Opcode.oneTimeHResolutionMode2
            case .oneTimeLow: Opcode.oneTimeLResolutionMode
            case .continuousHigh: Opcode.continuouslyHResolutionMode
            case .continuousHigh2: Opcode.continuouslyHResolutionMode2
            case .continuousLow: Opcode.continuouslyLResolutionMode
            }
        }

        public var isContinuous: Bool {
            switch self {
            case .continuousHigh, .continuousHigh2, .continuousLow: true
            case .oneTimeHigh, .oneTimeHigh2, .oneTimeLow: false
            }
        }

        /// H-resolution mode2 counts half a lux per step: its result is halved (p. 11).
        public var isHigh2: Bool { self == .oneTimeHigh2 || self == .continuousHigh2 }

        public var isLowResolution: Bool { self == .oneTimeLow || self == .continuousLow }

        /// The maximum measurement time at MTreg 69 (p. 2): 180 ms at H-resolution (both),
        /// 24 ms at L-resolution.
        public var maximumTimeAtDefaultMTreg: Interval { isLowResolution ? .milliseconds(24) : .milliseconds(180) }

        /// The maximum measurement time at `mtreg`: proportional to it (p. 11), rounded up
        /// to the microsecond.
        public func maximumTime(mtreg: UInt8) -> Interval {
            let microseconds = (Int(maximumTimeAtDefaultMTreg.nanoseconds / 1_000) * Int(mtreg) + 68) / 69
            return .microseconds(microseconds)
        }
    }

    // MARK: Decoding (p. 10, "Read Format"; p. 11)

    /// `lx = count / 1.2 · (69 / MTreg)`, halved in H-resolution mode2.
    public static func illuminance(count: UInt16, mode: Mode, mtreg: UInt8) -> Double {
        let lux = Double(count) / countsPerLux * Double(defaultMTreg) / Double(mtreg)
        return mode.isHigh2 ? lux / 2 : lux
    }

    /// Turns the two bytes of a result into `[illuminance lx]`, refusing full scale.
    public static func decode(_ reply: [UInt8], mode: Mode, mtreg: UInt8, bus: Int, address: UInt8) throws(I2CError) -> [Double] {
        guard reply.count == 2 else {
            throw I2CError(.invalidReply, bus: bus, address: address, "BH1750 result has \(reply.count) bytes, expected 2")
        }
        let count = RegisterBytes.uint16BE(reply[0], reply[1])
        guard count != 0xFFFF else {
            throw I2CError(.invalidReply, bus: bus, address: address,
                           "BH1750 result 0xffff is full scale: saturated (lower mtreg) or nothing driving the bus")
        }
        return [illuminance(count: count, mode: mode, mtreg: mtreg)]
    }

    // MARK: Driver

    public let mode: Mode
    public let mtreg: UInt8
    private let sleep: Sleeper

    /// Does no I/O. `mtreg` is clamped to 31...254.
    public init(mode: Mode = .oneTimeHigh, mtreg: UInt8 = BH1750.defaultMTreg, sleep: @escaping Sleeper = sleepThread) {
        self.mode = mode
        self.mtreg = min(max(mtreg, Self.minimumMTreg), Self.maximumMTreg)
        self.sleep = sleep
    }

    /// The longest a measurement takes with the driver's mode and MTreg.
    public var maximumMeasurementTime: Interval { mode.maximumTime(mtreg: mtreg) }

    /// Powers on, resets the data register and sets MTreg, one opcode per write; in a
    /// continuous mode starts measuring and waits for the first result.
    public func setUp(bus: any I2CBus, address: UInt8) throws(I2CError) {
        try bus.write(address: address, [Opcode.powerOn])
        try bus.write(address: address, [Opcode.reset])
        for opcode in Opcode.changeMeasurementTime(mtreg) {
            try bus.write(address: address, [opcode])
        }
        if mode.isContinuous {
            try bus.write(address: address, [mode.opcode])
            sleep(maximumMeasurementTime)
        }
    }

    /// One result: `[illuminance lx]`; in a one-time mode, a new measurement first. The
    /// last one-time measurement left the part powered down, so power on comes first and
    /// the driver does not depend on the part taking a measurement opcode while powered down.
    public func read(bus: any I2CBus, address: UInt8) throws(I2CError) -> [Double] {
        if !mode.isContinuous {
            try bus.write(address: address, [Opcode.powerOn])
            try bus.write(address: address, [mode.opcode])
            sleep(maximumMeasurementTime)
        }
        let reply = try bus.read(address: address, count: 2)
        return try Self.decode(reply, mode: mode, mtreg: mtreg, bus: bus.number, address: address)
    }
}
