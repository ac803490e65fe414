import Pipeline
import Profiles
import SensorgateCore

/// A channel's `windows:` as the pipeline runs them: tumbling windows by value (the
/// cheap common path), the other kinds as ``ReadingWindow`` existentials.
struct ChannelWindows {
    var tumbling: [TumblingWindow] = []
    var others: [any ReadingWindow] = []

    init(_ specs: [WindowSpec], utcOffset: Int64) {
        for spec in specs {
            switch spec.kind {
            case .tumbling(let every):
                tumbling.append(TumblingWindow(name: spec.name, every: every, statistics: spec.stats, utcOffset: utcOffset,
                                               alignedToWallClock: spec.alignedToWallClock))
            case .hopping(let length, let hop):
                others.append(HoppingWindow(name: spec.name, length: length, hop: hop, statistics: spec.stats,
                                            utcOffset: utcOffset, alignedToWallClock: spec.alignedToWallClock))
            case .sliding(let length):
                others.append(SlidingTimeWindow(name: spec.name, length: length, statistics: spec.stats))
            case .count(let readings, let hop):
                others.append(CountWindow(name: spec.name, readings: readings, hop: hop, statistics: spec.stats))
            }
        }
    }
}
