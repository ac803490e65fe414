import SensorgateCore

/// One step of a ``ChannelChain``: a built-in filter held by value, or any other
/// ``ReadingFilter`` behind an existential.
///
/// The concrete cases let the chain call the built-in filters without existential
/// dispatch or boxing. A new filter needs no case here: it runs as ``custom(_:)``
/// (``init(_:)`` picks the case); a case can be added later if it is hot.
public enum FilterStage: ReadingFilter {
    case median(MedianFilter)
    case delta(DeltaFilter)
    case slidingAverage(SlidingAverageFilter)
    case custom(any ReadingFilter)

    /// Wraps `filter` in its concrete case when it is a built-in filter, else in `custom`.
    public init(_ filter: any ReadingFilter) {
        switch filter {
        case let stage as FilterStage: self = stage
        case let median as MedianFilter: self = .median(median)
        case let delta as DeltaFilter: self = .delta(delta)
        case let average as SlidingAverageFilter: self = .slidingAverage(average)
        default: self = .custom(filter)
        }
    }

    @inlinable
    public mutating func process(_ reading: Reading) -> Reading? {
        // `consume self` leaves the payload uniquely referenced, so the filter's
        // preallocated buffers are mutated in place instead of copied on write.
        switch consume self {
        case .median(var filter):
            let result = filter.process(reading)
            self = .median(filter)
            return result
        case .delta(var filter):
            let result = filter.process(reading)
            self = .delta(filter)
            return result
        case .slidingAverage(var filter):
            let result = filter.process(reading)
            self = .slidingAverage(filter)
            return result
        case .custom(var filter):
            let result = filter.process(reading)
            self = .custom(filter)
            return result
        }
    }
}
