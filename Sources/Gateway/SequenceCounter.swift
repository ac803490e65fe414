import Logging
import SensorgateCore

/// The payload's `seq`: per gateway and strictly increasing across restarts.
///
/// The counter lives in `<state_dir>/<gateway id>.seq`. Numbers are reserved in blocks:
/// the file always holds a number no lower than any `seq` handed out, written (and
/// `fsync`ed) before the block is used, so even after a crash or power loss the next run
/// starts above every number already published. A clean stop writes the exact next
/// number, so consecutive runs leave no gap; an unclean one leaves a gap of at most one
/// block, which a subscriber sees as a jump, not as a repeat.
///
/// The promise is kept when the disk is not cooperating, at the cost of messages:
/// - When a reservation cannot be written (full disk, I/O error), the counter keeps
///   handing out the numbers already reserved, retries at most once a second, and once
///   those run out hands out none (``next()`` returns nil: the caller drops the message)
///   until a retry succeeds. Each failure episode is logged once as an error (and passed
///   to ``onFailure``), and its end once as a notice with the count of messages dropped.
/// - When the file (or the whole state directory) disappears while running, it is written
///   again from the counter in memory within a second, and the directory lock is taken
///   again on the new directory.
/// - An empty, truncated or unreadable file, or one too close to the top of the 64-bit
///   range to reserve another block, stops the start with what to do.
/// - The state directory is locked (``StateDirectoryLock``), so no second gateway can
///   count from the same file.
final class SequenceCounter {
    let path: String
    let directory: String
    private let block: UInt64
    private let logger: Logger
    private let clock: any MonotonicClock
    private var lock: StateDirectoryLock
    private var nextValue: UInt64
    /// The highest number durably on disk: no number above it is ever handed out.
    private var reservedUpTo: UInt64
    /// When the disk is looked at again (a retry while failing, else a presence check).
    private var nextCheck: Timestamp
    /// Set during a failure episode: the reason, logged once.
    private var failure: GatewayError?
    /// Messages dropped for lack of a reserved number during the current episode.
    private(set) var withheld: UInt64 = 0
    /// Messages dropped for lack of a reserved number since the start (the statistics).
    private(set) var withheldInAll: UInt64 = 0
    /// Called once per failure episode, after its error is logged, with the same text, so
    /// the gateway can also publish it. Runs inside ``next()``: it must not call it.
    var onFailure: (String) -> Void = { _ in }

    /// How often the disk is looked at between reservations.
    static let checkInterval = Interval.seconds(1)
    /// Longest `.seq` file accepted (a 20-digit number and a newline, with room).
    static let maximumFileSize = 64

    init(directory: String, gatewayID: String, block: UInt64 = 65_536, logger: Logger,
         clock: any MonotonicClock = SystemClock()) throws(GatewayError) {
        self.directory = directory
        self.path = directory + "/" + gatewayID + ".seq"
        self.block = block
        self.logger = logger
        self.clock = clock
        do {
            try StateFile.makeDirectory(directory)
        } catch {
            throw GatewayError("\(error) (set gateway.state_dir in the profile or pass --state-dir)")
        }
        lock = try StateDirectoryLock(directory: directory)
        let stored = try Self.readNumber(path) ?? 0
        guard stored <= UInt64.max - 2 * block else {
            throw GatewayError("\(path) holds \(stored), too close to the top of seq's 64-bit range to reserve another \(block) numbers: this gateway cannot number messages without repeating. Subscribers must be told that seq restarts; then delete the file")
        }
        nextValue = stored + 1
        reservedUpTo = stored
        nextCheck = clock.now() + Self.checkInterval
        try reserve()
    }

    /// The next number, or nil if none is durably reserved (loop thread).
    func next() -> UInt64? {
        let now = clock.now()
        if now >= nextCheck {
            nextCheck = now + Self.checkInterval
            checkDisk()
        }
        guard nextValue <= reservedUpTo else {
            withheld += 1
            withheldInAll += 1
            return nil
        }
        let value = nextValue
        nextValue += 1
        // Reserve ahead, well before the block runs out; while failing, only on the timer.
        if failure == nil, reservedUpTo - value < block / 2 {
            do {
                try reserve()
            } catch {
                enterFailure(error)
            }
        }
        return value
    }

    /// Writes the exact last number handed out, for a gap-free restart. If that fails the
    /// previous reservation stays on disk, so the next start leaves a gap, never a repeat.
    func close() {
        do {
            try StateFile.replace(path, with: Array("\(nextValue - 1)\n".utf8))
        } catch {
            logger.error("cannot record the last seq at stop: \(error); \(path) keeps its previous reservation, so the next start skips some numbers rather than repeat any")
        }
    }

    // MARK: Reserving

    private func reserve() throws(GatewayError) {
        let base = max(reservedUpTo, nextValue - 1)
        // The last number is one below the top, so `nextValue` (one past it) never overflows.
        let top = UInt64.max - 1
        guard base < top else {
            throw GatewayError("seq reached \(base), the top of its 64-bit range: no number can be reserved without repeating")
        }
        let limit = base + min(block, top - base)
        try StateFile.replace(path, with: Array("\(limit)\n".utf8))
        reservedUpTo = limit
    }

    private func enterFailure(_ error: GatewayError) {
        guard failure == nil else { return }  // one log line per episode
        failure = error
        let left = reservedUpTo >= nextValue ? reservedUpTo - nextValue + 1 : 0
        let message = "cannot reserve seq numbers: \(error); \(left) reserved numbers are left, then new messages are dropped (never numbered twice) until a reservation succeeds; retrying every second"
        logger.error("\(message)")
        onFailure(message)
    }

    /// Once a second: retries a failed reservation; writes the file again if it (or the
    /// whole directory) was deleted; takes the lock again if its file was deleted.
    private func checkDisk() {
        let lockInPlace = lock.isInPlace
        let fileInPlace = StateFile.exists(path)
        guard failure != nil || !fileInPlace || !lockInPlace else { return }
        if !fileInPlace {
            if failure == nil {
                logger.error("\(path) disappeared while running; writing it again from the counter in memory (next seq \(nextValue))")
            }
            // What was on disk is gone: only a new write makes any number durable again.
            reservedUpTo = nextValue - 1
        }
        do {
            try StateFile.makeDirectory(directory)
            if !lockInPlace { try lock.reacquire() }
            try reserve()
        } catch {
            enterFailure(error)
            return
        }
        if failure != nil {
            logger.notice("seq numbers reserved again in \(path) (up to \(reservedUpTo)); \(withheld) messages were dropped meanwhile")
            failure = nil
            withheld = 0
        }
    }

    private static func readNumber(_ path: String) throws(GatewayError) -> UInt64? {
        guard let bytes = try StateFile.read(path, limit: maximumFileSize) else { return nil }
        let advice = "seq must continue above the last number published: write that number, or any larger one, into the file (for example `echo 100000000 > \(path)`); delete the file only if no subscriber relies on seq, which then restarts at 1"
        guard !bytes.isEmpty else {
            throw GatewayError("\(path) is empty (a crash or a full disk cut it short): \(advice)")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        // Every write ends with a newline: without it the file was cut short.
        guard bytes.last == UInt8(ascii: "\n"), let value = UInt64(text.trimmingWhitespace()) else {
            throw GatewayError("\(path) does not hold a whole sequence number ('\(Self.shown(text))'; truncated or corrupt): \(advice)")
        }
        return value
    }

    /// The file's text as one printable line, for an error message.
    private static func shown(_ text: String) -> String {
        text.trimmingWhitespace().unicodeScalars.map { $0.escaped(asASCII: true) }.joined()
    }
}
