import Profiles
import SensorgateCore

/// The bus as a driver behind a TCA9548A channel sees it: every primitive first has the
/// ``MuxSelection`` put the channel through, so "the channel is selected before each
/// transaction" holds for every driver, whatever helpers it builds on the primitives.
/// A failed transaction makes the selection forget what the muxes hold. With no channel
/// (a part directly on a bus that has muxes) it selects nothing and only reports failures.
final class MuxChannelBus: I2CBus {
    let selection: MuxSelection
    let channel: I2CMuxChannel?

    init(selection: MuxSelection, channel: I2CMuxChannel?) {
        self.selection = selection
        self.channel = channel
    }

    var number: Int { selection.bus.number }

    /// Selects the channel, then runs `transaction` on the bus underneath.
    private func selected<T>(_ transaction: (any I2CBus) throws(I2CError) -> T) throws(I2CError) -> T {
        try selection.select(channel)
        do {
            return try transaction(selection.bus)
        } catch {
            selection.forget()
            throw error
        }
    }

    func quick(address: UInt8) throws(I2CError) {
        try selected { bus throws(I2CError) in try bus.quick(address: address) }
    }

    func readByte(address: UInt8) throws(I2CError) -> UInt8 {
        try selected { bus throws(I2CError) in try bus.readByte(address: address) }
    }

    func writeByte(address: UInt8, value: UInt8) throws(I2CError) {
        try selected { bus throws(I2CError) in try bus.writeByte(address: address, value: value) }
    }

    func readByteData(address: UInt8, register: UInt8) throws(I2CError) -> UInt8 {
        try selected { bus throws(I2CError) in try bus.readByteData(address: address, register: register) }
    }

    func writeByteData(address: UInt8, register: UInt8, value: UInt8) throws(I2CError) {
        try selected { bus throws(I2CError) in try bus.writeByteData(address: address, register: register, value: value) }
    }

    func readWordData(address: UInt8, register: UInt8) throws(I2CError) -> UInt16 {
        try selected { bus throws(I2CError) in try bus.readWordData(address: address, register: register) }
    }

    func writeWordData(address: UInt8, register: UInt8, value: UInt16) throws(I2CError) {
        try selected { bus throws(I2CError) in try bus.writeWordData(address: address, register: register, value: value) }
    }

    func readBlock(address: UInt8, register: UInt8, count: Int) throws(I2CError) -> [UInt8] {
        try selected { bus throws(I2CError) in try bus.readBlock(address: address, register: register, count: count) }
    }

    func writeBlock(address: UInt8, register: UInt8, bytes: [UInt8]) throws(I2CError) {
        try selected { bus throws(I2CError) in try bus.writeBlock(address: address, register: register, bytes: bytes) }
    }

    func transfer(address: UInt8, _ messages: [I2CMessage]) throws(I2CError) -> [[UInt8]] {
        try selected { bus throws(I2CError) in try bus.transfer(address: address, messages) }
    }
}
