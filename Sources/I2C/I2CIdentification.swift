import SensorgateCore

/// Which catalog drivers could serve a part that answered at an address, told apart by
/// the chip-identity registers their descriptors declare.
///
/// A driver whose part has an identity register is named when the register reads one of
/// its values and ruled out when the read fails or gives another value; a driver without
/// one stays a "could be". Only register reads are sent (each register once per address,
/// however many drivers share it), never a write of data.
public struct I2CIdentification: Sendable, Equatable {
    /// What the scan concluded about one driver.
    public enum Verdict: Sendable, Equatable {
        /// The identity register read `value`, one of the driver's.
        case identified(value: UInt16)
        /// The driver declares no identity: the part may be its.
        case possible
        /// The identity register read `value`, not one of the driver's.
        case differs(value: UInt16)
        /// The identity register could not be read.
        case unreadable(I2CError.Code)
    }

    public struct Candidate: Sendable, Equatable {
        /// The profile's `driver:` value.
        public var driver: String
        /// The part as its maker writes it.
        public var part: String
        public var identity: ChipIdentity?
        public var verdict: Verdict
    }

    public var address: UInt8
    /// In catalog order.
    public var candidates: [Candidate]

    /// Reads the identity registers of the drivers that allow `address`.
    public static func identify(address: UInt8, bus: any I2CBus, drivers: [DriverDescriptor]) -> I2CIdentification {
        var reads: [ChipIdentity.Width: [UInt8: Result<UInt16, I2CError>]] = [:]
        var candidates: [Candidate] = []
        // A driver that is nothing without its options (the declarative `registers`, which
        // allows any address) names no part: it would be a candidate everywhere.
        for driver in drivers where driver.allowedAddresses.contains(address) && !driver.options.contains(where: \.isRequired) {
            var verdict = Verdict.possible
            if let identity = driver.identity {
                let outcome: Result<UInt16, I2CError>
                if let known = reads[identity.width]?[identity.register] {
                    outcome = known
                } else {
                    outcome = Result { () throws(I2CError) in try identity.read(bus: bus, address: address) }
                    reads[identity.width, default: [:]][identity.register] = outcome
                }
                switch outcome {
                case .success(let value): verdict = identity.matches(value) ? .identified(value: value) : .differs(value: value)
                case .failure(let error): verdict = .unreadable(error.code)
                }
            }
            candidates.append(Candidate(driver: driver.name, part: driver.part, identity: driver.identity, verdict: verdict))
        }
        return I2CIdentification(address: address, candidates: candidates)
    }

    /// The drivers named by their identity register.
    public var identified: [Candidate] { candidates.filter { if case .identified = $0.verdict { true } else { false } } }
    /// The drivers without an identity register.
    public var possible: [Candidate] { candidates.filter { $0.verdict == .possible } }
    /// The drivers whose identity register ruled them out.
    public var ruledOut: [Candidate] {
        candidates.filter {
            switch $0.verdict {
            case .differs, .unreadable: true
            case .identified, .possible: false
            }
        }
    }

    /// One line of `sensorgate i2c scan`, after the address: the parts named, then those it
    /// could be, then those ruled out, e.g. `BMP280 (chip id 0x58), driver bmp280; not BME280
    /// (chip id 0x58, expected 0x60)`.
    public var summary: String {
        guard !candidates.isEmpty else { return "no driver in the catalog uses this address" }
        var parts: [String] = []
        for candidate in identified {
            guard let identity = candidate.identity, case .identified(let value) = candidate.verdict else { continue }
            parts.append("\(candidate.part) (\(identity.label) \(identity.format(value))), driver \(candidate.driver)")
        }
        let maybe = possible.map { "\($0.part) (driver \($0.driver))" }
        if !maybe.isEmpty { parts.append("could be " + maybe.joined(separator: ", ")) }
        for candidate in ruledOut {
            guard let identity = candidate.identity else { continue }
            let expected = identity.expected.map(identity.format).joined(separator: "/")
            switch candidate.verdict {
            case .differs(let value):
                parts.append("not \(candidate.part) (\(identity.label) \(identity.format(value)), expected \(expected))")
            case .unreadable(let code):
                parts.append("not \(candidate.part) (\(identity.label) unreadable: \(code.rawValue))")
            case .identified, .possible:
                continue
            }
        }
        if identified.isEmpty && possible.isEmpty { parts.insert("no driver in the catalog matches", at: 0) }
        return parts.joined(separator: "; ")
    }
}
