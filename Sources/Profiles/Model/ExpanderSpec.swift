import SensorgateCore

/// An entry of `expanders:`: an I2C GPIO expander whose lines the profile's `inputs:` and
/// `outputs:` use like kernel GPIO lines, with `gpio: { expander: <id>, line: <n or name> }`.
public struct ExpanderSpec: Sendable, Equatable {
    /// `driver`: which part.
    public enum Driver: String, Sendable, Equatable, CaseIterable {
        /// Microchip MCP23017: 16 lines GPA0-7 (0-7) and GPB0-7 (8-15), pull-ups, INTA/INTB.
        case mcp23017
        /// NXP/TI PCF8574: 8 quasi-bidirectional lines P0-P7, INT.
        case pcf8574
        /// NXP/TI PCF8575: 16 quasi-bidirectional lines P00-P07 (0-7) and P10-P17 (8-15), INT.
        case pcf8575
        /// NXP PCA9685: 16 PWM channels LED0-LED15 (outputs with `pwm:`, not `gpio:`).
        case pca9685

        public var lineCount: Int { self == .pcf8574 ? 8 : 16 }

        /// Whether its lines are PWM channels (`pwm:` outputs) rather than GPIO lines.
        public var isPWM: Bool { self == .pca9685 }

        /// The datasheet's pin names, by line offset.
        public var lineNames: [String] {
            switch self {
            case .mcp23017: return (0..<8).map { "GPA\($0)" } + (0..<8).map { "GPB\($0)" }
            case .pcf8574: return (0..<8).map { "P\($0)" }
            case .pcf8575: return (0..<8).map { "P0\($0)" } + (0..<8).map { "P1\($0)" }
            case .pca9685: return (0..<16).map { "LED\($0)" }
            }
        }

        /// The addresses the part answers at (its three address pins).
        public var addresses: ClosedRange<UInt8> {
            switch self {
            case .mcp23017, .pcf8575: return 0x20...0x27
            // The PCF8574A answers at 0x38...0x3F with the same protocol.
            case .pcf8574: return 0x20...0x3F
            case .pca9685: return 0x40...0x7F
            }
        }

        public var defaultAddress: UInt8 { self == .pca9685 ? 0x40 : 0x20 }

        /// The input biases the part has: the MCP23017 a 100 kΩ pull-up per line (GPPU) or
        /// none; a PCF857x line is always pulled up by its weak current source.
        public var biases: [Bias] {
            switch self {
            case .mcp23017: return [.asIs, .disabled, .pullUp]
            case .pcf8574, .pcf8575: return [.asIs, .pullUp]
            case .pca9685: return []
            }
        }
    }

    public var id: String
    public var driver: Driver
    public var bus: Int
    public var address: UInt8
    /// `interrupt: { line: GPIO17 }`: the kernel GPIO input the part's INT output is wired
    /// to (open drain, active low; requested with a pull-up and falling edges), or nil.
    public var interrupt: GPIOLineSpec?
    /// `poll`: how often the port is read; with an interrupt line, the fallback that
    /// catches a missed INT. Default ``defaultPoll``, with an interrupt line
    /// ``defaultFallbackPoll``.
    public var poll: Interval
    /// `frequency` (PCA9685 only): the PWM frequency in Hz, 24...1526; default ``defaultFrequency``.
    public var frequency: Double

    /// 20 ms: the debounce default, so a change is seen within one debounce period
    /// without an interrupt line; 50 two-byte reads a second take about 2 % of a 100 kHz bus.
    public static let defaultPoll = Interval.milliseconds(20)
    /// 1 s with an interrupt line: the interrupt does the work, and an idle gateway stays
    /// idle; the poll only catches an INT edge that was missed.
    public static let defaultFallbackPoll = Interval.seconds(1)

    /// 50 Hz: the frame rate hobby servos expect (a servo driven much faster can overheat);
    /// LEDs and most motor drivers work at it too, where 1 kHz would suit only those.
    public static let defaultFrequency = 50.0
    public static let frequencyRange = 24.0...1526.0

    public init(id: String, driver: Driver, bus: Int, address: UInt8, interrupt: GPIOLineSpec? = nil,
                poll: Interval = ExpanderSpec.defaultPoll, frequency: Double = ExpanderSpec.defaultFrequency) {
        self.frequency = frequency
        self.id = id
        self.driver = driver
        self.bus = bus
        self.address = address
        self.interrupt = interrupt
        self.poll = poll
    }
}
