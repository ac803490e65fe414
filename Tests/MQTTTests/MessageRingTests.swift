@testable import MQTT
import Testing

@Suite("MessageRing")
struct MessageRingTests {
    func message(_ index: Int) -> OutgoingMessage { OutgoingMessage(topic: "t\(index)", payload: [], qos: 1, retain: false) }

    @Test("keeps order, drops the oldest when full, and can put one back at the front")
    func ring() {
        var ring = MessageRing()
        ring.capacity = 3
        #expect(ring.append(message(1)) == false)
        #expect(ring.append(message(2)) == false)
        #expect(ring.append(message(3)) == false)
        #expect(ring.append(message(4)) == true, "full: the oldest goes")
        #expect(ring.popFirst()?.topic == "t2")
        #expect(ring.prepend(message(9)) == true)
        #expect(ring.prepend(message(0)) == false, "full again")
        #expect(ring.append(message(5)) == true)
        var topics: [String] = []
        while let next = ring.popFirst() { topics.append(next.topic) }
        #expect(topics == ["t3", "t4", "t5"])
        #expect(ring.isEmpty)
        // After wrapping and emptying it still works in order.
        for index in 10..<13 { _ = ring.append(message(index)) }
        #expect(ring.popFirst()?.topic == "t10")
        #expect(ring.prepend(message(99)) == true)
        topics = []
        while let next = ring.popFirst() { topics.append(next.topic) }
        #expect(topics == ["t99", "t11", "t12"])
    }
}
