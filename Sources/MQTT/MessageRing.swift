/// A bounded FIFO of outgoing messages that drops its oldest entry when full.
struct MessageRing {
    private var storage: [OutgoingMessage?] = []
    private var head = 0
    private(set) var count = 0
    var capacity = 10_000

    var isEmpty: Bool { count == 0 }

    /// Appends; returns true when the oldest message was dropped to make room.
    mutating func append(_ message: OutgoingMessage) -> Bool {
        if storage.count < capacity, count == storage.count, head == 0 {
            storage.append(message)
            count += 1
            return false
        }
        if count == capacity {
            storage[head] = message
            head = (head + 1) % capacity
            return true
        }
        if storage.count < capacity { storage.append(nil) }
        storage[(head + count) % storage.count] = message
        count += 1
        return false
    }

    /// Puts a message back at the front; returns false if the ring is full.
    mutating func prepend(_ message: OutgoingMessage) -> Bool {
        guard count < capacity else { return false }
        if storage.count < capacity, count == storage.count {
            storage.append(nil)
            // Keep order: shift the logical ring so head stays valid.
            if head != 0 {
                let ordered = (0..<count).map { storage[(head + $0) % (storage.count - 1)] }
                storage = ordered + [nil]
                head = 0
            }
        }
        head = (head - 1 + storage.count) % storage.count
        storage[head] = message
        count += 1
        return true
    }

    mutating func popFirst() -> OutgoingMessage? {
        guard count > 0 else { return nil }
        let message = storage[head]
        storage[head] = nil
        head = (head + 1) % storage.count
        count -= 1
        if count == 0 { head = 0; storage.removeAll(keepingCapacity: true) }
        return message
    }
}
