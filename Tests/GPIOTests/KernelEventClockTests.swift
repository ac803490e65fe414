@testable import GPIO
import SensorgateCore
import Testing

/// The v1 backend's stamp conversion (kernels before 5.7 stamp v1 events with CLOCK_REALTIME).
@Suite("KernelEventClock (API v1)")
struct KernelEventClockTests {
    static let second: UInt64 = 1_000_000_000
    static let realtimeNow: UInt64 = 1_795_000_000 * second   // late 2026
    static let monotonicNow: UInt64 = 3_600 * second          // an hour after boot

    @Test("monotonic stamps pass through, and once decisive, no clock is read again")
    func monotonicStamps() {
        var clock = KernelEventClock()
        #expect(clock.needsClocks)
        let stamp = Self.monotonicNow - 2_000_000
        #expect(clock.convert(stamp, monotonicNow: Self.monotonicNow, realtimeNow: Self.realtimeNow)
                == Timestamp(nanoseconds: stamp))
        #expect(clock.known == .monotonic)
        #expect(!clock.needsClocks)
        // Known monotonic: the clocks passed in no longer matter.
        #expect(clock.convert(42, monotonicNow: 0, realtimeNow: 0) == Timestamp(nanoseconds: 42))
    }

    @Test("realtime stamps (kernels before 5.7) are moved onto the monotonic time line")
    func realtimeStamps() {
        var clock = KernelEventClock()
        let stamp = Self.realtimeNow - 3_000_000   // 3 ms ago, on the realtime clock
        let converted = clock.convert(stamp, monotonicNow: Self.monotonicNow, realtimeNow: Self.realtimeNow)
        #expect(converted == Timestamp(nanoseconds: Self.monotonicNow - 3_000_000))
        #expect(clock.known == .realtime)
        #expect(clock.needsClocks)
    }

    @Test("with the wall clock unset (both clocks near boot), a stamp is kept and nothing is decided")
    func undecided() {
        var clock = KernelEventClock()
        let converted = clock.convert(10 * Self.second, monotonicNow: 11 * Self.second, realtimeNow: 12 * Self.second)
        #expect(converted == Timestamp(nanoseconds: 10 * Self.second))
        #expect(clock.known == nil)
    }
}
