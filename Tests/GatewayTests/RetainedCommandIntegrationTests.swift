import Foundation
import Testing

/// A retained message on a command topic is stored by the broker and delivered at every
/// subscription: if it acted, it would override `initial` at every start, long after
/// whoever sent it meant it. Real binary, real mosquitto.
@Suite("Retained commands (real binary, real mosquitto)")
struct RetainedCommandIntegrationTests {
    @Test("a retained 'on' never switches the fan on, is reported once, and a later start sees it no more")
    func retainedCommandIgnored() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("retained")
        let prefix = "sensorgate/\(id)"
        let profile = try TestEnvironment.demoProfile(in: directory, id: id)
        let state = directory.appendingPathComponent("state")
        try publish("\(prefix)/fan/set", "on", retain: true)
        let subscriber = try Subscriber(topic: "\(prefix)/#")
        try subscriber.waitUntilSubscribed(probeTopic: "\(prefix)/probe")
        // What arrived during the current run only.
        var runStart = 0
        func fanStates() -> [Bool] {
            subscriber.messages.dropFirst(runStart).filter { $0.topic == "\(prefix)/fan" }.compactMap { $0.json?["value"] as? Bool }
        }
        func errors() -> [String] {
            subscriber.messages.dropFirst(runStart).filter { $0.topic == "\(prefix)/error" }.compactMap { $0.json?["error"] as? String }
        }

        for run in 1...2 {
            runStart = subscriber.messages.count
            let gateway = try GatewayProcess.run(profile: profile, stateDirectory: state)
            defer { _ = gateway.stop() }
            #expect(subscriber.wait(timeout: 10) { messages in
                messages.filter { $0.topic == "\(prefix)/status" && $0.payload == "online" }.count == run
            }, "\(gateway.log)")
            // Long enough for the broker to deliver the retained command after the subscription.
            usleep(1_000_000)
            #expect(!fanStates().contains(true), "run \(run): the retained 'on' acted: \(fanStates())")
            // Reported once, at the first start; the second start no longer receives it.
            #expect(errors().count == (run == 1 ? 1 : 0), "run \(run): \(errors())\n\(gateway.log)")
            if run == 1 {
                #expect(errors().first?.contains("retained") == true)
                #expect(gateway.log.contains("ignored a retained command"), "\(gateway.log)")
                // A command published now acts.
                try publish("\(prefix)/fan/set", "on")
                #expect(subscriber.wait(timeout: 5) { _ in fanStates().last == true }, "\(gateway.log)")
            }
            #expect(gateway.stop() == 0, "\(gateway.log)")
        }
        // The broker no longer stores it: the gateway deleted it (an empty retained message).
        let late = try Subscriber(topic: "\(prefix)/fan/set")
        try late.waitUntilSubscribed(probeTopic: "\(prefix)/fan/set")
        usleep(300_000)
        #expect(!late.messages.contains { $0.retained }, "\(late.messages)")
    }
}
