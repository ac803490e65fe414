#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CGPIOD
import SensorgateCore

/// Lines requested from a ``LibgpiodV1Chip``.
///
/// Edge events are read from ``fileDescriptor`` (`gpiod_line_event_get_fd` of the one
/// edge-detecting line, set `O_NONBLOCK`) when it becomes readable; a request without an
/// edge-detecting line has no descriptor (`-1`) and never needs reading.
public final class LibgpiodV1LineRequest: GPIOLineRequest {
    struct Member {
        var config: LineConfig
        var line: OpaquePointer
    }

    /// The kernel's v1 event FIFO holds this many events per line request
    /// (`DECLARE_KFIFO(events, struct gpioevent_data, 16)` in gpiolib-cdev); libgpiod 1.6
    /// reads at most this many at a time.
    public static let kernelQueueCapacity = 16

    /// Keeps the chip open while the lines are requested; nil once released.
    private var chip: LibgpiodV1ChipHandle?
    private let api: sg_gpiod_v1_api
    private let chipName: String
    private var members: [Member]
    public let fileDescriptor: Int32
    private let edgeOffset: UInt32?
    private var clock = KernelEventClock()
    private var buffer: [sg_gpiod_v1_line_event]

    init(chip: LibgpiodV1ChipHandle, chipName: String, members: [Member]) throws(GPIOError) {
        self.chip = chip
        api = chip.api
        self.chipName = chipName
        self.members = members
        buffer = Array(repeating: sg_gpiod_v1_line_event(), count: Self.kernelQueueCapacity)
        if let edge = members.first(where: { $0.config.detectsEdges }) {
            let fd = api.line_event_get_fd(edge.line)
            guard fd >= 0 else {
                throw LibgpiodFailure.error(.configureDescriptor, errno: errno,
                                            subject: "\(chipName) line \(edge.config.offset): no event descriptor")
            }
            let flags = fcntl(fd, F_GETFL)
            guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) >= 0 else {
                throw LibgpiodFailure.error(.configureDescriptor, errno: errno,
                                            subject: "\(chipName) line \(edge.config.offset): cannot make its event descriptor non-blocking")
            }
            fileDescriptor = fd
            edgeOffset = edge.config.offset
        } else {
            fileDescriptor = -1
            edgeOffset = nil
        }
    }

    deinit { release() }

    /// The requested offsets, in request order.
    public var offsets: [UInt32] { members.map(\.config.offset) }

    /// Reads every pending edge event without blocking, in kernel order.
    ///
    /// The v1 uAPI cannot report a queue overflow: when the kernel's 16-event FIFO is
    /// full, later edges are dropped silently. So a read that returns a full FIFO (16
    /// events) is reported as a *possible* loss, `EdgeLoss(dropped: 1, exact: false)`
    /// (edges were possibly lost; the caller should re-read the line's level), otherwise
    /// as ``EdgeLoss/none``. A burst of exactly 16 edges is indistinguishable from an
    /// overflow and is reported the same way.
    ///
    /// Stamps are converted to monotonic time by ``KernelEventClock`` (kernels before
    /// 5.7 stamp with `CLOCK_REALTIME`).
    public func readEdgeEvents(into events: inout [EdgeEvent]) throws(GPIOError) -> EdgeLoss {
        guard chip != nil else { throw GPIOError(.released, "\(chipName): the request was released") }
        guard let offset = edgeOffset else { return .none }
        var suspectedLoss = false
        var monotonicNow: UInt64 = 0
        var realtimeNow: UInt64 = 0
        var clocksRead = false
        while true {
            let api = self.api
            let count = buffer.withUnsafeMutableBufferPointer { pointer in
                api.line_event_read_fd_multiple(fileDescriptor, pointer.baseAddress!, UInt32(Self.kernelQueueCapacity))
            }
            if count < 0 {
                let code = errno
                if code == EAGAIN || code == EWOULDBLOCK { break }
                if code == EINTR { continue }
                throw LibgpiodFailure.error(.readEvents, errno: code, subject: "\(chipName) line \(offset): reading edge events failed")
            }
            if count == 0 { break }
            if count >= Self.kernelQueueCapacity { suspectedLoss = true }
            if clock.needsClocks, !clocksRead {
                monotonicNow = Self.now(CLOCK_MONOTONIC)
                realtimeNow = Self.now(CLOCK_REALTIME)
                clocksRead = true
            }
            for index in 0..<Int(count) {
                let event = buffer[index]
                let stamp = UInt64(max(0, event.ts.tv_sec)) &* 1_000_000_000 &+ UInt64(max(0, event.ts.tv_nsec))
                let kind: EdgeKind = Int(event.event_type) == SG_GPIOD_V1_LINE_EVENT_RISING_EDGE ? .rising : .falling
                events.append(EdgeEvent(offset: offset,
                                        kind: kind,
                                        timestamp: clock.convert(stamp, monotonicNow: monotonicNow, realtimeNow: realtimeNow)))
            }
        }
        return suspectedLoss ? EdgeLoss(dropped: 1, exact: false) : .none
    }

    public func value(offset: UInt32) throws(GPIOError) -> Bool {
        let member = try member(offset)
        let result = api.line_get_value(member.line)
        if result < 0 {
            throw LibgpiodFailure.error(.getValue, errno: errno, subject: "\(chipName) line \(offset): cannot read its value")
        }
        return result == 1
    }

    public func setValue(_ value: Bool, offset: UInt32) throws(GPIOError) {
        let member = try member(offset)
        guard case .output = member.config.direction else {
            throw GPIOError(.notOutput, "\(chipName) line \(offset) is requested as an input")
        }
        if api.line_set_value(member.line, value ? 1 : 0) < 0 {
            throw LibgpiodFailure.error(.setValue, errno: errno, subject: "\(chipName) line \(offset): cannot set its value")
        }
    }

    /// Releases the lines (`gpiod_line_release`); the chip closes when its last request
    /// goes and the chip object itself is gone. Further calls fail with `.released`.
    public func release() {
        guard chip != nil else { return }
        for member in members { api.line_release(member.line) }
        members.removeAll()
        chip = nil
    }

    private func member(_ offset: UInt32) throws(GPIOError) -> Member {
        guard chip != nil else { throw GPIOError(.released, "\(chipName): the request was released") }
        guard let member = members.first(where: { $0.config.offset == offset }) else {
            throw GPIOError(.notRequested, "\(chipName) line \(offset) is not part of this request")
        }
        return member
    }

    private static func now(_ clock: clockid_t) -> UInt64 {
        var ts = timespec()
        clock_gettime(clock, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}
