import MQTT
import Testing

@Suite("Broker list")
struct BrokerListTests {
    typealias Endpoint = MQTTClientConfiguration.Endpoint

    @Test("starts at the first broker, moves to the next on each failure and wraps to the first")
    func order() {
        let a = Endpoint(host: "a", port: 1883), b = Endpoint(host: "b", port: 1883), c = Endpoint(host: "c", port: 1884)
        var list = BrokerList(first: a, failover: [b, c])
        #expect(list.current == a)
        list.advance()
        #expect(list.current == b)
        list.advance()
        #expect(list.current == c)
        list.advance()
        #expect(list.current == a)
    }

    @Test("one broker stays current; the first is not repeated in the failover list")
    func single() {
        let a = Endpoint(host: "a", port: 1883)
        var list = BrokerList(first: a, failover: [a])
        #expect(list.count == 1)
        list.advance()
        #expect(list.current == a)
    }
}
