/// The last readings of a window, oldest first, at most `capacity` of them: a ring that
/// grows by doubling up to its capacity, so a window that holds few readings costs little.
@usableFromInline
struct TimedValueRing: Sendable {
    @usableFromInline let capacity: Int
    @usableFromInline var times: [Int64] = []
    @usableFromInline var values: [Double] = []
    /// Index of the oldest element.
    @usableFromInline var head = 0
    @usableFromInline private(set) var count = 0

    @usableFromInline
    init(capacity: Int) {
        self.capacity = Swift.max(1, capacity)
    }

    @usableFromInline var isEmpty: Bool { count == 0 }
    @usableFromInline var isFull: Bool { count == capacity }

    /// The time and value `offset` places after the oldest.
    @usableFromInline
    subscript(offset: Int) -> (time: Int64, value: Double) {
        let index = (head + offset) % times.count
        return (times[index], values[index])
    }

    /// Appends, dropping the oldest when full.
    @usableFromInline
    mutating func append(time: Int64, value: Double) {
        if count == capacity {
            removeOldest()
        } else if count == times.count {
            grow()
        }
        let index = (head + count) % times.count
        times[index] = time
        values[index] = value
        count += 1
    }

    @usableFromInline
    mutating func removeOldest() {
        guard count > 0 else { return }
        head = (head + 1) % times.count
        count -= 1
    }

    /// Doubles the storage (up to the capacity), oldest first again.
    private mutating func grow() {
        let size = Swift.min(capacity, Swift.max(16, times.count * 2))
        var newTimes = [Int64](repeating: 0, count: size)
        var newValues = [Double](repeating: 0, count: size)
        for offset in 0..<count {
            let element = self[offset]
            newTimes[offset] = element.time
            newValues[offset] = element.value
        }
        times = newTimes
        values = newValues
        head = 0
    }
}
