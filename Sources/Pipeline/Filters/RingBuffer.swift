/// A fixed-capacity FIFO of doubles that overwrites its oldest element when full.
///
/// The storage is allocated once, in `init`; pushing never allocates.
@usableFromInline
struct RingBuffer: Sendable {
    @usableFromInline var storage: [Double]
    /// Index in `storage` of the oldest element.
    @usableFromInline var head: Int
    @usableFromInline var count: Int

    /// A capacity below 1 is treated as 1.
    @usableFromInline
    init(capacity: Int) {
        storage = Array(repeating: 0, count: Swift.max(1, capacity))
        head = 0
        count = 0
    }

    @inlinable var capacity: Int { storage.count }

    @inlinable var isFull: Bool { count == storage.count }

    /// Appends `value`; when the buffer was full, returns the element it replaced (the oldest).
    @inlinable
    mutating func push(_ value: Double) -> Double? {
        let capacity = storage.count
        if count < capacity {
            var index = head + count
            if index >= capacity { index -= capacity }
            storage[index] = value
            count += 1
            return nil
        }
        let evicted = storage[head]
        storage[head] = value
        head += 1
        if head == capacity { head = 0 }
        return evicted
    }

    /// The `offset`-th element from the oldest (`0..<count`).
    @inlinable
    subscript(offset: Int) -> Double {
        var index = head + offset
        if index >= storage.count { index -= storage.count }
        return storage[index]
    }

    @inlinable
    mutating func removeAll() {
        head = 0
        count = 0
    }
}
