import MQTT
import SensorgateCore
import Testing

@Suite("Broker silence deadline")
struct BrokerSilenceTests {
    private let start = Timestamp(nanoseconds: 1_000_000_000_000)

    @Test("a broker silent for 1.5 x keepalive is given up, with a reason a person understands")
    func verdictAtTheLimit() {
        let silence = BrokerSilence(keepalive: .seconds(30), lastHeard: start)
        #expect(silence.verdict(at: start + .seconds(44)) == nil)
        #expect(silence.verdict(at: start + .seconds(45)) == "the broker did not answer for 45s (keepalive 30s)")
    }

    @Test("every byte from the broker moves the deadline")
    func heardMovesTheDeadline() {
        var silence = BrokerSilence(keepalive: .seconds(2), lastHeard: start)
        silence.heard(at: start + .seconds(2))
        #expect(silence.verdict(at: start + .seconds(4)) == nil)
        #expect(silence.verdict(at: start + .seconds(5)) == "the broker did not answer for 3s (keepalive 2s)")
        silence.heard(at: start)
        #expect(silence.lastHeard == start + .seconds(2), "an older instant never moves it back")
    }

    @Test("checks often enough for the ping's answer to beat the deadline, and at the deadline itself")
    func checkTimes() {
        let silence = BrokerSilence(keepalive: .seconds(30), lastHeard: start)
        #expect(silence.checkPeriod == .seconds(1))
        #expect(silence.nextCheck(after: start + .seconds(10)) == start + .seconds(11))
        #expect(silence.nextCheck(after: start + .milliseconds(44_500)) == start + .seconds(45))
        let short = BrokerSilence(keepalive: .seconds(2), lastHeard: start)
        #expect(short.checkPeriod == .milliseconds(250))
    }

    @Test("keepalive 0 (off) never gives up")
    func keepaliveOff() {
        let silence = BrokerSilence(keepalive: .zero, lastHeard: start)
        #expect(silence.verdict(at: start + .seconds(3600)) == nil)
        #expect(silence.nextCheck(after: start) == start + .seconds(1))
    }
}
