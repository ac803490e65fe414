import SensorgateCore

/// Handing over to a client with another configuration (a reload that changed the broker,
/// the credentials or the TLS files): what the retiring client still buffers moves to its
/// successor, and the two clients' statistics add up to the connection's history.
extension MQTTClient {
    /// Empties the buffer of messages not yet handed to libmosquitto, oldest first. Those
    /// libmosquitto already holds (QoS 1/2 in flight) stay with this client.
    public func takeBuffered() -> [OutgoingMessage] {
        var messages: [OutgoingMessage] = []
        messages.reserveCapacity(buffer.count)
        while let message = buffer.popFirst() { messages.append(message) }
        return messages
    }

    /// Queues `messages` (a predecessor's ``takeBuffered()``) ahead of anything published
    /// later. They were counted as published by the client they came from, so they are not
    /// counted again; past the buffer's bound the oldest are dropped and counted.
    public func takeOver(_ messages: [OutgoingMessage]) {
        for message in messages where buffer.append(message) {
            statistics.dropped += 1
        }
        drainBuffer()
    }

    /// The topic filters this client subscribes to on every connection, for its successor.
    public var subscriptionFilters: [(topic: String, qos: Int32)] { subscriptions }

    /// Disconnects all callbacks: a retiring client's last acknowledgements and messages
    /// concern nobody any more.
    public func detachCallbacks() {
        onConnect = {}
        onDisconnect = { _ in }
        onMessage = { _ in }
        onAcknowledged = { _ in }
        onRefused = { _, _ in false }
        onReadyToSend = {}
    }
}

extension MQTTClient.Statistics {
    /// Both clients' counts: a successor's figures continue its predecessor's.
    public static func + (lhs: Self, rhs: Self) -> Self {
        var sum = lhs
        sum.published += rhs.published
        sum.acknowledged += rhs.acknowledged
        sum.dropped += rhs.dropped
        sum.refused += rhs.refused
        sum.connects += rhs.connects
        sum.connectFailures += rhs.connectFailures
        return sum
    }
}
