import SensorgateCore

/// A value shared between the test's thread and the event loop's.
final class Box<T>: @unchecked Sendable {
    private let lock = Mutex()
    private var value: T
    init(_ value: T) { self.value = value }
    func update(_ body: (inout T) -> Void) { lock.withLock { body(&value) } }
    var current: T { lock.withLock { value } }
}
