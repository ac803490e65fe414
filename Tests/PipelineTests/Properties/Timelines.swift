import PropertyBased

/// Generated inputs shared by the property tests.
enum Timelines {
    /// Up to `count` readings at gaps of 1...`maxGap` ms (times in seconds), each value in -50...50.
    static func readings(count: ClosedRange<Int>, maxGap: Int) -> Generator<[(Double, Double)], some SendableSequenceType> {
        zip(Gen.int(in: 1...maxGap), Gen.double(in: -50...50)).array(of: count).map { steps in
            // Whole milliseconds, turned into seconds once: summing seconds would drift off
            // the millisecond a reading is at, and across a window's edge.
            var milliseconds = 0
            return steps.map { gap, value in
                milliseconds += gap
                return (Double(milliseconds) / 1000, value)
            }
        }
    }

    /// Alternating level changes at gaps of 1...`maxGap` ms (times in milliseconds), the
    /// first away from `initial`.
    static func changes(count: ClosedRange<Int>, maxGap: Int, initial: Bool) -> Generator<[(Int64, Bool)], some SendableSequenceType> {
        Gen.int(in: 1...maxGap).array(of: count).map { gaps in
            var t: Int64 = 0
            var level = initial
            return gaps.map { gap in
                t += Int64(gap)
                level.toggle()
                return (t, level)
            }
        }
    }
}
