import MQTT
import SensorgateCore
import Testing

@Suite("Delays in human units")
struct ReadableIntervalTests {
    @Test("rounded to what matters at each size", arguments: [
        (Interval.zero, "0s"),
        (.nanoseconds(400), "<1ms"),
        (.milliseconds(500), "500ms"),
        (.nanoseconds(437_283_947), "437ms"),
        (.nanoseconds(999_600_000), "1s"),
        (.seconds(1), "1s"),
        (.nanoseconds(1_734_000_001), "1.7s"),
        (.milliseconds(3_004), "3s"),
        (.nanoseconds(24_480_000_000), "24s"),
        (.seconds(30), "30s"),
        (.seconds(45), "45s"),
        (.seconds(60), "1m"),
        (.seconds(125), "2m5s"),
        (.milliseconds(-1500), "-1.5s"),
    ])
    func readable(interval: Interval, text: String) {
        #expect(interval.readableDescription == text)
    }

    @Test("a jittered delay never prints in nanoseconds")
    func jitteredDelay() {
        var schedule = ReconnectSchedule(minimum: .milliseconds(500), maximum: .seconds(30))
        for _ in 0..<12 {
            let text = schedule.next().delay.readableDescription
            #expect(!text.hasSuffix("ns") && !text.hasSuffix("us") && text != "<1ms", "\(text)")
        }
    }
}
