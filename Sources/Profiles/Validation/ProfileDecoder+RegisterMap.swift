import SensorgateCore

/// The structured option kinds of a declarative register part (`driver: registers`): the
/// `init` writes and the `channels`, each checked key by key, every problem reported at
/// the key it is about.
extension ProfileDecoder {
    static let registerWriteKeys = ["register", "value", "width", "byte_order"]
    static let registerChannelKeys = ["name", "register", "width", "byte_order", "signed", "mask", "shift",
                                      "scale", "offset", "polynomial", "unit", "decimals", "range", "crc"]
    static let registerCRCKeys = ["polynomial", "init"]
    /// The `crc` shorthands, by name.
    static let namedCRCs = [("sensirion", CRC8.sensirion)]
    /// More would be a driver of its own; the limit keeps a poll's cost bounded.
    static let maximumRegisterEntries = 64
    static let maximumPolynomialCoefficients = 8
    /// Channel names the gateway's topics and the simulation section already use.
    static let reservedChannelNames = ["status", "fail"]

    func decodeRegisterWrites(_ field: Field) -> [RegisterMap.Write]? {
        guard let items = registerList(field, what: "a list of register writes such as { register: 0x01, value: 0x00 }")
        else { return nil }
        var writes: [RegisterMap.Write] = []
        var failed = false
        for item in items {
            if let write = decodeRegisterWrite(item) { writes.append(write) } else { failed = true }
        }
        return failed ? nil : writes
    }

    func decodeRegisterChannels(_ field: Field) -> [RegisterMap.Channel]? {
        guard let items = registerList(field, what: "a list of register channels such as { name: temperature, register: 0x00, unit: °C }")
        else { return nil }
        if items.isEmpty {
            validator.expected("at least one channel", field)
            return nil
        }
        var channels: [RegisterMap.Channel] = []
        var names: [String: SourceLocation] = [:]
        /// The first channel of each register, to check that its CRC and width agree.
        var firstOfRegister: [UInt8: (channel: RegisterMap.Channel, location: SourceLocation)] = [:]
        var failed = false
        for item in items {
            guard let channel = decodeRegisterChannel(item) else {
                failed = true
                continue
            }
            if let first = firstOfRegister[channel.register] {
                if (first.channel.crc != nil || channel.crc != nil)
                    && (first.channel.crc != channel.crc || first.channel.width != channel.width) {
                    let field = Self.field(channel.crc == nil ? "register" : "crc", of: item)
                    validator.report(at: field.location, field.path,
                                     "register \(hexText(UInt64(channel.register))) is read with "
                                         + "\(Self.described(first.channel)) by channel '\(KeyPath.shown(first.channel.name))' "
                                         + "(at \(first.location)), here with \(Self.described(channel)): a part sends a "
                                         + "register's checksum or not, so channels of a register with a crc agree on width and crc")
                    failed = true
                    continue
                }
            } else {
                firstOfRegister[channel.register] = (channel, item.location)
            }
            if let first = names[channel.name] {
                let nameField = Self.nameField(of: item)
                validator.report(at: nameField.location, nameField.path,
                                 "duplicate channel name '\(KeyPath.shown(channel.name))' (first at \(first)); names are topic levels")
                failed = true
                continue
            }
            names[channel.name] = item.location
            channels.append(channel)
        }
        return failed ? nil : channels
    }

    /// The `name` value of a channel that decoded (so it has one).
    private static func nameField(of item: Field) -> Field { field("name", of: item) }

    /// The value of `key` in a channel that decoded; the channel itself if it has no such key.
    private static func field(_ key: String, of item: Field) -> Field {
        guard case .mapping(let pairs) = item.node.value, let pair = pairs.first(where: { $0.key == key }) else { return item }
        return Field(node: pair.value, path: KeyPath.child(item.path, key))
    }

    /// A channel's width and checksum, as an error message names them.
    private static func described(_ channel: RegisterMap.Channel) -> String {
        let crc = channel.crc.map { "crc { polynomial: 0x\(String($0.polynomial, radix: 16)), init: 0x\(String($0.initial, radix: 16)) }" }
        return "width \(channel.width.rawValue) and " + (crc ?? "no crc")
    }

    private func registerList(_ field: Field, what: String) -> [Field]? {
        guard let items = validator.sequence(field, what: what) else { return nil }
        guard items.count <= Self.maximumRegisterEntries else {
            validator.expected("at most \(Self.maximumRegisterEntries) entries", field, detail: "\(items.count) entries")
            return nil
        }
        return items
    }

    private func decodeRegisterWrite(_ item: Field) -> RegisterMap.Write? {
        guard let entry = validator.mapping(item, keys: Self.registerWriteKeys,
                                            what: "a register write such as { register: 0x01, value: 0x00 }") else { return nil }
        let register = entry.required("register", validator).flatMap { unsigned($0, "a register from 0x00 to 0xff", maximum: 0xFF) }
        let width = entry.optional("width").map(registerWidth) ?? .some(.bits8)
        let order = entry.optional("byte_order").map(byteOrder) ?? .some(.big)
        let valueField = entry.required("value", validator)
        var value: UInt64?
        if let valueField, let width {
            value = unsigned(valueField, "a value that fits \(width.rawValue) bits (0 to \(hexText(UInt64(width.allOnes))))",
                             maximum: UInt64(width.allOnes))
        }
        guard let register, let width, let order, let value,
              registerFits(register, width: width, checksum: false, entry: entry) else { return nil }
        return RegisterMap.Write(register: UInt8(register), value: UInt32(value), width: width, byteOrder: order)
    }

    private func decodeRegisterChannel(_ item: Field) -> RegisterMap.Channel? {
        guard let entry = validator.mapping(item, keys: Self.registerChannelKeys,
                                            what: "a register channel such as { name: temperature, register: 0x00, unit: °C }")
        else { return nil }
        var failed = false
        /// An optional key's value: nil if absent, `failed` set if present and wrong.
        func optional<T>(_ key: String, _ read: (Field) -> T?) -> T? {
            guard let field = entry.optional(key) else { return nil }
            let value = read(field)
            if value == nil { failed = true }
            return value
        }
        let name = entry.required("name", validator).flatMap(channelName)
        let register = entry.required("register", validator).flatMap { unsigned($0, "a register from 0x00 to 0xff", maximum: 0xFF) }
        let width = entry.contains("width") ? optional("width", registerWidth) : .bits8
        let order = optional("byte_order", byteOrder) ?? .big
        let signed = optional("signed", validator.bool) ?? false
        let unit = entry.required("unit", validator).flatMap {
            validator.text($0, what: "a unit such as °C or V", maximumBytes: ProfileLimits.maximumIDLength)
        }
        let decimals = optional("decimals") { validator.integer($0, in: 0...15) }
        var mask: UInt64?
        var shift = 0
        if let width {
            let all = UInt64(width.allOnes)
            mask = optional("mask") { unsigned($0, "a mask that fits \(width.rawValue) bits (at most \(hexText(all)))", maximum: all) }
            shift = optional("shift") { validator.integer($0, in: 0...(width.rawValue - 1)) } ?? 0
            if let bits = mask, bits >> UInt64(shift) == 0, let field = entry.optional("mask") {
                validator.report(at: field.location, field.path,
                                 "mask \(hexText(bits)) keeps no bit at or above the shift of \(shift): the field would be empty")
                failed = true
            }
        }
        let conversion = registerConversion(entry)
        let range = optional("range", plausibleRange)
        let crc = optional("crc", registerCRC)

        guard !failed, let name, let register, let width, let unit, let conversion,
              registerFits(register, width: width, checksum: crc != nil, entry: entry) else { return nil }
        return RegisterMap.Channel(name: name, register: UInt8(register), width: width, byteOrder: order, signed: signed,
                                   mask: mask.map { UInt32($0) }, shift: shift, conversion: conversion, unit: unit,
                                   decimals: decimals, range: range, crc: crc)
    }

    /// `{ polynomial, init }` (each 0...0xFF, defaults Sensirion's 0x31 and 0xFF) or a
    /// shorthand such as `sensirion`: the CRC-8 the part appends to the register's bytes.
    private func registerCRC(_ field: Field) -> CRC8? {
        let what = "a CRC-8 such as { polynomial: 0x31, init: 0xFF } or "
            + Self.namedCRCs.map(\.0).joined(separator: ", ")
        if case .mapping = field.node.value {
            guard let entry = validator.mapping(field, keys: Self.registerCRCKeys, what: what) else { return nil }
            let polynomial = entry.optional("polynomial").map {
                unsigned($0, "a CRC-8 polynomial from 0x00 to 0xff, without its x^8 term (0x31 is x^8 + x^5 + x^4 + 1)", maximum: 0xFF)
            } ?? .some(UInt64(CRC8.sensirion.polynomial))
            let initial = entry.optional("init").map {
                unsigned($0, "a CRC-8 initial value from 0x00 to 0xff", maximum: 0xFF)
            } ?? .some(UInt64(CRC8.sensirion.initial))
            guard let polynomial, let initial, entry.pairs.allSatisfy({ Self.registerCRCKeys.contains($0.key) })
            else { return nil }
            return CRC8(polynomial: UInt8(polynomial), initial: UInt8(initial))
        }
        guard !field.node.isNull, let text = field.node.scalarText,
              let named = Self.namedCRCs.first(where: { $0.0 == text }) else {
            validator.expected(what, field)
            return nil
        }
        return named.1
    }

    /// `scale`/`offset` (default 1 and 0) or `polynomial`, not both.
    private func registerConversion(_ entry: Fields) -> RegisterMap.Conversion? {
        let scale = entry.optional("scale").map { validator.number($0, "a number other than 0", where: { $0 != 0 }) }
        let offset = entry.optional("offset").map { validator.number($0) }
        guard let polynomialField = entry.optional("polynomial") else {
            guard let scale = scale ?? .some(1), let offset = offset ?? .some(0) else { return nil }
            return .linear(scale: scale, offset: offset)
        }
        if entry.contains("scale") || entry.contains("offset") {
            validator.report(at: polynomialField.location, polynomialField.path,
                             "give either scale and offset or polynomial, not both")
            return nil
        }
        let what = "a list of 1 to \(Self.maximumPolynomialCoefficients) coefficients [c0, c1, c2, ...]"
        guard let items = validator.sequence(polynomialField, what: what) else { return nil }
        guard (1...Self.maximumPolynomialCoefficients).contains(items.count) else {
            validator.expected(what, polynomialField, detail: "\(items.count) coefficients")
            return nil
        }
        let coefficients = items.map { validator.number($0) }
        guard coefficients.allSatisfy({ $0 != nil }) else { return nil }
        return .polynomial(coefficients.compactMap { $0 })
    }

    /// `[low, high]` with low < high.
    private func plausibleRange(_ field: Field) -> ClosedRange<Double>? {
        let what = "a range [low, high] such as [-55, 125]"
        guard let items = validator.sequence(field, what: what) else { return nil }
        guard items.count == 2 else {
            validator.expected(what, field, detail: "\(items.count) numbers")
            return nil
        }
        guard let low = validator.number(items[0]), let high = validator.number(items[1]) else { return nil }
        guard low < high else {
            validator.report(at: field.location, field.path, "expected low < high, got [\(Validator.format(low)), \(Validator.format(high))]")
            return nil
        }
        return low...high
    }

    /// Whether the register's last byte (its CRC byte, with a `checksum`) is at most 0xff;
    /// reported at `register` if not.
    private func registerFits(_ register: UInt64, width: RegisterMap.Width, checksum: Bool, entry: Fields) -> Bool {
        guard register + UInt64(width.bytes + (checksum ? 1 : 0)) - 1 > 0xFF else { return true }
        if let field = entry.optional("register") {
            validator.report(at: field.location, field.path,
                             "a \(width.rawValue)-bit register at \(hexText(register))"
                                 + (checksum ? " with its CRC byte" : "") + " runs past register 0xff")
        }
        return false
    }

    private func registerWidth(_ field: Field) -> RegisterMap.Width? {
        validator.choice(field, RegisterMap.Width.allCases.map { (String($0.rawValue), $0) }, what: "a width of 8, 16, 24 or 32 bits")
    }

    private func byteOrder(_ field: Field) -> RegisterMap.ByteOrder? {
        validator.choice(field, RegisterMap.ByteOrder.allCases.map { ($0.rawValue, $0) })
    }

    /// A topic level, not a name the gateway reserves.
    private func channelName(_ field: Field) -> String? {
        let what = "a channel name usable as a topic level (no '/', '+' or '#')"
        guard let text = field.node.scalarText, !field.node.isNull, !text.isEmpty,
              !text.contains("/"), !text.contains("+"), !text.contains("#") else {
            validator.expected(what, field)
            return nil
        }
        guard validator.within(ProfileLimits.maximumIDLength, characters: text.unicodeScalars.count, field) else { return nil }
        if Self.reservedChannelNames.contains(text) {
            validator.report(at: field.location, field.path,
                             "channel name '\(text)' is taken (<prefix>/<sensor>/status, simulation.<sensor>.fail)")
            return nil
        }
        return text
    }

    /// A non-negative integer at most `maximum`, decimal or hexadecimal (`0x48`), as
    /// datasheets write registers and masks.
    private func unsigned(_ field: Field, _ what: String, maximum: UInt64) -> UInt64? {
        guard let text = field.node.scalarText, !field.node.isNull else {
            validator.expected(what, field)
            return nil
        }
        let value: UInt64?
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            let digits = text.dropFirst(2)
            value = digits.isEmpty || digits.count > 16 ? nil : UInt64(digits, radix: 16)
        } else {
            value = text.count > 20 || !text.allSatisfy({ $0.isASCII && $0.isNumber }) ? nil : UInt64(text)
        }
        guard let value, value <= maximum else {
            validator.expected(what, field)
            return nil
        }
        return value
    }

    private func hexText(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
}
