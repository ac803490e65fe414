import SensorgateCore

/// Converts the stamps of v1 edge events into monotonic ``Timestamp``s.
///
/// The kernel's v1 GPIO uAPI stamps line events with `CLOCK_MONOTONIC` since Linux 5.7;
/// older kernels stamp them with `CLOCK_REALTIME`. libgpiod 1.6 passes the stamp through
/// unchanged, so the backend tells the two apart: a stamp is taken as realtime when it is
/// nearer to the realtime clock's "now" than to the monotonic clock's (on any system whose
/// wall clock is set the two are decades apart, and an event is read moments after it
/// happened), and is then shifted onto the monotonic time line by the current offset
/// between the clocks. Once a monotonic stamp has been seen while the two clocks were far
/// apart (more than a day), the kernel is known to stamp monotonically and no clock is
/// read any more.
public struct KernelEventClock: Sendable {
    /// Which clock the kernel is known to stamp events with; nil while undecided.
    public private(set) var known: Source?

    public enum Source: Sendable, Equatable {
        case monotonic, realtime
    }

    public init() {}

    /// Clocks further apart than this make a monotonic stamp decisive.
    static let decisiveSeparation: Int64 = 86_400 * 1_000_000_000

    /// Whether ``convert(_:monotonicNow:realtimeNow:)`` needs the clocks read.
    public var needsClocks: Bool { known != .monotonic }

    /// Maps one stamp (nanoseconds on the kernel's event clock) to monotonic time, given
    /// both clocks read at about the time of the read (ignored once ``known`` is monotonic).
    public mutating func convert(_ stamp: UInt64, monotonicNow: UInt64, realtimeNow: UInt64) -> Timestamp {
        if known == .monotonic { return Timestamp(nanoseconds: stamp) }
        let s = Int64(clamping: stamp)
        let mono = Int64(clamping: monotonicNow)
        let real = Int64(clamping: realtimeNow)
        let toMono = distance(s, mono)
        let toReal = distance(s, real)
        if toReal < toMono {
            known = .realtime
            let shifted = s - (real - mono)
            return Timestamp(nanoseconds: UInt64(max(0, shifted)))
        }
        if distance(real, mono) > Self.decisiveSeparation { known = .monotonic }
        return Timestamp(nanoseconds: stamp)
    }

    private func distance(_ a: Int64, _ b: Int64) -> UInt64 {
        a >= b ? UInt64(a - b) : UInt64(b - a)
    }
}
