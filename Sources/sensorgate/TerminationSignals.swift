import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// SIGINT and SIGTERM as a descriptor that becomes readable when one arrives, so a
/// command that sleeps in `poll` (`gpio monitor`) wakes for them without a timeout.
///
/// The signals are set to be ignored by the process and observed through Dispatch signal
/// sources, whose handlers can hold this object's pipe: no process-wide variable for a C
/// signal handler. ``restore()`` puts the default actions back.
final class TerminationSignals {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Readable once a signal arrived.
    let fileDescriptor: Int32
    private let writeEnd: Int32
    private var sources: [any DispatchSourceSignal] = []
    /// Runs the sources' handlers, one at a time.
    private let queue = DispatchQueue(label: "sensorgate.signals")
    private static let watched = [SIGINT, SIGTERM]

    init() throws(Failure) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            throw Failure(description: "cannot create a pipe for signals: \(String(cString: strerror(errno)))")
        }
        fileDescriptor = ends[0]
        writeEnd = ends[1]
        for fd in ends { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        let writeEnd = self.writeEnd
        for signalNumber in Self.watched {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler {
                var byte: UInt8 = 1
                _ = write(writeEnd, &byte, 1)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Stops watching, restores the default actions and closes the pipe.
    func restore() {
        guard !sources.isEmpty else { return }
        for source in sources { source.cancel() }
        sources.removeAll()
        // Handlers run on the serial queue: once it has drained, none can write any more.
        queue.sync {}
        for signalNumber in Self.watched { signal(signalNumber, SIG_DFL) }
        close(fileDescriptor)
        close(writeEnd)
    }
}
