import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// SIGHUP with a rewritten profile, on the real binary and a real mosquitto: a persistent
/// QoS 1 subscriber counts every `seq` of a gateway publishing a few hundred readings a
/// second through its outbox while sensors are added, removed, changed and kept.
@Suite("Reload (real binary, real mosquitto)", .serialized)
struct ReloadIntegrationTests {
    /// An input fed a 5 ms square wave (400 numbered readings a second at QoS 1, through
    /// the outbox), an output, and sensors on one bus; `sensors` and `extra` vary.
    func profileText(id: String, sensors: String, extra: String = "") -> String {
        """
        gateway:
          id: \(id)
        mqtt:
          qos: 1
          outbox: { max_messages: 1000000 }
        inputs:
          - id: edge
            gpio: { line: 5 }
            debounce: 0s
        outputs:
          - id: relay
            gpio: { line: 22 }
            initial: off
        sensors:
        \(sensors)
        \(extra)
        simulation:
          edge: { square: { period: 5ms } }

        """
    }

    let keep = """
          - id: keep
            driver: bme280
            i2c: { bus: 1, address: 0x76 }
            interval: 100ms
            channels:
              temperature: { windows: [ { name: w, every: 6s, stats: [count, mean] } ] }
        """
    let gone = """
          - { id: gone, driver: bme280, i2c: { bus: 1, address: 0x77 }, interval: 200ms, retain: true }
        """
    func tuned(_ interval: String) -> String {
        "  - { id: tuned, driver: sht3x, i2c: { bus: 1 }, interval: \(interval) }"
    }
    let fresh = """
          - { id: fresh, driver: lm75, i2c: { bus: 1 }, interval: 100ms }
        """

    /// The retained messages a new subscriber to `filter` gets (the broker sends them
    /// before the probe published after subscribing).
    func retained(_ filter: String, probe: String, port: Int) throws -> [ReceivedMessage] {
        let subscriber = try Subscriber(topic: filter, port: port)
        defer { subscriber.stop() }
        try subscriber.waitUntilSubscribed(probeTopic: probe, port: port)
        return subscriber.messages.filter { $0.retained && $0.topic != probe }
    }

    func write(_ text: String, to file: URL) throws { try text.write(to: file, atomically: true, encoding: .utf8) }

    @Test("add, remove, change and keep sensors under 400 readings/s: no seq gap, kept state continues")
    func appliesChanges() throws {
        let broker = try PersistentBroker()
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("reload")
        let prefix = "sensorgate/\(id)"
        let file = directory.appendingPathComponent("\(id).yaml")
        try write(profileText(id: id, sensors: [keep, gone, tuned("1s")].joined(separator: "\n")), to: file)
        let tally = try SequenceTally.ofGateway(id, on: broker)
        let subscriber = try Subscriber(topic: "\(prefix)/#", port: broker.port)
        try subscriber.waitUntilSubscribed(probeTopic: "\(prefix)/subscribed", port: broker.port)
        let gateway = try GatewayProcess.run(profile: file, stateDirectory: directory.appendingPathComponent("state"),
                                             broker: broker.url, extra: ["--simulate", "--log-level", "debug"])

        // Running: readings flow, the removed-to-be sensor's retained topics are there.
        #expect(tally.wait(timeout: 20) { $0.highest > 2_000 }, "\(gateway.log)")
        #expect(subscriber.wait(timeout: 15) { $0.contains { $0.topic == "\(prefix)/gone/temperature" } }, "\(gateway.log)")
        #expect(try retained("\(prefix)/gone/#", probe: "\(prefix)/gone/probe", port: broker.port).count >= 2)
        // The output switched on by a command.
        try publish("\(prefix)/relay/set", "ON", port: broker.port)
        #expect(subscriber.wait(timeout: 10) { $0.contains { $0.topic == "\(prefix)/relay" && $0.json?["value"] as? Bool == true } })
        func tunedTimes() -> [String] { subscriber.messages(on: "\(prefix)/tuned/temperature").compactMap { $0.json?["ts"] as? String } }
        #expect(subscriber.wait(timeout: 15) { _ in tunedTimes().count >= 3 })

        // The reload, 2.5 s into a 6 s window of the unchanged sensor: a window begun
        // again at the reload would close with about 35 readings, the kept one with 60.
        let windows = subscriber.messages(on: "\(prefix)/keep/temperature/w").count
        #expect(subscriber.wait(timeout: 15) { $0.filter { $0.topic == "\(prefix)/keep/temperature/w" }.count > windows })
        Thread.sleep(forTimeInterval: 2.5)
        let beforeReload = subscriber.messages.last { $0.json?["ts"] != nil }?.json?["ts"] as? String ?? ""
        let relayMessagesBefore = subscriber.messages(on: "\(prefix)/relay").count
        let tunedBefore = tunedTimes().count
        try write(profileText(id: id, sensors: [fresh, keep, tuned("200ms")].joined(separator: "\n")), to: file)
        kill(gateway.pid, SIGHUP)
        #expect(gateway.waitForLog(timeout: 15) { $0.contains("reloaded \(file.path)") }, "\(gateway.log)")
        #expect(gateway.log.contains("sensors: 1 added, 1 removed, 1 changed, 1 unchanged"), "\(gateway.log)")
        #expect(gateway.log.contains("reload: sensor 'keep' unchanged"), "debug lists each component: \(gateway.log)")
        let afterReload = subscriber.messages.last { $0.json?["ts"] != nil }?.json?["ts"] as? String ?? ""

        // The added sensor publishes; the changed one at its new interval.
        #expect(subscriber.wait(timeout: 10) { $0.contains { $0.topic == "\(prefix)/fresh/temperature" } }, "\(gateway.log)")
        #expect(subscriber.wait(timeout: 10) { _ in tunedTimes().count >= tunedBefore + 20 }, "\(gateway.log)")
        // The unchanged sensor's window spans the reload with a full count (60 readings in 6 s).
        let spanning = subscriber.wait(timeout: 20) { messages in
            messages.contains { message in
                guard message.topic == "\(prefix)/keep/temperature/w", let json = message.json,
                      let start = json["start"] as? String, let end = json["end"] as? String else { return false }
                return start < beforeReload && end > afterReload && (json["count"] as? Int ?? 0) >= 55
            }
        }
        #expect(spanning, "reload between \(beforeReload) and \(afterReload): \(subscriber.messages(on: "\(prefix)/keep/temperature/w").map(\.payload))")
        // The output kept its level: nothing republished, and a toggle turns it off.
        #expect(subscriber.messages(on: "\(prefix)/relay").count == relayMessagesBefore)
        try publish("\(prefix)/relay/set", "TOGGLE", port: broker.port)
        #expect(subscriber.wait(timeout: 10) { $0.last { $0.topic == "\(prefix)/relay" }?.json?["value"] as? Bool == false },
                "\(subscriber.messages(on: "\(prefix)/relay").map(\.payload))")
        // The removed sensor stopped and its retained topics are cleared.
        #expect(try retained("\(prefix)/gone/#", probe: "\(prefix)/gone/probe", port: broker.port).isEmpty)
        let lastGone = subscriber.messages.lastIndex { $0.topic.hasPrefix("\(prefix)/gone/") && $0.topic != "\(prefix)/gone/probe" && !$0.payload.isEmpty }
        let cleared = subscriber.messages.lastIndex { $0.topic == "\(prefix)/gone/status" && $0.payload.isEmpty }
        #expect(cleared != nil && lastGone.map { $0 < cleared! } ?? false, "nothing from the removed sensor after its clearing")

        #expect(gateway.stop() == 0, "\(gateway.log)")
        let summary = try #require(OutboxSummary(log: gateway.log), "\(gateway.log)")
        tally.wait(timeout: 30) { $0.missing(upTo: summary.assigned).isEmpty }
        let missing = tally.missing(upTo: summary.assigned)
        print("reload under load: \(summary.assigned) readings, \(missing.count) missing, \(tally.duplicates) duplicates")
        #expect(missing.isEmpty, "missing seq: \(missing.prefix(20))\n\(gateway.log)")
        #expect(tally.highest == summary.assigned)
        #expect(summary.kept == 0)
    }

    @Test("an invalid profile on SIGHUP: located errors logged, the gateway goes on; then a valid one applies")
    func invalidProfile() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("badreload")
        let prefix = "sensorgate/\(id)"
        let file = directory.appendingPathComponent("\(id).yaml")
        try write(profileText(id: id, sensors: keep), to: file)
        let subscriber = try Subscriber(topic: "\(prefix)/#")
        try subscriber.waitUntilSubscribed(probeTopic: "\(prefix)/subscribed")
        let gateway = try GatewayProcess.run(profile: file, stateDirectory: directory.appendingPathComponent("state"))
        #expect(subscriber.wait(timeout: 15) { $0.contains { $0.topic == "\(prefix)/keep/temperature" } }, "\(gateway.log)")

        // `interval: fast` on line 23 of the file, column 15.
        try write(profileText(id: id, sensors: keep.replacingOccurrences(of: "interval: 100ms", with: "interval: fast")), to: file)
        kill(gateway.pid, SIGHUP)
        let line = try #require(profileText(id: id, sensors: keep).split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.contains("interval: 100ms") }) + 1
        #expect(gateway.waitForLog(timeout: 15) { $0.contains("\(file.path):\(line):") }, "a located error: \(gateway.log)")
        #expect(gateway.log.contains("still running the profile loaded before"), "\(gateway.log)")
        #expect(gateway.log.contains(": error: "), "\(gateway.log)")
        #expect(gateway.isRunning)
        let count = subscriber.messages.count
        #expect(subscriber.wait(timeout: 10) { $0.count > count + 50 }, "still publishing")

        // gateway.id changed: refused, it needs a restart.
        try write(profileText(id: id + "x", sensors: keep), to: file)
        kill(gateway.pid, SIGHUP)
        #expect(gateway.waitForLog(timeout: 15) { $0.contains("gateway.id changed") && $0.contains("needs a restart") }, "\(gateway.log)")
        #expect(gateway.isRunning)

        // A valid one applies.
        try write(profileText(id: id, sensors: [keep, fresh].joined(separator: "\n")), to: file)
        kill(gateway.pid, SIGHUP)
        #expect(gateway.waitForLog(timeout: 15) { $0.contains("reloaded \(file.path): inputs: 1 unchanged; sensors: 1 added, 1 unchanged; outputs: 1 unchanged") },
                "\(gateway.log)")
        #expect(subscriber.wait(timeout: 10) { $0.contains { $0.topic == "\(prefix)/fresh/temperature" } }, "\(gateway.log)")
        let seqs = subscriber.messages.compactMap(\.seq).filter { $0 > 0 }
        #expect(gateway.stop() == 0, "\(gateway.log)")
        // Without an outbox and on a live broker, QoS 1 numbering is dense across the reloads.
        #expect(Set(seqs).count == (seqs.max() ?? 0) - (seqs.min() ?? 0) + 1, "no gap in seq")
    }

    @Test("derived channels on a reload: an unchanged one keeps its window, an added one publishes, a removed one's retained state is cleared")
    func derivedChannels() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("derivedreload")
        let prefix = "sensorgate/\(id)"
        let file = directory.appendingPathComponent("\(id).yaml")
        func text(_ derived: [String]) -> String {
            """
            gateway: { id: \(id) }
            mqtt: { qos: 1, retain: true }
            sensors:
              - { id: air, driver: bme280, i2c: { bus: 1, address: 0x76 }, interval: 100ms }
            derived:
            \(derived.joined(separator: "\n"))

            """
        }
        let dew = """
              - id: dew
                dew_point: { temperature: air.temperature, humidity: air.humidity }
                windows: [ { name: w, every: 6s, stats: [count, mean] } ]
            """
        let vapour = "  - { id: vapour, absolute_humidity: { temperature: air.temperature, humidity: air.humidity } }"
        let sea = "  - { id: sea, sea_level_pressure: { pressure: air.pressure, altitude: 420 } }"
        try write(text([dew, vapour]), to: file)
        let subscriber = try Subscriber(topic: "\(prefix)/#")
        try subscriber.waitUntilSubscribed(probeTopic: "\(prefix)/subscribed")
        let gateway = try GatewayProcess.run(profile: file, stateDirectory: directory.appendingPathComponent("state"),
                                             extra: ["--simulate", "--log-level", "debug"])
        #expect(subscriber.wait(timeout: 15) { $0.contains { $0.topic == "\(prefix)/vapour" } }, "\(gateway.log)")
        let windows = subscriber.messages(on: "\(prefix)/dew/w").count
        #expect(subscriber.wait(timeout: 15) { $0.filter { $0.topic == "\(prefix)/dew/w" }.count > windows }, "\(gateway.log)")
        Thread.sleep(forTimeInterval: 2.5)
        let beforeReload = subscriber.messages.last { $0.json?["ts"] != nil }?.json?["ts"] as? String ?? ""

        try write(text([dew, sea]), to: file)
        kill(gateway.pid, SIGHUP)
        #expect(gateway.waitForLog(timeout: 15) { $0.contains("reloaded \(file.path): sensors: 1 unchanged; derived: 1 added, 1 removed, 1 unchanged") },
                "\(gateway.log)")
        #expect(gateway.log.contains("reload: derived channel 'dew' unchanged"), "\(gateway.log)")
        let afterReload = subscriber.messages.last { $0.json?["ts"] != nil }?.json?["ts"] as? String ?? ""
        #expect(subscriber.wait(timeout: 10) { $0.contains { $0.topic == "\(prefix)/sea" && $0.json?["value"] != nil } }, "\(gateway.log)")
        // The kept window spans the reload with a full count (60 readings in 6 s).
        let spanning = subscriber.wait(timeout: 20) { messages in
            messages.contains { message in
                guard message.topic == "\(prefix)/dew/w", let json = message.json,
                      let start = json["start"] as? String, let end = json["end"] as? String else { return false }
                return start < beforeReload && end > afterReload && (json["count"] as? Int ?? 0) >= 55
            }
        }
        #expect(spanning, "reload between \(beforeReload) and \(afterReload): \(subscriber.messages(on: "\(prefix)/dew/w").map(\.payload))")
        // The removed channel's retained state is cleared, and nothing follows the clearing.
        let cleared = subscriber.messages.lastIndex { $0.topic == "\(prefix)/vapour" && $0.payload.isEmpty }
        let lastValue = subscriber.messages.lastIndex { $0.topic == "\(prefix)/vapour" && !$0.payload.isEmpty }
        #expect(cleared != nil && lastValue.map { $0 < cleared! } ?? false, "\(subscriber.messages(on: "\(prefix)/vapour").suffix(3).map(\.payload))")
        #expect(try retained("\(prefix)/vapour/#", probe: "\(prefix)/vapour/probe", port: TestEnvironment.brokerPort).isEmpty)
        #expect(gateway.stop() == 0, "\(gateway.log)")
    }

    @Test("RELOADING=1 with MONOTONIC_USEC, then READY=1 with what the reload did, as systemd wants")
    func notifiesSystemd() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("notifyreload")
        let file = directory.appendingPathComponent("\(id).yaml")
        try write(profileText(id: id, sensors: keep), to: file)
        let socket = try NotifySocket(directory: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = socket.path
        environment.removeValue(forKey: "WATCHDOG_USEC")
        let child = try ChildProcess(TestEnvironment.binary, [
            "run", "--profile", file.path, "--broker", TestEnvironment.brokerURL,
            "--state-dir", directory.appendingPathComponent("state").path, "--simulate",
        ], environment: environment)
        defer { child.stop(grace: 2) }
        #expect(socket.wait(timeout: 15) { $0.contains { $0.hasPrefix("READY=1\n") } }, "\(child.errorOutput)")

        try write(profileText(id: id, sensors: [keep, fresh].joined(separator: "\n")), to: file)
        child.signal(SIGHUP)
        #expect(socket.wait(timeout: 15) { $0.contains { $0.hasPrefix("READY=1\nSTATUS=reloaded:") } }, "\(socket.messages)\n\(child.errorOutput)")
        let messages = socket.messages
        let reloading = try #require(messages.firstIndex { $0.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") }, "\(messages)")
        let ready = try #require(messages.firstIndex { $0.hasPrefix("READY=1\nSTATUS=reloaded:") })
        #expect(reloading < ready)
        let microseconds = UInt64(messages[reloading].split(separator: "=").last ?? "") ?? 0
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        #expect(microseconds > 0 && microseconds <= UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec / 1_000))
        #expect(messages[ready].contains("sensors: 1 added, 1 unchanged"), "\(messages[ready])")

        try write("gateway: [", to: file)
        child.signal(SIGHUP)
        #expect(socket.wait(timeout: 15) { $0.contains { $0.hasPrefix("READY=1\nSTATUS=reload refused:") } }, "\(socket.messages)\n\(child.errorOutput)")
        #expect(child.isRunning)
        child.signal(SIGTERM)
        #expect(child.waitForExit(timeout: 15) == 0, "\(child.errorOutput)")
    }

    @Test("with Home Assistant discovery, a sensor removed by a reload leaves Home Assistant and the broker")
    func homeAssistantRemoval() throws {
        let profile = HomeAssistantTestProfile("ha-reload")
        let file = profile.directory.appendingPathComponent("\(profile.id).yaml")
        try write(profile.text(mode: "device"), to: file)
        let subscriber = try Subscriber(topic: "\(profile.discoveryPrefix)/#")
        try subscriber.waitUntilSubscribed(probeTopic: "\(profile.discoveryPrefix)/probe")
        let states = try Subscriber(topic: "\(profile.prefix)/light/#")
        try states.waitUntilSubscribed(probeTopic: "\(profile.prefix)/light/probe")
        let gateway = try GatewayProcess.run(profile: file, stateDirectory: profile.state)
        func components(_ message: ReceivedMessage?) -> [String: [String: Any]] {
            (message?.json?["cmps"] as? [String: Any] ?? [:]).compactMapValues { $0 as? [String: Any] }
        }
        #expect(subscriber.wait(timeout: 15) { $0.contains { $0.topic == profile.deviceTopic } }, "\(gateway.log)")
        #expect(components(subscriber.messages(on: profile.deviceTopic).last)["light_illuminance"]?["unique_id"] != nil)
        #expect(states.wait(timeout: 15) { $0.contains { $0.topic == "\(profile.prefix)/light/illuminance" } }, "\(gateway.log)")
        let announcements = subscriber.messages(on: profile.deviceTopic).count

        try write(profile.text(mode: "device", withoutLight: true), to: file)
        kill(gateway.pid, SIGHUP)
        #expect(gateway.waitForLog(timeout: 15) { $0.contains("reloaded \(file.path)") }, "\(gateway.log)")
        #expect(subscriber.wait(timeout: 15) { $0.filter { $0.topic == profile.deviceTopic }.count > announcements }, "\(gateway.log)")
        let light = components(subscriber.messages(on: profile.deviceTopic).last)["light_illuminance"]
        #expect(light.map { $0.count == 1 && $0["p"] as? String == "sensor" } == true, "\(String(describing: light))")
        #expect(try retained("\(profile.prefix)/light/#", probe: "\(profile.prefix)/light/probe2", port: TestEnvironment.brokerPort).isEmpty)
        #expect(gateway.stop() == 0, "\(gateway.log)")
    }
}
