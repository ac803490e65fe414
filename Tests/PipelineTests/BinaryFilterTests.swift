import Pipeline
import SensorgateCore
import Testing

/// One marble case of the binary filter table in DeviceProfiles/README.md: the filters,
/// the level at start, the input changes and the published timeline.
struct BinaryFilterCase: CustomTestStringConvertible, Sendable {
    var name: String
    var filters: @Sendable () -> [any BinaryFilter]
    var initial: Bool = false
    var input: [(Int64, Bool)]
    var until: Int64? = nil
    var start: Bool? = nil
    var output: [(Int64, Bool)]

    var testDescription: String { name }
}

@Suite("Binary filters")
struct BinaryFilterTests {
    static let cases: [BinaryFilterCase] = [
        // invert
        BinaryFilterCase(name: "invert: the start level and every change inverted", filters: { [InvertFilter()] },
                         input: [(10, true), (20, false)], start: true, output: [(10, false), (20, true)]),

        // delayed_on
        BinaryFilterCase(name: "delayed_on: a press shorter than the period publishes nothing",
                         filters: { [DelayedOnFilter(period: .milliseconds(100))] },
                         input: [(0, true), (99, false)], until: 1_000, output: []),
        BinaryFilterCase(name: "delayed_on: a press of exactly the period is on, then off, both at its end",
                         filters: { [DelayedOnFilter(period: .milliseconds(100))] },
                         input: [(0, true), (100, false)], until: 1_000, output: [(100, true), (100, false)]),
        BinaryFilterCase(name: "delayed_on: on after the period, stamped at its end; off at once",
                         filters: { [DelayedOnFilter(period: .milliseconds(100))] },
                         input: [(0, true), (250, false)], until: 1_000, output: [(100, true), (250, false)]),
        BinaryFilterCase(name: "delayed_on: on at start is published at once; off passes at once",
                         filters: { [DelayedOnFilter(period: .milliseconds(100))] }, initial: true,
                         input: [(10, false), (20, true)], until: 1_000, start: true, output: [(10, false), (120, true)]),

        // delayed_off
        BinaryFilterCase(name: "delayed_off: a release shorter than the period publishes nothing",
                         filters: { [DelayedOffFilter(period: .milliseconds(100))] }, initial: true,
                         input: [(0, false), (50, true)], until: 1_000, start: true, output: []),
        BinaryFilterCase(name: "delayed_off: a release of exactly the period is off, then on, both at its end",
                         filters: { [DelayedOffFilter(period: .milliseconds(100))] }, initial: true,
                         input: [(0, false), (100, true)], until: 1_000, start: true, output: [(100, false), (100, true)]),
        BinaryFilterCase(name: "delayed_off: on passes at once, off after the period",
                         filters: { [DelayedOffFilter(period: .milliseconds(100))] },
                         input: [(0, true), (30, false)], until: 1_000, output: [(0, true), (130, false)]),

        // delayed_on_off
        BinaryFilterCase(name: "delayed_on_off: one time for both sides",
                         filters: { [DelayedOnOffFilter(on: .milliseconds(50), off: .milliseconds(50))] },
                         input: [(0, true), (30, false), (40, true), (200, false), (240, true)], until: 1_000,
                         output: [(90, true)]),
        BinaryFilterCase(name: "delayed_on_off: separate times; exactly at time_off the off passes and the on starts again",
                         filters: { [DelayedOnOffFilter(on: .milliseconds(100), off: .milliseconds(200))] },
                         input: [(0, true), (300, false), (450, true), (500, false), (700, true)], until: 2_000,
                         output: [(100, true), (700, false), (800, true)]),

        // settle
        BinaryFilterCase(name: "settle: the first change at once, chatter held until stable, then the level it settled at",
                         filters: { [SettleFilter(period: .milliseconds(100))] },
                         input: [(0, true), (20, false), (40, true), (60, false)], until: 1_000,
                         output: [(0, true), (160, false)]),
        BinaryFilterCase(name: "settle: chatter back to the published level publishes nothing more",
                         filters: { [SettleFilter(period: .milliseconds(100))] },
                         input: [(0, true), (30, false), (60, true)], until: 1_000, output: [(0, true)]),
        BinaryFilterCase(name: "settle: a change exactly at the end of the hold-off passes at once",
                         filters: { [SettleFilter(period: .milliseconds(100))] },
                         input: [(0, true), (100, false), (150, true)], until: 1_000,
                         output: [(0, true), (100, false), (250, true)]),

        // autorepeat
        BinaryFilterCase(name: "autorepeat: held on repeats off for time_off, on for time_on; off ends it",
                         filters: { [AutorepeatFilter(delay: .seconds(1), timeOff: .milliseconds(100), timeOn: .milliseconds(900))] },
                         input: [(0, true), (2_500, false)], until: 10_000,
                         output: [(0, true), (1_000, false), (1_100, true), (2_000, false), (2_100, true), (2_500, false)]),
        BinaryFilterCase(name: "autorepeat: a press shorter than delay is one on and one off",
                         filters: { [AutorepeatFilter(delay: .seconds(1), timeOff: .milliseconds(100), timeOn: .milliseconds(900))] },
                         input: [(0, true), (500, false)], until: 10_000, output: [(0, true), (500, false)]),
        BinaryFilterCase(name: "autorepeat: a release exactly at delay comes after the repeat's off",
                         filters: { [AutorepeatFilter(delay: .seconds(1), timeOff: .milliseconds(100), timeOn: .milliseconds(900))] },
                         input: [(0, true), (1_000, false)], until: 10_000, output: [(0, true), (1_000, false)]),
        BinaryFilterCase(name: "autorepeat: on at start is not a press; the next press repeats",
                         filters: { [AutorepeatFilter(delay: .milliseconds(200), timeOff: .milliseconds(50), timeOn: .milliseconds(50))] },
                         initial: true, input: [(5_000, false), (6_000, true), (6_320, false)], until: 10_000, start: true,
                         output: [(5_000, false), (6_000, true), (6_200, false), (6_250, true), (6_300, false)]),

        // debounce in the list
        BinaryFilterCase(name: "debounce: a burst shorter than the period publishes nothing",
                         filters: { [DebounceFilter(period: .milliseconds(20))] },
                         input: [(0, true), (10, false)], until: 1_000, output: []),
        BinaryFilterCase(name: "debounce: a level held for exactly the period passes, stamped with its start",
                         filters: { [DebounceFilter(period: .milliseconds(20))] },
                         input: [(0, true), (20, false)], until: 1_000, output: [(0, true), (20, false)]),

        // the order of the list
        BinaryFilterCase(name: "invert then delayed_on delays the inverted on",
                         filters: { [InvertFilter(), DelayedOnFilter(period: .milliseconds(100))] },
                         input: [(0, true), (300, false)], until: 1_000, start: true, output: [(0, false), (400, true)]),
        BinaryFilterCase(name: "delayed_on then invert delays the line's on, published as off",
                         filters: { [DelayedOnFilter(period: .milliseconds(100)), InvertFilter()] },
                         input: [(0, true), (300, false)], until: 1_000, start: true, output: [(100, false), (300, true)]),
        BinaryFilterCase(name: "settle then delayed_off: a chattering release is one off, delayed from its first edge",
                         filters: { [SettleFilter(period: .milliseconds(50)), DelayedOffFilter(period: .milliseconds(100))] },
                         initial: true, input: [(0, false), (10, true), (20, false)], until: 1_000, start: true,
                         output: [(100, false)]),
    ]

    @Test(arguments: cases)
    func marble(_ marble: BinaryFilterCase) {
        let run = BinaryFilterMarble.run(marble.filters(), initial: marble.initial, marble.input, until: marble.until)
        #expect(run.start == (marble.start ?? marble.initial))
        #expect(run.changes == published(marble.output))
    }

    @Test("a late timer changes when, never what or with which stamp", arguments: cases)
    func lateTimer(_ marble: BinaryFilterCase) {
        let onTime = BinaryFilterMarble.run(marble.filters(), initial: marble.initial, marble.input, until: marble.until)
        for lateness: Int64 in [1, 7, 45, 400] {
            let late = BinaryFilterMarble.run(marble.filters(), initial: marble.initial, marble.input,
                                              until: marble.until.map { $0 + lateness }, lateness: lateness)
            #expect(late == onTime, "\(lateness) ms late")
        }
    }

    @Test func theChainPublishesOnlyChangesOfTheLevel() {
        // Two inverts cancel; a change to the level already published never leaves the chain.
        var chain = BinaryFilterChain(filters: [InvertFilter(), InvertFilter()])
        #expect(chain.start(level: true, at: .ms(0)) == true)
        #expect(chain.process(LevelChange(level: true, timestamp: .ms(5))).isEmpty)
        #expect(chain.process(LevelChange(level: false, timestamp: .ms(6))) == [LevelChange(level: false, timestamp: .ms(6))])
    }

    @Test func aChangeStampedBeforeTheChainsTimeCountsAsHappeningThen() {
        var chain = BinaryFilterChain(filters: [DelayedOnFilter(period: .milliseconds(10))])
        _ = chain.start(level: false, at: .ms(0))
        _ = chain.process(LevelChange(level: true, timestamp: .ms(0)))
        #expect(chain.poll(now: .ms(50)) == [LevelChange(level: true, timestamp: .ms(10))])
        // A debounced off that began at 5 ms arrives after the on was published at 10 ms.
        #expect(chain.process(LevelChange(level: false, timestamp: .ms(5))) == [LevelChange(level: false, timestamp: .ms(10))])
    }

    @Test func aStalledLoopIsCaughtUpInBoundedSteps() {
        var chain = BinaryFilterChain(filters: [AutorepeatFilter(delay: .milliseconds(1), timeOff: .milliseconds(1),
                                                                 timeOn: .milliseconds(1))])
        _ = chain.start(level: false, at: .ms(0))
        _ = chain.process(LevelChange(level: true, timestamp: .ms(0)))
        let first = chain.poll(now: .s(3_600))
        #expect(first.count == 1_024)
        #expect(chain.deadline! < .s(3_600))
        // The rest follows on later calls, in order, without a gap.
        let second = chain.poll(now: .s(3_600))
        #expect(second.first?.timestamp == .ms(1_025))
    }

    @Test func everyCatalogNameMakesItsFilterFromItsDefaults() {
        #expect(BinaryFilterCatalog.names == ["invert", "delayed_on", "delayed_off", "delayed_on_off", "settle", "autorepeat", "debounce"])
        var settings = FilterSettings()
        for parameter in AutorepeatFilter.syntax.parameters { settings[parameter.name] = parameter.defaultValue }
        let filter = try! #require(BinaryFilterCatalog.make(FilterConfiguration("autorepeat", settings)) as? AutorepeatFilter)
        #expect(filter.delay == .seconds(1) && filter.timeOff == .milliseconds(100) && filter.timeOn == .milliseconds(900))
        let onOff = try! #require(BinaryFilterCatalog.make(FilterConfiguration("delayed_on_off", FilterSettings(["time": .duration(.milliseconds(30))]))) as? DelayedOnOffFilter)
        #expect(onOff.onDelay == .milliseconds(30) && onOff.offDelay == .milliseconds(30))
        #expect(BinaryFilterCatalog.make(FilterConfiguration("median")) == nil)
    }
}
