import Logging
import MQTT
import SensorgateCore

/// `<prefix>/stats`: a retained snapshot of the counters at every `mqtt.stats.interval`,
/// the same figures in an info line, and the loop-lag probe that runs meanwhile.
extension GatewayRuntime {
    func startStatistics() {
        let now = loop.now()
        statistics.startedAt = now
        if statistics.readOutbox == nil, outbox != nil {
            statistics.readOutbox = { [unowned self] in
                let counters = outboxCounters ?? OutboxCounters()
                return .init(messages: counters.depth, bytes: counters.bytes, droppedWhenFull: counters.droppedFull,
                             droppedOnDiskError: counters.droppedDiskError, droppedRefused: counters.droppedRefused)
            }
        }
        // The metrics listener shows the loop's lag too, with or without periodic reports.
        if profile.mqtt.stats.interval != nil || profile.metrics != nil {
            scheduleLagProbe(at: now + LoopLag.probePeriod)
        }
        guard let interval = profile.mqtt.stats.interval else { return }
        scheduleStatisticsReport(at: now + interval, every: interval)
    }

    func stopStatistics() {
        statistics.probeTimer.arm(nil, on: loop) {}
        statistics.reportTimer.arm(nil, on: loop) {}
    }

    /// The counters now; `lag` is the interval's or the run's.
    func statisticsSnapshot(lag: LoopLag.Summary) -> GatewayStatistics.Snapshot {
        let now = loop.now()
        let client = clientStatistics
        let outbox = statistics.readOutbox?()
        var snapshot = GatewayStatistics.Snapshot(utc: utcNanoseconds(now), uptime: now - statistics.startedAt,
                                                  interval: profile.mqtt.stats.interval)
        snapshot.readings = .init(sensor: sensors.reduce(statistics.removedSensorReadings) { $0 + $1.readings }, edges: edgesSeen,
                                  windows: statistics.windows)
        snapshot.published = client.published
        snapshot.acknowledged = client.acknowledged
        snapshot.dropped = .init(bufferFull: client.dropped - client.refused, noSequenceNumber: sequence.withheldInAll,
                                 refused: client.refused + (outbox?.droppedRefused ?? 0),
                                 outboxFull: outbox?.droppedWhenFull ?? 0, outboxDisk: outbox?.droppedOnDiskError ?? 0)
        snapshot.backlog = clientBacklog
        snapshot.outbox = outbox
        snapshot.reconnects = client.connects > 0 ? client.connects - 1 : 0
        snapshot.connectFailures = client.connectFailures
        snapshot.loopLag = lag
        snapshot.sensors = sensors.map { sensor in
            .init(id: sensor.spec.id, status: sensor.health.availability?.rawValue ?? "unknown",
                  readings: sensor.readings, failures: sensor.failures,
                  consecutiveFailures: sensor.health.consecutiveFailures)
        }
        return snapshot
    }

    /// The probe's lateness is the loop's lag: see ``LoopLag``.
    private func scheduleLagProbe(at deadline: Timestamp) {
        statistics.probeTimer.arm(deadline, on: loop) { [unowned self] in
            let ranAt = loop.now()
            statistics.probeTimer.fired()
            statistics.lag.record(deadline: deadline, ranAt: ranAt)
            scheduleLagProbe(at: LoopLag.nextDeadline(after: deadline, ranAt: ranAt))
        }
    }

    private func scheduleStatisticsReport(at deadline: Timestamp, every interval: Interval) {
        statistics.reportTimer.arm(deadline, on: loop) { [unowned self] in
            statistics.reportTimer.fired()
            reportStatistics()
            let next = GatewayStatistics.nextDeadline(after: deadline, ranAt: loop.now(), every: interval)
            scheduleStatisticsReport(at: next, every: interval)
        }
    }

    /// Logs the summary and publishes the snapshot. The snapshot is taken before its own
    /// message is handed over, so each report counts the earlier ones in `published`
    /// (and, once acknowledged, in `acknowledged`), never itself: the figures of two
    /// reports differ by what happened between them, plus exactly one earlier report.
    /// Without a connection nothing is published: a snapshot buffered through an outage
    /// would only take a reading's place and arrive stale; the next one follows in an
    /// interval.
    private func reportStatistics() {
        let snapshot = statisticsSnapshot(lag: statistics.lag.intervalSummary)
        statistics.lag.startInterval()
        if profile.mqtt.stats.log { logger.info("\(snapshot.summary)") }
        guard mqtt.state == .connected else { return }
        statistics.reportsPublished += 1
        publish(topic: topics.stats, payload: snapshot.payload(), qos: 1, retain: true)
    }
}
