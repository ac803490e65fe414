import SensorgateCore

/// The latest value of each operand of one derived channel and whether it is still
/// current, on source timestamps (it never reads a clock).
///
/// An operand's value is the last state its channel's filters passed; it stays current
/// while the channel keeps being read (a `delta` filter that holds back an unchanged
/// value does not make it stale) and becomes stale once the channel has not been read
/// for longer than its `maxAge`. A state of NaN (a `timeout` filter's "unavailable")
/// clears it until the next number.
///
/// | event                                  | effect                                   |
/// |----------------------------------------|------------------------------------------|
/// | ``read(_:at:)``                        | the operand is current as of that time   |
/// | ``update(_:value:at:)`` with a number  | new value, current; a value is due       |
/// | ``update(_:value:at:)`` with NaN       | no value until the next number (not a read) |
/// | ``take(at:)``                          | the values if one is due, every operand has one and none is stale |
public struct DerivedOperands: Sendable {
    struct Operand: Sendable {
        var maxAge: Interval
        var value: Double?
        var lastRead: Timestamp?
    }

    var operands: [Operand]
    /// A new operand state came since the last ``take(at:)``.
    public private(set) var isDue = false

    /// `maxAges`: per operand, how long after its last read its value still counts.
    public init(maxAges: [Interval]) {
        operands = maxAges.map { Operand(maxAge: $0) }
    }

    public var count: Int { operands.count }

    /// The operand's channel was read at `timestamp` (whatever its filters made of it).
    public mutating func read(_ index: Int, at timestamp: Timestamp) {
        guard operands.indices.contains(index) else { return }
        if operands[index].lastRead.map({ $0 < timestamp }) ?? true { operands[index].lastRead = timestamp }
    }

    /// The operand's channel passed a state: `value` is its new value (NaN: none).
    /// NaN clears the value without counting as a read.
    public mutating func update(_ index: Int, value: Double, at timestamp: Timestamp) {
        guard operands.indices.contains(index) else { return }
        guard value.isFinite else {
            operands[index].value = nil
            return
        }
        read(index, at: timestamp)
        operands[index].value = value
        isDue = true
    }

    /// The values to compute from, if a new state came since the last call, every
    /// operand has a value and none is older than its bound at `now`; nil otherwise.
    /// Either way the due state is consumed: one new state gives at most one value.
    public mutating func take(at now: Timestamp) -> [Double]? {
        guard isDue else { return nil }
        isDue = false
        var values: [Double] = []
        values.reserveCapacity(operands.count)
        for operand in operands {
            guard let value = operand.value, let read = operand.lastRead, !isStale(read, operand.maxAge, at: now) else {
                return nil
            }
            values.append(value)
        }
        return values
    }

    /// Whether the operand at `index` lacks a current value at `now`.
    public func isMissing(_ index: Int, at now: Timestamp) -> Bool {
        guard operands.indices.contains(index), operands[index].value != nil,
              let read = operands[index].lastRead else { return true }
        return isStale(read, operands[index].maxAge, at: now)
    }

    private func isStale(_ read: Timestamp, _ maxAge: Interval, at now: Timestamp) -> Bool {
        now > read && now - read > maxAge
    }
}
