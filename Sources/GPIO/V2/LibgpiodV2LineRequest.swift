#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CGPIOD
import SensorgateCore

/// Lines requested from a ``LibgpiodV2Chip``: one kernel request, one descriptor.
///
/// Edge events of every edge-detecting line of the request are read from
/// ``fileDescriptor`` (`gpiod_line_request_get_fd`, set `O_NONBLOCK`) when it becomes
/// readable; a request without an edge-detecting line reports `-1` and never needs
/// reading. Losses are exact: the kernel numbers each line's events, and a gap in the
/// numbers is the count of events it dropped (``LineSequenceTracker``).
public final class LibgpiodV2LineRequest: GPIOLineRequest {
    /// The kernel event buffer asked for per request. The kernel's own default is 16 per
    /// requested line; 256 gives a storm of edges on one line room for about a quarter
    /// of a second at 1 kHz before the kernel discards the oldest events (in uAPI v2 it
    /// keeps the newest, so the line's latest level is always among what is read).
    public static let kernelEventBufferSize = 256

    /// Events taken from the kernel per read call, into one buffer allocated with the
    /// request (the hot path allocates nothing).
    public static let readBatchSize = 64

    private var request: OpaquePointer?
    private var buffer: OpaquePointer?
    private let api: sg_gpiod_v2_api
    private let chipName: String
    private let lines: [LineConfig]
    public let fileDescriptor: Int32
    private var sequence = LineSequenceTracker()

    init(_ request: OpaquePointer, api: sg_gpiod_v2_api, chipName: String, lines: [LineConfig]) throws(GPIOError) {
        self.api = api
        self.chipName = chipName
        self.lines = lines
        guard lines.contains(where: \.detectsEdges) else {
            self.request = request
            fileDescriptor = -1
            return
        }
        let fd = api.line_request_get_fd(request)
        let flags = fd >= 0 ? fcntl(fd, F_GETFL) : -1
        guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) >= 0 else {
            let code = errno
            api.line_request_release(request)
            throw LibgpiodFailure.error(.configureDescriptor, errno: code,
                                        subject: "\(chipName): cannot make the request's event descriptor non-blocking")
        }
        guard let buffer = api.edge_event_buffer_new(Self.readBatchSize) else {
            let code = errno
            api.line_request_release(request)
            throw LibgpiodFailure.error(.configureDescriptor, errno: code, subject: "\(chipName): cannot allocate an edge event buffer")
        }
        self.request = request
        self.buffer = buffer
        fileDescriptor = fd
    }

    deinit { release() }

    /// The requested offsets, in request order.
    public var offsets: [UInt32] { lines.map(\.offset) }

    /// Reads every pending edge event without blocking, in kernel order, with the
    /// kernel's monotonic stamps, and returns the exact number of events the kernel
    /// dropped since the last read (found from the gaps in each line's sequence numbers).
    public func readEdgeEvents(into events: inout [EdgeEvent]) throws(GPIOError) -> EdgeLoss {
        guard let request else { throw GPIOError(.released, "\(chipName): the request was released") }
        guard let buffer else { return .none }
        var dropped = 0
        while true {
            let count = api.line_request_read_edge_events(request, buffer, Self.readBatchSize)
            if count < 0 {
                let code = errno
                if code == EAGAIN || code == EWOULDBLOCK { break }
                if code == EINTR { continue }
                throw LibgpiodFailure.error(.readEvents, errno: code, subject: "\(chipName): reading edge events failed")
            }
            if count == 0 { break }
            for index in 0..<UInt(count) {
                guard let event = api.edge_event_buffer_get_event(buffer, index) else { continue }
                let offset = UInt32(api.edge_event_get_line_offset(event))
                dropped += sequence.record(offset: offset, sequenceNumber: api.edge_event_get_line_seqno(event))
                let kind: EdgeKind = Int(api.edge_event_get_event_type(event)) == SG_GPIOD_V2_EDGE_EVENT_RISING_EDGE
                    ? .rising : .falling
                events.append(EdgeEvent(offset: offset, kind: kind,
                                        timestamp: Timestamp(nanoseconds: api.edge_event_get_timestamp_ns(event))))
            }
        }
        return EdgeLoss(dropped: dropped, exact: true)
    }

    public func value(offset: UInt32) throws(GPIOError) -> Bool {
        let request = try member(offset).request
        let result = api.line_request_get_value(request, offset)
        if result < 0 {
            throw LibgpiodFailure.error(.getValue, errno: errno, subject: "\(chipName) line \(offset): cannot read its value")
        }
        return result == Int32(SG_GPIOD_V2_LINE_VALUE_ACTIVE)
    }

    public func setValue(_ value: Bool, offset: UInt32) throws(GPIOError) {
        let (request, config) = try member(offset)
        guard case .output = config.direction else {
            throw GPIOError(.notOutput, "\(chipName) line \(offset) is requested as an input")
        }
        let level = value ? SG_GPIOD_V2_LINE_VALUE_ACTIVE : SG_GPIOD_V2_LINE_VALUE_INACTIVE
        if api.line_request_set_value(request, offset, Int32(level)) < 0 {
            throw LibgpiodFailure.error(.setValue, errno: errno, subject: "\(chipName) line \(offset): cannot set its value")
        }
    }

    /// Releases the lines (`gpiod_line_request_release`) and the event buffer. Further
    /// calls fail with `.released`.
    public func release() {
        if let request { api.line_request_release(request) }
        if let buffer { api.edge_event_buffer_free(buffer) }
        request = nil
        buffer = nil
    }

    private func member(_ offset: UInt32) throws(GPIOError) -> (request: OpaquePointer, config: LineConfig) {
        guard let request else { throw GPIOError(.released, "\(chipName): the request was released") }
        guard let config = lines.first(where: { $0.offset == offset }) else {
            throw GPIOError(.notRequested, "\(chipName) line \(offset) is not part of this request")
        }
        return (request, config)
    }
}
