import SensorgateCore

/// Lines requested on an ``ExpanderPort``. It has no file descriptor: the port's bus
/// worker queues edges here and calls ``onEvents``, which hands the reading to the event loop.
final class ExpanderLineRequest: GPIOLineRequest, @unchecked Sendable {
    /// The most edges held between two reads by the loop; past that they are dropped and counted.
    static let capacity = 256

    private weak var port: ExpanderPort?
    private let lines: [LineConfig]
    private let lock = Mutex()
    private var queue: [EdgeEvent] = []
    private var dropped = 0
    private var released = false
    /// Called on the port's bus worker after edges were queued.
    var onEvents: (@Sendable () -> Void)?

    /// No descriptor: see ``onEvents``.
    let fileDescriptor: Int32 = -1

    init(port: ExpanderPort, lines: [LineConfig]) {
        self.port = port
        self.lines = lines
    }

    /// Worker thread: the inputs in `changed` now read `port` (physical levels) since `stamp`.
    func changed(_ changed: UInt16, port levels: UInt16, at stamp: Timestamp) {
        let queued = lock.withLock { () -> Bool in
            guard !released else { return false }
            var queued = false
            for line in lines {
                guard case .input(let edge, _) = line.direction, changed & (1 << line.offset) != 0 else { continue }
                let logical = (levels & (1 << line.offset) != 0) != line.activeLow
                let kind: EdgeKind = logical ? .rising : .falling
                switch (edge, kind) {
                case (.both, _), (.rising, .rising), (.falling, .falling):
                    if queue.count < Self.capacity {
                        queue.append(EdgeEvent(offset: line.offset, kind: kind, timestamp: stamp))
                        queued = true
                    } else {
                        dropped += 1
                    }
                default:
                    break
                }
            }
            return queued
        }
        if queued { onEvents?() }
    }

    func readEdgeEvents(into events: inout [EdgeEvent]) throws(GPIOError) -> EdgeLoss {
        try lock.withLock { () throws(GPIOError) -> EdgeLoss in
            guard !released else { throw GPIOError(.released, "the request was released") }
            events.append(contentsOf: queue)
            queue.removeAll(keepingCapacity: true)
            defer { dropped = 0 }
            return EdgeLoss(dropped: dropped, exact: true)
        }
    }

    private func config(_ offset: UInt32) throws(GPIOError) -> LineConfig {
        guard let line = lines.first(where: { $0.offset == offset }) else {
            throw GPIOError(.notRequested, "line \(offset) is not part of this request")
        }
        return line
    }

    func value(offset: UInt32) throws(GPIOError) -> Bool {
        let line = try config(offset)
        guard let port else { throw GPIOError(.released, "the expander is gone") }
        return port.level(offset: offset) != line.activeLow
    }

    func setValue(_ value: Bool, offset: UInt32) throws(GPIOError) {
        let line = try config(offset)
        guard case .output = line.direction else { throw GPIOError(.notOutput, "line \(offset) is an input") }
        guard let port, !lock.withLock({ released }) else { throw GPIOError(.released, "the request was released") }
        port.setLevel(value != line.activeLow, offset: offset)
    }

    func release() {
        let first = lock.withLock { () -> Bool in
            defer { released = true }
            return !released
        }
        if first { port?.release(self) }
    }
}
