import Profiles

/// `metrics:`: the listener that serves the statistics for Prometheus. Each scrape takes
/// its own snapshot, the same one `<prefix>/stats` is made of, with the loop's lag over
/// the whole run (a scrape must not reset the interval the stats report measures).
extension GatewayRuntime {
    /// Binds before any line is requested, so a port in use stops the start early.
    func startMetrics() throws(GatewayError) {
        guard let settings = profile.metrics else { return }
        let listener = try MetricsListener(settings: settings, loop: loop, logger: logger) { [unowned self] in
            MetricsExposition(snapshot: statisticsSnapshot(lag: statistics.lag.runSummary),
                              gatewayID: profile.gateway.id, version: softwareVersion).bytes
        }
        try listener.start()
        metrics = listener
    }

    func stopMetrics() {
        metrics?.stop()
        metrics = nil
    }
}

extension GatewayRuntime {
    /// A reload keeps the running listener: its socket is bound once, at the start, like
    /// the MQTT client's connection (a changed address needs a restart).
    func keepRunningMetrics(in next: inout Profile) {
        guard next.metrics != profile.metrics else { return }
        next.metrics = profile.metrics
        logger.warning("reload: the metrics section changed: it needs a restart (systemctl restart sensorgate); the running listener is kept (\(profile.metrics.map { "http://\($0.listenDescription)/metrics" } ?? "none"))")
    }
}
