import SensorgateCore

/// Where a sensor answers on its bus, as the validator tells whether two parts would
/// answer one transaction together.
///
/// The rules, for sensors on the same bus:
/// - two sensors directly on the bus at one address clash;
/// - two sensors behind the same channel of the same multiplexer at one address clash;
/// - one address behind two channels, or behind two multiplexers, is fine: the bus worker
///   selects one channel and deselects every other multiplexer first;
/// - a sensor directly on the bus clashes with one at its address behind any channel: a
///   part directly on the bus answers whichever channel is selected;
/// - no sensor, on the bus or behind a channel, may sit at the address of a multiplexer
///   on that bus: the multiplexer itself answers there.
struct I2CAddressClaim {
    var bus: Int
    var address: UInt8
    var mux: I2CMuxChannel?
    /// `sensors[1] 'b'`
    var owner: String
    /// The `address` key, or the `i2c` mapping when the address is the driver's default.
    var path: String
    var location: SourceLocation

    /// `0x44 on bus 1` or `0x44 behind mux 0x70 channel 3 on bus 1`
    var place: String {
        let address = I2CAddressSyntax.format(address)
        guard let mux else { return "\(address) on bus \(bus)" }
        return "\(address) \(Self.behind(mux)) on bus \(bus)"
    }

    /// `behind mux 0x70 channel 3`
    static func behind(_ mux: I2CMuxChannel) -> String {
        "behind mux \(I2CAddressSyntax.format(mux.address)) channel \(mux.channel)"
    }

    static let answersEverywhere = "a part directly on the bus answers whichever channel is selected"

    /// The problems of each claim with the ones before it (and with every multiplexer on its
    /// bus), in the order of `claims`: one message per clashing claim, for its location.
    static func conflicts(_ claims: [I2CAddressClaim]) -> [(claim: I2CAddressClaim, message: String)] {
        var found: [(claim: I2CAddressClaim, message: String)] = []
        for (index, claim) in claims.enumerated() {
            // The first user of a multiplexer at this address on this bus, if any.
            if let user = claims.first(where: { $0.bus == claim.bus && $0.mux?.address == claim.address }) {
                let same = user.location == claim.location
                found.append((claim, "\(I2CAddressSyntax.format(claim.address)) on bus \(claim.bus) is the address of the TCA9548A multiplexer "
                    + (same ? "this sensor is behind" : "that \(user.owner) at \(user.location) is behind")
                    + ", which answers there itself"))
                continue
            }
            let earlier = claims[..<index].filter { $0.bus == claim.bus && $0.address == claim.address }
            if let first = earlier.first(where: { $0.mux == claim.mux }) {
                found.append((claim, "\(claim.place) is already used by \(first.owner) at \(first.location)"))
            } else if claim.mux == nil, let muxed = earlier.first(where: { $0.mux != nil }), let mux = muxed.mux {
                found.append((claim, "\(claim.place) is also used \(Self.behind(mux)) by \(muxed.owner) at \(muxed.location): "
                    + Self.answersEverywhere))
            } else if claim.mux != nil, let direct = earlier.first(where: { $0.mux == nil }) {
                found.append((claim, "\(claim.place) is also used directly on the bus by \(direct.owner) at \(direct.location): "
                    + Self.answersEverywhere))
            }
        }
        return found
    }
}
