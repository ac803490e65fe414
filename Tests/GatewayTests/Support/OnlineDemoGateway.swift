import Foundation

/// A gateway on the demo profile (a fresh id and state directory) with a subscriber on
/// `<prefix>/#`, returned once the gateway is online and has had a moment to subscribe to
/// its command topics.
func startOnlineDemoGateway(_ base: String) throws -> (gateway: GatewayProcess, subscriber: Subscriber, prefix: String) {
    let directory = TestEnvironment.temporaryDirectory()
    let id = TestEnvironment.uniqueID(base)
    let prefix = "sensorgate/\(id)"
    let profile = try TestEnvironment.demoProfile(in: directory, id: id)
    let subscriber = try Subscriber(topic: "\(prefix)/#")
    try subscriber.waitUntilSubscribed(probeTopic: "\(prefix)/probe")
    let gateway = try GatewayProcess.run(profile: profile, stateDirectory: directory.appendingPathComponent("state"))
    guard subscriber.wait(timeout: 10, until: { $0.contains { $0.topic == "\(prefix)/status" && $0.payload == "online" } }) else {
        throw TestFailure("the gateway never came online:\n\(gateway.log)")
    }
    usleep(300_000)
    return (gateway, subscriber, prefix)
}
