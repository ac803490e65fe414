import Profiles
import SensorgateCore

/// What one bus worker knows about the TCA9548A multiplexers on its bus, and the writes
/// that put the right channel through before a transaction.
///
/// A TCA9548A has one control register, written with a single byte after its address
/// (bit n enables channel n; 0 disconnects every channel) and kept until the next write,
/// a reset or power loss (TI SCPS207F, section 8.5.3: of several bytes written it keeps
/// the last; a read returns it). To reach a part behind channel c of mux M the worker
/// writes 0 to every other mux of the bus that may have a channel on (so that one address
/// behind two muxes never answers twice), then `1 << c` to M. A write is skipped when the
/// worker wrote that very value last and nothing has failed on the bus since: after any
/// failed transaction on the bus (a NACK, a timeout, a glitch that may have reset a mux)
/// every mux counts as unknown again and the next transaction writes its selection
/// afresh. At start every mux is unknown: it keeps what the last run wrote.
///
/// Parts directly on the bus need no selection: the validator refuses a part directly on
/// the bus at an address that is also used behind a channel.
///
/// Used from the worker's thread only.
final class MuxSelection {
    let bus: any I2CBus
    /// The multiplexers the bus's sensors sit behind, by address.
    let muxes: [UInt8]
    /// The control byte each mux holds for certain, by address; absent is unknown.
    private(set) var known: [UInt8: UInt8] = [:]

    init(bus: any I2CBus, muxes: [UInt8]) {
        self.bus = bus
        self.muxes = Array(Set(muxes)).sorted()
    }

    /// Connects `channel` (or, for nil, leaves the muxes as they are) for one transaction.
    func select(_ channel: I2CMuxChannel?) throws(I2CError) {
        guard let channel else { return }
        for other in muxes where other != channel.address && known[other] != 0 {
            try write(0, to: other)
        }
        if known[channel.address] != channel.controlByte {
            try write(channel.controlByte, to: channel.address)
        }
    }

    /// A transaction on the bus failed: every mux may hold anything now.
    func forget() { known.removeAll() }

    private func write(_ control: UInt8, to mux: UInt8) throws(I2CError) {
        do {
            try bus.writeByte(address: mux, value: control)
        } catch {
            forget()
            throw I2CError(error.code, bus: error.bus, address: error.address,
                           "selecting \(control == 0 ? "no channel" : "channel \(control.trailingZeroBitCount)") "
                               + "on the TCA9548A multiplexer failed" + (error.message.isEmpty ? "" : ": \(error.message)"))
        }
        known[mux] = control
    }

    /// The bus each sensor's driver is given: behind a mux, one that selects the sensor's
    /// channel before every transaction; directly on a bus with muxes, one that reports its
    /// failures to the selection; on a bus without muxes, `bus` itself.
    static func buses(for channels: [I2CMuxChannel?], on bus: any I2CBus) -> [any I2CBus] {
        let muxes = channels.compactMap { $0?.address }
        guard !muxes.isEmpty else { return channels.map { _ in bus } }
        let selection = MuxSelection(bus: bus, muxes: muxes)
        return channels.map { MuxChannelBus(selection: selection, channel: $0) }
    }
}
