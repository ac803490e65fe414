import SensorgateCore

/// The outside world for simulated GPIO inputs: plays binary signals onto pins of a
/// ``SimulatedGPIOChip`` in real time, on a thread of its own (the world is not part of
/// the gateway's event loop; it only changes pins, as switches do).
public final class SignalPlayer: @unchecked Sendable {
    public struct Track: Sendable {
        /// A simulated gpiochip, or an expander's pins.
        public var chip: any SimulatedPins
        public var offset: UInt32
        /// Logical signal; the pin is driven to `level != activeLow`.
        public var signal: BinarySignal
        public var activeLow: Bool

        public init(chip: any SimulatedPins, offset: UInt32, signal: BinarySignal, activeLow: Bool) {
            self.chip = chip
            self.offset = offset
            self.signal = signal
            self.activeLow = activeLow
        }
    }

    private var tracks: [Track]
    private let clock: any MonotonicClock
    private let thread: WorkerThread

    public init(tracks: [Track], clock: any MonotonicClock = SystemClock()) {
        self.tracks = tracks
        self.clock = clock
        self.thread = WorkerThread(clock: clock)
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
        guard !tracks.isEmpty else { return }
        thread.start { [self] in play() }
    }

    /// Stops the thread and waits for it.
    public func stop() { thread.stop() }

    private func play() {
        let start = clock.now()
        var upcoming = tracks.indices.map { index in tracks[index].signal.next() }
        while true {
            guard let index = upcoming.indices.min(by: { upcoming[$0].at < upcoming[$1].at }) else { return }
            let due = start + upcoming[index].at
            if !thread.sleep(until: due) { return }
            let track = tracks[index]
            track.chip.drive(offset: track.offset, level: upcoming[index].level != track.activeLow)
            upcoming[index] = tracks[index].signal.next()
        }
    }
}
