/// A message the broker delivered on a subscribed topic.
///
/// Whoever can publish to the broker decides what arrives, so the client copies at most
/// ``MQTTClientConfiguration/maxIncomingPayload`` bytes out of libmosquitto's buffer: a
/// huge payload is held once (by libmosquitto, while the callback runs), and its `size`
/// still tells the receiver how large it was, so it can be refused by size.
public struct IncomingMessage: Sendable, Equatable {
    public var topic: String
    /// The payload, or its first `maxIncomingPayload` bytes when it is longer.
    public var payload: [UInt8]
    /// The payload's size as received.
    public var size: Int
    /// The broker delivered a stored retained message (sent when we subscribed), not a
    /// message published just now.
    public var retained: Bool

    public var isTruncated: Bool { payload.count < size }

    public init(topic: String, payload: [UInt8], size: Int? = nil, retained: Bool = false) {
        self.topic = topic
        self.payload = payload
        self.size = size ?? payload.count
        self.retained = retained
    }
}
