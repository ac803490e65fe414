import SensorgateCore

/// The declarative driver (`driver: registers`): a simple register part described in the
/// profile, with no code. Its options are a ``RegisterMap``: `init`, register writes made
/// in order by `setUp`, and `channels`, each a field of a register with a linear or
/// polynomial conversion and an optional plausible range.
///
/// Every transaction is an SMBus primitive, as a register part's datasheet describes it
/// and as i2c-stub answers it: an 8-bit register is read byte data; a 16-bit big-endian
/// register a byte-swapped SMBus word (``I2CBus/readUInt16BE(address:register:)``), a
/// little-endian one the SMBus word as it comes; 24 and 32 bits an I2C block read of 3
/// or 4 bytes from the register on (the part must auto-increment its pointer). Writes use
/// the same forms. Channels that share a register are read with one transaction per poll.
///
/// A channel with a `crc` (CRC-8, ``CRC8``) is read as one I2C block of its width's bytes
/// and the checksum byte the part appends, whatever its width: the CRC is computed over
/// the data bytes as sent, and a mismatch is a failed reading (``I2CError/Code/crcMismatch``).
/// Only channels with the same register, width, byte order and CRC share that reply.
///
/// Any address 0x08...0x77 (the 7-bit range outside the reserved ones); the default 0x48
/// is the example map's LM75. Default poll interval 5 s, at the fastest every 10 ms.
public final class RegisterMapDriver: SensorDriver, @unchecked Sendable {
    /// The example `channels` that `sensorgate drivers` shows and the catalog checks run
    /// with: an LM75's temperature register (9 bits, 0.5 °C, left-justified, signed).
    public static let exampleChannels = [
        RegisterMap.Channel(name: "temperature", register: 0x00, width: .bits16, byteOrder: .big, signed: true,
                            mask: 0xFF80, shift: 7, conversion: .linear(scale: 0.5, offset: 0), unit: "°C",
                            decimals: 1, range: -55...125),
    ]

    /// `init`: the setup writes.
    public static let initOption = DriverOption(
        name: "init", kind: .registerWrites, defaultValue: .registerWrites([]),
        meaning: "register writes made in order when the part is set up: { register, value, width, byte_order }")

    /// `channels`: what the part measures; a profile must give it.
    public static let channelsOption = DriverOption(
        name: "channels", kind: .registerChannels, defaultValue: .registerChannels(exampleChannels),
        meaning: "the registers read at each poll: { name, register, width, byte_order, signed, mask, shift, "
            + "scale, offset | polynomial, unit, decimals, range, crc }",
        isRequired: true)

    public static let descriptor = DriverDescriptor(
        name: "registers",
        part: "Registers",
        summary: "declarative driver: a simple register part described in the profile (setup writes, channels)",
        defaultAddress: 0x48,
        allowedAddresses: Array(0x08...0x77),
        defaultInterval: .seconds(5),
        minimumInterval: .milliseconds(10),
        channels: RegisterMap(channels: exampleChannels).channelDescriptors,
        options: [initOption, channelsOption],
        channelsForOptions: { options in map(options).channelDescriptors },
        make: { options in RegisterMapDriver(map: map(options)) }
    )

    /// The register map a sensor's options describe.
    public static func map(_ options: DriverOptions) -> RegisterMap {
        RegisterMap(writes: options.registerWrites(initOption), channels: options.registerChannels(channelsOption))
    }

    // MARK: Decoding

    /// The channel's value from its register's value, refusing values outside its range.
    public static func decode(_ register: UInt32, channel: RegisterMap.Channel, bus: Int, address: UInt8) throws(I2CError) -> Double {
        let value = channel.physical(register: register)
        guard value.isFinite else {
            throw I2CError(.invalidReply, bus: bus, address: address,
                           "channel \(channel.name): register \(hex(channel.register)) = \(hexWord(register)) gives no finite value")
        }
        if let range = channel.range, !range.contains(value) {
            throw I2CError(.invalidReply, bus: bus, address: address,
                           "channel \(channel.name): \(value) \(channel.unit) (register \(hex(channel.register)) = "
                               + "\(hexWord(register))) is outside the plausible range \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    // MARK: Driver

    public let map: RegisterMap

    /// Does no I/O.
    public init(map: RegisterMap) {
        self.map = map
    }

    /// The setup writes, in order.
    public func setUp(bus: any I2CBus, address: UInt8) throws(I2CError) {
        for write in map.writes {
            try Self.write(write, bus: bus, address: address)
        }
    }

    /// One value per channel, in the map's order.
    public func read(bus: any I2CBus, address: UInt8) throws(I2CError) -> [Double] {
        var registers: [UInt32] = []
        var values: [Double] = []
        registers.reserveCapacity(map.channels.count)
        values.reserveCapacity(map.channels.count)
        for (index, channel) in map.channels.enumerated() {
            // A field of a register an earlier channel read comes from the same reply.
            let register: UInt32
            if let earlier = map.channels[..<index].firstIndex(where: { $0.sharesReply(with: channel) }) {
                register = registers[earlier]
            } else if let crc = channel.crc {
                register = try Self.readChecked(channel, crc: crc, bus: bus, address: address)
            } else {
                register = try Self.readRegister(channel.register, width: channel.width, order: channel.byteOrder,
                                                 bus: bus, address: address)
            }
            registers.append(register)
            values.append(try Self.decode(register, channel: channel, bus: bus.number, address: address))
        }
        return values
    }

    // MARK: Transactions

    /// One register, `width` bits in `order`, by the SMBus transaction for its width.
    public static func readRegister(_ register: UInt8, width: RegisterMap.Width, order: RegisterMap.ByteOrder,
                                    bus: any I2CBus, address: UInt8) throws(I2CError) -> UInt32 {
        switch (width, order) {
        case (.bits8, _):
            return UInt32(try bus.readByteData(address: address, register: register))
        case (.bits16, .big):
            return UInt32(try bus.readUInt16BE(address: address, register: register))
        case (.bits16, .little):
            return UInt32(try bus.readWordData(address: address, register: register))
        case (.bits24, _), (.bits32, _):
            let bytes = try bus.readBlock(address: address, register: register, count: width.bytes)
            guard bytes.count == width.bytes else {
                throw I2CError(.invalidReply, bus: bus.number, address: address,
                               "asked for \(width.bytes) bytes from \(hex(register)), got \(bytes.count)")
            }
            return RegisterMap.value(of: bytes, order: order)
        }
    }

    /// The register of a channel with a CRC: one I2C block read of its bytes and the CRC
    /// byte after them, the CRC checked over the bytes as sent.
    public static func readChecked(_ channel: RegisterMap.Channel, crc: CRC8,
                                   bus: any I2CBus, address: UInt8) throws(I2CError) -> UInt32 {
        let reply = try bus.readBlock(address: address, register: channel.register, count: channel.replyBytes)
        return try checked(reply, channel: channel, crc: crc, bus: bus.number, address: address)
    }

    /// The register value of a reply of data bytes and a CRC byte, if the CRC matches.
    public static func checked(_ reply: [UInt8], channel: RegisterMap.Channel, crc: CRC8,
                               bus: Int, address: UInt8) throws(I2CError) -> UInt32 {
        guard reply.count == channel.replyBytes else {
            throw I2CError(.invalidReply, bus: bus, address: address,
                           "channel \(channel.name): asked for \(channel.replyBytes) bytes from \(hex(channel.register)) "
                               + "(\(channel.width.bytes) and a CRC), got \(reply.count)")
        }
        let data = reply.prefix(channel.width.bytes)
        let computed = crc.checksum(data)
        let received = reply[reply.count - 1]
        guard computed == received else {
            throw I2CError(.crcMismatch, bus: bus, address: address,
                           "channel \(channel.name): register \(hex(channel.register)) sent CRC \(hex(received)), "
                               + "its bytes \(data.map { hex($0) }.joined(separator: " ")) give \(hex(computed))")
        }
        return RegisterMap.value(of: Array(data), order: channel.byteOrder)
    }

    /// One setup write, by the SMBus transaction for its width.
    public static func write(_ write: RegisterMap.Write, bus: any I2CBus, address: UInt8) throws(I2CError) {
        switch (write.width, write.byteOrder) {
        case (.bits8, _):
            try bus.writeByteData(address: address, register: write.register, value: UInt8(truncatingIfNeeded: write.value))
        case (.bits16, .big):
            try bus.writeUInt16BE(address: address, register: write.register, value: UInt16(truncatingIfNeeded: write.value))
        case (.bits16, .little):
            try bus.writeWordData(address: address, register: write.register, value: UInt16(truncatingIfNeeded: write.value))
        case (.bits24, _), (.bits32, _):
            try bus.writeBlock(address: address, register: write.register,
                               bytes: RegisterMap.bytes(of: write.value, width: write.width, order: write.byteOrder))
        }
    }

    static func hexWord(_ value: UInt32) -> String { "0x" + String(value, radix: 16) }
}
