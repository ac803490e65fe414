import SensorgateCore

/// What the gateway publishes through: the client itself, or the durable outbox in front of it.
public protocol MessagePublisher: AnyObject {
    /// Publishes or queues; never blocks.
    func publish(topic: String, payload: [UInt8], qos: Int32, retain: Bool)
    /// Messages not yet delivered.
    var backlog: Int { get }
    /// Delivers what is pending (within `timeout`), sends `final`, disconnects, then calls `completion`.
    func shutdown(timeout: Interval, final: [OutgoingMessage], completion: @escaping () -> Void)
}

extension MQTTClient: MessagePublisher {}
