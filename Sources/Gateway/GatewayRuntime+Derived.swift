import Logging
import Pipeline
import Profiles
import Runtime
import SensorgateCore

/// The derived channels on the loop side, and which of them each sensor channel feeds.
final class DerivedChannels {
    final class Channel {
        let spec: DerivedSpec
        var computation: DerivedComputation
        var chain: ChannelChain
        /// How values are rounded, and the payload's unit.
        let descriptor: ChannelDescriptor
        let stateTopic: String
        let windowTopics: [String: String]
        var timer = DeadlineTimer()

        init(spec: DerivedSpec, computation: DerivedComputation, chain: ChannelChain, descriptor: ChannelDescriptor,
             stateTopic: String, windowTopics: [String: String]) {
            self.spec = spec
            self.computation = computation
            self.chain = chain
            self.descriptor = descriptor
            self.stateTopic = stateTopic
            self.windowTopics = windowTopics
        }
    }

    /// One operand of one derived channel, as fed by a sensor's channel.
    struct Link {
        var channel: Int
        var derived: Int
        var operand: Int
    }

    var channels: [Channel] = []
    /// By sensor id: the links its channels feed.
    var links: [String: [Link]] = [:]

    var isEmpty: Bool { channels.isEmpty }
}

extension GatewayRuntime {
    /// An operand's value is current for this many of its sensor's intervals after its
    /// last read: a missed poll or two is tolerated, a sensor that stopped answering is not.
    static let derivedOperandIntervals: Int64 = 3

    func startDerived() throws(GatewayError) {
        for (derivedIndex, spec) in profile.derived.enumerated() {
            var maxAges: [Interval] = []
            for (operandIndex, reference) in spec.operands.enumerated() {
                guard let sensorIndex = sensors.firstIndex(where: { $0.spec.id == reference.sensor }),
                      let channelIndex = sensors[sensorIndex].channels.firstIndex(where: { $0.name == reference.channel })
                else {
                    throw GatewayError("derived '\(spec.id)': no sensor channel \(reference)")
                }
                let interval = sensors[sensorIndex].spec.interval
                maxAges.append(Interval(nanoseconds: interval.nanoseconds * Self.derivedOperandIntervals))
                derived.links[reference.sensor, default: []].append(
                    .init(channel: channelIndex, derived: derivedIndex, operand: operandIndex))
            }
            let windows = ChannelWindows(spec.windows, utcOffset: utc.offsetNanoseconds)
            var windowTopics: [String: String] = [:]
            for window in spec.windows { windowTopics[window.name] = topics.channel(spec.id, window.name) }
            derived.channels.append(DerivedChannels.Channel(
                spec: spec,
                computation: DerivedComputation(formula: spec.formula, operands: DerivedOperands(maxAges: maxAges)),
                chain: ChannelChain(filters: spec.filters.compactMap(FilterCatalog.make), windows: windows.tumbling,
                                    otherWindows: windows.others),
                descriptor: ChannelDescriptor(name: spec.id, unit: spec.unit ?? "", deviceClass: spec.formula.deviceClass,
                                              decimals: spec.formula.decimals),
                stateTopic: topics.state(spec.id), windowTopics: windowTopics))
        }
    }

    /// A sensor channel was read at `timestamp`; `state` is what its filters passed (as
    /// published), if anything.
    func deliverToDerived(sensor: String, channel: Int, readAt timestamp: Timestamp, state: Reading?) {
        guard !derived.isEmpty, let links = derived.links[sensor] else { return }
        for link in links where link.channel == channel {
            let target = derived.channels[link.derived]
            if let state {
                target.computation.operands.update(link.operand, value: state.value, at: state.timestamp)
            } else {
                target.computation.operands.read(link.operand, at: timestamp)
            }
        }
    }

    /// A sensor channel became unavailable (a `timeout` filter's NaN): its value no longer counts.
    func derivedOperandUnavailable(sensor: String, channel: Int) {
        guard !derived.isEmpty, let links = derived.links[sensor] else { return }
        for link in links where link.channel == channel {
            derived.channels[link.derived].computation.operands.update(link.operand, value: .nan, at: .zero)
        }
    }

    /// Computes and publishes every derived channel a new operand state made due.
    func publishDerived(at now: Timestamp) {
        guard !derived.isEmpty else { return }
        for channel in derived.channels where channel.computation.operands.isDue {
            switch channel.computation.compute(at: now) {
            case .waiting:
                break
            case .value(let reading, let afterUndefined):
                if afterUndefined > 0 {
                    logger.info("derived '\(channel.spec.id)': values again after \(afterUndefined) computations without one")
                }
                process(channel, reading)
            case .undefined(let reason, let startsEpisode):
                if startsEpisode {
                    logger.warning("derived '\(channel.spec.id)': no value: \(reason); not published (counted, logged again when values resume and stop again)")
                }
            }
        }
    }

    /// After a reload's components started: every derived channel is linked anew (links
    /// name sensor channels by position, and sensors may have moved). A channel the diff
    /// calls unchanged (its spec, and its operands' sensors) keeps its object: its
    /// operands, filters, windows and timer go on. Added and changed ones start afresh.
    /// Returns the channels that stopped (removed or changed), their timers off; on a
    /// failure the previous channels and links stay as they were.
    func relinkDerived(_ diff: ProfileDiff) throws(GatewayError) -> [DerivedChannels.Channel] {
        guard !diff.derived.isEmpty || !diff.sensors.isEmpty else { return [] }
        let previous = derived
        derived = DerivedChannels()
        do {
            try startDerived()
        } catch {
            derived = previous
            throw error
        }
        let kept = Set(diff.derived.unchanged)
        for (index, channel) in derived.channels.enumerated() where kept.contains(channel.spec.id) {
            if let running = previous.channels.first(where: { $0.spec.id == channel.spec.id }) {
                derived.channels[index] = running
            }
        }
        let stopped = previous.channels.filter { running in !derived.channels.contains { $0 === running } }
        for channel in stopped { channel.timer.arm(nil, on: loop) {} }
        return stopped
    }

    /// Disarms the channels' timers (nothing may follow `offline`) and reports how many
    /// computations gave no value, for the channels that had any.
    func stopDerived() {
        for channel in derived.channels {
            channel.timer.arm(nil, on: loop) {}
            let count = channel.computation.undefinedCount
            if count > 0 { logger.info("derived '\(channel.spec.id)': \(count) computations without a value in this run") }
        }
    }

    private func process(_ channel: DerivedChannels.Channel, _ reading: Reading) {
        var state: Reading?
        var closed: [WindowSummary] = []
        channel.chain.process(reading, state: { state = $0 }, window: { closed.append($0) })
        for summary in closed { publishDerivedWindow(channel, summary) }
        if let state { publishDerivedState(channel, state) }
        armDerivedTimer(channel)
    }

    private func armDerivedTimer(_ channel: DerivedChannels.Channel) {
        channel.timer.arm(channel.chain.deadline, on: loop) { [unowned self, unowned channel] in
            channel.timer.fired()
            var closed: [WindowSummary] = []
            var states: [Reading] = []
            channel.chain.poll(now: loop.now(), state: { states.append($0) }, window: { closed.append($0) })
            for summary in closed { publishDerivedWindow(channel, summary) }
            for state in states { publishDerivedState(channel, state) }
            armDerivedTimer(channel)
        }
    }

    /// A number like a sensor channel's state; NaN (a `timeout` filter's "unavailable")
    /// as `"value": null`.
    private func publishDerivedState(_ channel: DerivedChannels.Channel, _ state: Reading) {
        guard let seq = sequence.next() else { return }
        let value = state.value.isFinite ? channel.descriptor.rounded(state.value) : .nan
        let payload = encoder.state(.number(value), unit: channel.spec.unit, utc: utcNanoseconds(state.timestamp), seq: seq)
        publish(topic: channel.stateTopic, payload: payload, qos: Int32(profile.mqtt.qos.rawValue), retain: profile.mqtt.retain)
    }

    private func publishDerivedWindow(_ channel: DerivedChannels.Channel, _ summary: WindowSummary) {
        statistics.windows += 1
        guard let topic = channel.windowTopics[summary.name], let seq = sequence.next() else { return }
        var summary = summary
        summary.statistics = summary.statistics.map { statistic, value in
            (statistic, statistic == .count || statistic == .rate ? value : channel.descriptor.rounded(value))
        }
        let payload = encoder.window(summary, unit: channel.spec.unit, utcOffset: utc.offsetNanoseconds, seq: seq)
        publish(topic: topic, payload: payload, qos: Int32(profile.mqtt.qos.rawValue), retain: profile.mqtt.retain)
    }
}
