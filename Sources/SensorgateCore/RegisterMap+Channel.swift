extension RegisterMap {
    /// One channel: a field of a register and how its code becomes a physical value.
    ///
    /// Decoding: the register's `width` bits (bytes in `byteOrder`), `& mask`, `>> shift`;
    /// the field is ``fieldBits`` wide (the bit length of `mask >> shift`) and read as two's
    /// complement of that width if `signed`; then ``conversion`` gives the physical value,
    /// refused if outside ``range``.
    ///
    /// With a ``crc`` the part sends a checksum byte after the register's bytes: the
    /// register is read as one I2C block of ``replyBytes`` and the checksum of its first
    /// `width.bytes` (as sent) must be the last byte.
    public struct Channel: Sendable, Equatable {
        /// The channel's topic level and `channels:` key.
        public var name: String
        public var register: UInt8
        public var width: Width
        public var byteOrder: ByteOrder
        public var signed: Bool
        /// Applied before the shift; every bit of the width if the profile gives none.
        public var mask: UInt32
        /// Less than the width.
        public var shift: Int
        public var conversion: Conversion
        public var unit: String
        /// Decimal places worth publishing; nil publishes every digit.
        public var decimals: Int?
        /// Plausible values: a reading outside is a failed reading.
        public var range: ClosedRange<Double>?
        /// The checksum the part appends to the register's bytes; nil for none.
        public var crc: CRC8?

        public init(name: String, register: UInt8, width: Width = .bits16, byteOrder: ByteOrder = .big,
                    signed: Bool = false, mask: UInt32? = nil, shift: Int = 0,
                    conversion: Conversion = .linear(scale: 1, offset: 0), unit: String,
                    decimals: Int? = nil, range: ClosedRange<Double>? = nil, crc: CRC8? = nil) {
            self.name = name
            self.register = register
            self.width = width
            self.byteOrder = byteOrder
            self.signed = signed
            self.mask = mask ?? width.allOnes
            self.shift = shift
            self.conversion = conversion
            self.unit = unit
            self.decimals = decimals
            self.range = range
            self.crc = crc
        }

        /// The bytes one read of the register returns: the width's, and the CRC byte if any.
        public var replyBytes: Int { width.bytes + (crc == nil ? 0 : 1) }

        /// Whether `other` reads the same bytes the same way, so one reply serves both.
        public func sharesReply(with other: Channel) -> Bool {
            register == other.register && width == other.width && byteOrder == other.byteOrder && crc == other.crc
        }

        /// How wide the field is after masking and shifting.
        public var fieldBits: Int { 32 - (mask >> UInt32(shift)).leadingZeroBitCount }

        /// The codes the field can hold.
        public var codes: ClosedRange<Int64> {
            let bits = Int64(fieldBits)
            guard bits > 0 else { return 0...0 }
            return signed ? -(1 << (bits - 1))...((1 << (bits - 1)) - 1) : 0...((1 << bits) - 1)
        }

        /// The field's code in the register's value.
        public func code(register value: UInt32) -> Int64 {
            let field = Int64((value & mask) >> UInt32(shift))
            let bits = Int64(fieldBits)
            if signed, bits > 0, field & (1 << (bits - 1)) != 0 { return field - (1 << bits) }
            return field
        }

        /// The physical value the register's value stands for (no range check).
        public func physical(register value: UInt32) -> Double {
            conversion.apply(Double(code(register: value)))
        }

        /// `register` with the field replaced by `code` (clamped to ``codes``); the bits
        /// outside the mask are kept.
        public func encode(code: Int64, into register: UInt32) -> UInt32 {
            let clamped = min(max(code, codes.lowerBound), codes.upperBound)
            let field = UInt32(truncatingIfNeeded: clamped) << UInt32(shift)
            return (register & ~mask) | (field & mask)
        }
    }

    /// How a field's code becomes a physical value.
    public enum Conversion: Sendable, Equatable {
        /// `code * scale + offset`.
        case linear(scale: Double, offset: Double)
        /// `c0 + c1 code + c2 code² + ...`, coefficients from c0.
        case polynomial([Double])

        public func apply(_ code: Double) -> Double {
            switch self {
            case .linear(let scale, let offset):
                return code * scale + offset
            case .polynomial(let coefficients):
                // Horner's scheme, from the highest coefficient down.
                return coefficients.reversed().reduce(0) { $0 * code + $1 }
            }
        }

        /// The code in `codes` whose value is nearest `value`: the linear conversion
        /// inverted and rounded, the polynomial by bisection, which assumes the polynomial
        /// is monotonic over `codes` (as a calibration curve is); else the nearer end.
        public func code(for value: Double, in codes: ClosedRange<Int64>) -> Int64 {
            guard value.isFinite else { return codes.lowerBound }
            switch self {
            case .linear(let scale, let offset):
                guard scale != 0 else { return codes.lowerBound }
                let exact = ((value - offset) / scale).rounded()
                if exact <= Double(codes.lowerBound) { return codes.lowerBound }
                if exact >= Double(codes.upperBound) { return codes.upperBound }
                return Int64(exact)
            case .polynomial:
                var low = codes.lowerBound
                var high = codes.upperBound
                let rising = apply(Double(high)) >= apply(Double(low))
                // Invariant: value lies between apply(low) and apply(high) if at all.
                while high - low > 1 {
                    let middle = low + (high - low) / 2
                    if (apply(Double(middle)) < value) == rising { low = middle } else { high = middle }
                }
                return abs(apply(Double(low)) - value) <= abs(apply(Double(high)) - value) ? low : high
            }
        }
    }
}
