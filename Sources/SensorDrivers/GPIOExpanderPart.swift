import SensorgateCore

/// What a GPIO expander is set up with: its lines' directions, pull-ups, the outputs'
/// first levels and whether its interrupt output is wired. Bit n is line n; levels are
/// physical (active-low is applied by the gateway, in software, for every part alike).
public struct ExpanderPortConfiguration: Sendable, Equatable {
    /// Lines that are inputs (1); the others are outputs.
    public var inputs: UInt16
    /// Inputs with the part's pull-up enabled (where the part can choose).
    public var pullUps: UInt16
    /// The output latch: what each output drives (1 = high).
    public var latch: UInt16
    /// Whether the part should raise its interrupt output on an input change.
    public var interrupt: Bool

    public init(inputs: UInt16, pullUps: UInt16 = 0, latch: UInt16 = 0, interrupt: Bool = false) {
        self.inputs = inputs
        self.pullUps = pullUps
        self.latch = latch
        self.interrupt = interrupt
    }
}

/// An I2C GPIO expander, as the gateway uses it: set up once, then its port read (on a
/// poll or an interrupt) and its output latch written. Every call blocks on the bus and
/// runs on the expander's worker thread, never on the event loop.
public protocol GPIOExpanderPart: Sendable {
    /// How many lines the part has.
    var lineCount: Int { get }
    /// Writes the configuration and reads the port once (which also clears a pending
    /// interrupt); returns the pins' levels.
    func setUp(bus: any I2CBus, address: UInt8, configuration: ExpanderPortConfiguration) throws(I2CError) -> UInt16
    /// The pins' levels now, bit n = line n (1 = high). Reading clears the part's interrupt.
    func readPort(bus: any I2CBus, address: UInt8) throws(I2CError) -> UInt16
    /// Writes the output latch; `inputs` says which lines are inputs (a quasi-bidirectional
    /// part needs them written high).
    func writeOutputs(bus: any I2CBus, address: UInt8, latch: UInt16, inputs: UInt16) throws(I2CError)
}
