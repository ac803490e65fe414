import SensorgateCore

/// Texas Instruments ADS1115 (16-bit) and ADS1015 (12-bit) four-input delta-sigma ADCs
/// with a programmable gain amplifier, over I2C: one driver, the two parts' differences
/// (resolution, data rates) as a ``Model`` value.
///
/// Datasheets: Texas Instruments, "ADS111x Ultra-Small, Low-Power, I2C-Compatible, 860-SPS,
/// 16-Bit ADCs", SBAS444, <https://www.ti.com/lit/ds/symlink/ads1115.pdf>, and "ADS101x
/// ... 3300-SPS, 12-Bit ADCs", SBAS473, <https://www.ti.com/lit/ds/symlink/ads1015.pdf>.
/// The sections named below are those of both ("Register Map", "Config Register", "Data
/// Format", "Single-Shot Mode"); their numbers differ between revisions.
///
/// Each read converts every channel once in single-shot mode: the config register is
/// written with OS = 1 (start), the channel's MUX, the PGA, MODE = 1 (single-shot), the
/// data rate and the comparator disabled (COMP_QUE = 11); the driver sleeps one conversion
/// (1 / data rate, plus the 10 % the internal oscillator may run slow and the power-up
/// time), then reads the config register until OS reads 1 ("not performing a conversion")
/// at most ``pollLimit`` times, a tenth of a conversion apart: a part that never finishes
/// is a `.timeout`. Then it reads the conversion register, two's complement, most
/// significant byte first (``I2CBus/readUInt16BE(address:register:)``); the ADS1015 puts
/// its 12 bits left-justified in it (D15...D4).
///
/// A code at either end of the range (0x7FFF or 0x8000; ADS1015 0x7FF and 0x800) is
/// **refused as saturated** (`.invalidReply`): the input is at or beyond the full-scale
/// range and the true voltage is unknown, so publishing ±FSR would be a wrong number that
/// looks right. A larger `gain` (full-scale range) measures it.
///
/// The channels depend on the `inputs` option: `single-ended` gives `a0`...`a3` (each
/// AINx against GND), `differential` gives `a0_a1` and `a2_a3` (AIN0 − AIN1, AIN2 − AIN3),
/// all in volts. The part has no id register: `setUp` writes the config register (OS = 0,
/// so nothing starts) and reads it back, which finds a part that is not there or does not
/// keep the bits.
///
/// Addresses 0x48 (ADDR to GND), 0x49 (VDD), 0x4A (SDA), 0x4B (SCL) ("I2C Address
/// Selection"); default poll interval 1 s.
public final class ADS1x15: SensorDriver, @unchecked Sendable {
    /// The two parts' differences.
    public enum Model: String, Sendable, CaseIterable {
        case ads1115
        case ads1015

        public var part: String { rawValue.uppercased() }

        /// Samples per second by the DR[2:0] code ("Config Register" field descriptions).
        /// The ADS1015's codes 110 and 111 are both 3300 SPS; the driver writes 110.
        public var dataRates: [Int] {
            switch self {
            case .ads1115: [8, 16, 32, 64, 128, 250, 475, 860]
            case .ads1015: [128, 250, 490, 920, 1600, 2400, 3300]
            }
        }

        /// The power-up data rate, DR = 100.
        public var defaultDataRate: Int {
            switch self {
            case .ads1115: 128
            case .ads1015: 1600
            }
        }

        /// Bits of the result: 16, or 12 left-justified in the 16-bit register.
        public var resolutionBits: Int {
            switch self {
            case .ads1115: 16
            case .ads1015: 12
            }
        }

        /// Decimal places worth publishing: the LSB at the smallest range is 7.8 µV
        /// (ADS1115) or 125 µV (ADS1015).
        var decimals: Int {
            switch self {
            case .ads1115: 6
            case .ads1015: 5
            }
        }
    }

    /// What the inputs are wired as.
    public enum Inputs: String, Sendable, CaseIterable {
        case singleEnded = "single-ended"
        case differential
    }

    /// The PGA setting: the full-scale range ±FSR in volts ("Full-Scale Range").
    public enum Gain: String, Sendable, CaseIterable {
        case fsr6_144 = "6.144"
        case fsr4_096 = "4.096"
        case fsr2_048 = "2.048"
        case fsr1_024 = "1.024"
        case fsr0_512 = "0.512"
        case fsr0_256 = "0.256"

        /// ±FSR in volts.
        public var fullScale: Double {
            switch self {
            case .fsr6_144: 6.144
            case .fsr4_096: 4.096
            case .fsr2_048: 2.048
            case .fsr1_024: 1.024
            case .fsr0_512: 0.512
            case .fsr0_256: 0.256
            }
        }

        /// PGA[2:0].
        public var code: UInt16 {
            switch self {
            case .fsr6_144: 0b000
            case .fsr4_096: 0b001
            case .fsr2_048: 0b010
            case .fsr1_024: 0b011
            case .fsr0_512: 0b100
            case .fsr0_256: 0b101
            }
        }
    }

    /// One input of the multiplexer that the driver reads as a channel.
    public struct Input: Sendable, Equatable {
        /// The channel name: `a0`, `a0_a1`.
        public var name: String
        /// MUX[2:0] ("Config Register": 000 AIN0−AIN1, 011 AIN2−AIN3, 100...111 AIN0...AIN3 − GND).
        public var mux: UInt16

        public static let singleEnded = [Input(name: "a0", mux: 0b100), Input(name: "a1", mux: 0b101),
                                         Input(name: "a2", mux: 0b110), Input(name: "a3", mux: 0b111)]
        public static let differential = [Input(name: "a0_a1", mux: 0b000), Input(name: "a2_a3", mux: 0b011)]

        public static func wired(as inputs: Inputs) -> [Input] {
            inputs == .singleEnded ? singleEnded : differential
        }
    }

    // MARK: Options and catalog entries

    /// `inputs`: single-ended or differential, which decides the channels.
    public static let inputsOption = DriverOption(
        name: "inputs", kind: .choice(Inputs.allCases.map(\.rawValue)), defaultValue: .choice(Inputs.singleEnded.rawValue),
        meaning: "single-ended: channels a0...a3 (each input against GND); differential: channels a0_a1 and a2_a3")

    /// `gain`: the full-scale range.
    public static let gainOption = DriverOption(
        name: "gain", kind: .choice(Gain.allCases.map(\.rawValue)), defaultValue: .choice(Gain.fsr2_048.rawValue),
        meaning: "the PGA's full-scale range ±V; a reading at full scale is refused as saturated")

    /// `data_rate`: samples per second, of the model's list.
    public static func dataRateOption(_ model: Model) -> DriverOption {
        DriverOption(name: "data_rate", kind: .choice(model.dataRates.map(String.init)),
                     defaultValue: .choice(String(model.defaultDataRate)),
                     meaning: "samples per second: one conversion per channel takes 1 / rate (plus up to 10 %)")
    }

    /// The catalog entry of the ADS1115.
    public static let ads1115Descriptor = descriptor(.ads1115)
    /// The catalog entry of the ADS1015.
    public static let ads1015Descriptor = descriptor(.ads1015)

    static func descriptor(_ model: Model) -> DriverDescriptor {
        let rateOption = dataRateOption(model)
        return DriverDescriptor(
            name: model.rawValue,
            part: model.part,
            summary: "Texas Instruments \(model.part) \(model.resolutionBits)-bit 4-input ADC with PGA",
            defaultAddress: 0x48,
            allowedAddresses: [0x48, 0x49, 0x4A, 0x4B],
            defaultInterval: .seconds(1),
            // Four single-ended conversions at the slowest rate; one catalog minimum covers every option.
            minimumInterval: minimumInterval(model),
            channels: channels(model, .singleEnded),
            options: [inputsOption, gainOption, rateOption],
            channelsForOptions: { options in channels(model, Inputs(rawValue: options.choice(inputsOption)) ?? .singleEnded) },
            make: { options in
                ADS1x15(model: model,
                        inputs: Inputs(rawValue: options.choice(inputsOption)) ?? .singleEnded,
                        gain: Gain(rawValue: options.choice(gainOption)) ?? .fsr2_048,
                        dataRate: Int(options.choice(rateOption)) ?? model.defaultDataRate)
            })
    }

    static func channels(_ model: Model, _ inputs: Inputs) -> [ChannelDescriptor] {
        Input.wired(as: inputs).map {
            ChannelDescriptor(name: $0.name, unit: "V", deviceClass: "voltage", decimals: model.decimals)
        }
    }

    static func minimumInterval(_ model: Model) -> Interval {
        let slowest = model.dataRates.min() ?? model.defaultDataRate
        let all = conversionWait(dataRate: slowest) * Int64(Input.singleEnded.count)
        let millisecond: Int64 = 1_000_000
        return Interval(nanoseconds: (all.nanoseconds + millisecond - 1) / millisecond * millisecond)
    }

    // MARK: Registers ("Register Map")

    /// The address pointer values, named as in the datasheet.
    public enum Register {
        /// Conversion register, 16 bits, read-only.
        public static let conversion: UInt8 = 0x00
        /// Config register, 16 bits.
        public static let config: UInt8 = 0x01
        /// Lo_thresh: the comparator's low limit, unused (the comparator is disabled).
        public static let loThresh: UInt8 = 0x02
        /// Hi_thresh: the comparator's high limit, unused.
        public static let hiThresh: UInt8 = 0x03
    }

    /// Config bit 15, OS: written 1 starts a single conversion; reads 1 when not converting.
    public static let operationalStatus: UInt16 = 1 << 15
    /// Config bit 8, MODE: 1 is single-shot (power-down between conversions).
    public static let singleShotMode: UInt16 = 1 << 8
    /// COMP_QUE[1:0] = 11: comparator disabled, ALERT/RDY high-impedance.
    public static let comparatorDisabled: UInt16 = 0b11
    /// How many times a read asks whether a conversion finished, a tenth of a conversion apart.
    public static let pollLimit = 5

    /// The config register for one conversion of `mux`, without OS.
    public static func configuration(mux: UInt16, gain: Gain, dataRateCode: UInt16) -> UInt16 {
        (mux & 0b111) << 12 | gain.code << 9 | singleShotMode | (dataRateCode & 0b111) << 5 | comparatorDisabled
    }

    /// The wait after starting a conversion: 1 / rate, 10 % more for an internal oscillator
    /// at its tolerance, and 50 µs for the power-up from power-down (about 25 µs typical;
    /// both from the datasheet's electrical characteristics as recalled, not re-checked).
    public static func conversionWait(dataRate: Int) -> Interval {
        .microseconds((1_100_000 + dataRate - 1) / dataRate + 50)
    }

    /// A tenth of a conversion: the pause between polls of OS.
    public static func pollPause(dataRate: Int) -> Interval {
        .microseconds((100_000 + dataRate - 1) / dataRate)
    }

    // MARK: Decoding ("Data Format")

    /// The signed result of the conversion register: the 16-bit code, or the ADS1015's
    /// 12 bits (D15...D4, the low nibble ignored).
    public static func code(register: UInt16, model: Model) -> Int {
        let signed = Int(Int16(bitPattern: register))
        return model == .ads1015 ? signed >> 4 : signed
    }

    /// The input voltage of the conversion register: code × FSR / 2^(bits − 1), refusing a
    /// code at full scale (saturated).
    public static func volts(register: UInt16, model: Model, gain: Gain, bus: Int, address: UInt8) throws(I2CError) -> Double {
        let value = code(register: register, model: model)
        let half = 1 << (model.resolutionBits - 1)
        guard value > -half, value < half - 1 else {
            throw I2CError(.invalidReply, bus: bus, address: address,
                           "\(model.part) conversion 0x\(String(register, radix: 16)) is at full scale ±\(gain.rawValue) V: "
                               + "the input is saturated (a larger gain option measures it)")
        }
        return Double(value) * gain.fullScale / Double(half)
    }

    // MARK: Driver

    public let model: Model
    public let inputs: Inputs
    public let gain: Gain
    public let dataRate: Int
    private let sleep: Sleeper

    /// Does no I/O. A `dataRate` the model does not have takes its default.
    public init(model: Model, inputs: Inputs = .singleEnded, gain: Gain = .fsr2_048, dataRate: Int? = nil,
                sleep: @escaping Sleeper = sleepThread) {
        self.model = model
        self.inputs = inputs
        self.gain = gain
        let rate = dataRate ?? model.defaultDataRate
        self.dataRate = model.dataRates.contains(rate) ? rate : model.defaultDataRate
        self.sleep = sleep
    }

    /// DR[2:0] of ``dataRate``.
    public var dataRateCode: UInt16 { UInt16(model.dataRates.firstIndex(of: dataRate) ?? 4) }

    /// The channels' inputs, in the order `read` returns them.
    public var wiredInputs: [Input] { Input.wired(as: inputs) }

    /// Writes the config register of the first channel without starting a conversion and
    /// reads it back: bits 14...0 must hold (OS reads 1 when idle, so it is not compared).
    public func setUp(bus: any I2CBus, address: UInt8) throws(I2CError) {
        let config = Self.configuration(mux: wiredInputs[0].mux, gain: gain, dataRateCode: dataRateCode)
        try bus.writeUInt16BE(address: address, register: Register.config, value: config)
        let readBack = try bus.readUInt16BE(address: address, register: Register.config)
        guard readBack & ~Self.operationalStatus == config else {
            throw I2CError(.invalidReply, bus: bus.number, address: address,
                           "config register reads 0x\(String(readBack, radix: 16)) after writing 0x\(String(config, radix: 16)): "
                               + "not an \(model.part)")
        }
    }

    /// One single-shot conversion per channel: volts, in channel order.
    public func read(bus: any I2CBus, address: UInt8) throws(I2CError) -> [Double] {
        var values: [Double] = []
        values.reserveCapacity(wiredInputs.count)
        for input in wiredInputs {
            values.append(try convert(input, bus: bus, address: address))
        }
        return values
    }

    private func convert(_ input: Input, bus: any I2CBus, address: UInt8) throws(I2CError) -> Double {
        let config = Self.configuration(mux: input.mux, gain: gain, dataRateCode: dataRateCode)
        try bus.writeUInt16BE(address: address, register: Register.config, value: Self.operationalStatus | config)
        sleep(Self.conversionWait(dataRate: dataRate))
        var done = false
        for attempt in 0..<Self.pollLimit {
            if attempt > 0 { sleep(Self.pollPause(dataRate: dataRate)) }
            if try bus.readUInt16BE(address: address, register: Register.config) & Self.operationalStatus != 0 {
                done = true
                break
            }
        }
        guard done else {
            throw I2CError(.timeout, bus: bus.number, address: address,
                           "\(model.part) conversion of \(input.name) not finished after \(Self.pollLimit) polls of OS")
        }
        let register = try bus.readUInt16BE(address: address, register: Register.conversion)
        return try Self.volts(register: register, model: model, gain: gain, bus: bus.number, address: address)
    }
}
