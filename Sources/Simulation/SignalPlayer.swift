#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SensorgateCore

/// The outside world for simulated GPIO inputs: plays binary signals onto pins of a
/// ``SimulatedGPIOChip`` in real time, on a thread of its own (the world is not part of
/// the gateway's event loop; it only changes pins, as switches do).
public final class SignalPlayer: @unchecked Sendable {
    public struct Track: Sendable {
        public var chip: SimulatedGPIOChip
        public var offset: UInt32
        /// Logical signal; the pin is driven to `level != activeLow`.
        public var signal: BinarySignal
        public var activeLow: Bool

        public init(chip: SimulatedGPIOChip, offset: UInt32, signal: BinarySignal, activeLow: Bool) {
            self.chip = chip
            self.offset = offset
            self.signal = signal
            self.activeLow = activeLow
        }
    }

    private var tracks: [Track]
    private let clock: any MonotonicClock
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var stopping = false
    private var thread: pthread_t?

    public init(tracks: [Track], clock: any MonotonicClock = SystemClock()) {
        self.tracks = tracks
        self.clock = clock
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        stop()
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    /// Drives every pin to its signal's initial level now (before the gateway requests
    /// the lines, so their initial read sees it).
    public func applyInitialLevels() {
        for track in tracks {
            track.chip.drive(offset: track.offset, level: track.signal.initialLevel != track.activeLow)
        }
    }

    /// Starts playing on a new thread.
    public func start() {
        guard thread == nil, !tracks.isEmpty else { return }
        let unmanaged = Unmanaged.passRetained(self)
        var handle = pthread_t()
        let result = pthread_create(&handle, nil, { argument in
            let player = Unmanaged<SignalPlayer>.fromOpaque(argument!).takeRetainedValue()
            player.play()
            return nil
        }, unmanaged.toOpaque())
        if result == 0 { thread = handle } else { unmanaged.release() }
    }

    /// Stops the thread and waits for it.
    public func stop() {
        pthread_mutex_lock(mutex)
        stopping = true
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
        if let thread {
            pthread_join(thread, nil)
            self.thread = nil
        }
    }

    private func play() {
        let start = clock.now()
        var upcoming = tracks.indices.map { index in tracks[index].signal.next() }
        while true {
            guard let index = upcoming.indices.min(by: { upcoming[$0].at < upcoming[$1].at }) else { return }
            let due = start + upcoming[index].at
            if !sleep(until: due) { return }
            let track = tracks[index]
            track.chip.drive(offset: track.offset, level: upcoming[index].level != track.activeLow)
            upcoming[index] = tracks[index].signal.next()
        }
    }

    /// Sleeps until `deadline`; false when asked to stop.
    private func sleep(until deadline: Timestamp) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !stopping {
            if clock.now() >= deadline { return true }
            var spec = timespec()
            spec.tv_sec = Int(deadline.nanoseconds / 1_000_000_000)
            spec.tv_nsec = Int(deadline.nanoseconds % 1_000_000_000)
            pthread_cond_timedwait(condition, mutex, &spec)
        }
        return false
    }
}
