import SensorgateCore

/// How long the broker has said nothing, and when that means it is gone.
///
/// libmosquitto's own check cannot be relied on for this: it sends a PINGREQ after a
/// keepalive without traffic, then resets its "last heard" time to the moment of the
/// ping and gives up only a whole keepalive after that (2 x keepalive at best, in whole
/// seconds, and only as often as its misc function is called); and the disconnect it
/// then reports prints as "Unknown error". A broker that is frozen but whose kernel
/// still holds the TCP connection (stopped, swapped out, deadlocked) sends no RST, so
/// nothing else notices. The client therefore keeps its own deadline: no byte from the
/// broker for 1.5 x keepalive (the limit MQTT gives the broker for its clients) ends
/// the connection.
public struct BrokerSilence: Sendable, Equatable {
    public let keepalive: Interval
    public private(set) var lastHeard: Timestamp

    public init(keepalive: Interval, lastHeard: Timestamp) {
        self.keepalive = keepalive
        self.lastHeard = lastHeard
    }

    /// The longest silence a live broker is allowed.
    public var limit: Interval { Interval(nanoseconds: keepalive.nanoseconds / 2 * 3) }

    /// How often libmosquitto's misc function (which sends the PINGREQ) must run: the
    /// ping goes out up to one period late, and its answer must still arrive before
    /// ``limit``, so well under half a keepalive.
    public var checkPeriod: Interval {
        guard isEnabled else { return .seconds(1) }
        return Interval(nanoseconds: min(max(keepalive.nanoseconds / 8, 50_000_000), 1_000_000_000))
    }

    /// A keepalive of 0 switches MQTT's keepalive off, and this deadline with it.
    public var isEnabled: Bool { keepalive.nanoseconds > 0 }

    public mutating func heard(at instant: Timestamp) {
        if instant > lastHeard { lastHeard = instant }
    }

    /// Why the connection must be given up at `now`, or nil while the broker is in time.
    public func verdict(at now: Timestamp) -> String? {
        let silence = now - lastHeard
        guard isEnabled, silence >= limit else { return nil }
        return "the broker did not answer for \(silence.readableDescription) (keepalive \(keepalive.readableDescription))"
    }

    /// When to run the next check: the next misc period, or the deadline if sooner.
    public func nextCheck(after now: Timestamp) -> Timestamp {
        isEnabled ? min(now + checkPeriod, lastHeard + limit) : now + checkPeriod
    }
}
