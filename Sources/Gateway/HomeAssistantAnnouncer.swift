import Logging
import MQTT
import Profiles

/// Publishes the gateway's Home Assistant discovery: at every connect and whenever Home
/// Assistant says `online` on `<discovery prefix>/status`, and deletes what an earlier
/// run announced but this profile no longer has.
///
/// Removal across restarts works from ``HomeAssistantAnnouncement``, remembered in the
/// state directory: what the last run announced that this one does not is sent as a
/// removal (`{"p": platform}` in the device config, or an empty retained config per
/// entity, or the old device config emptied after a change of mode or prefix) with every
/// announcement of this run. The new list is written once this run's first
/// announcement has been handed to the MQTT client; until then the old file stands, so a
/// run that never got to announce still removes the same entities next time.
final class HomeAssistantAnnouncer {
    let discovery: HomeAssistantDiscovery
    let memoryPath: String
    private let logger: Logger
    private let removals: HomeAssistantAnnouncement.Removals
    private var remembered: Bool
    private(set) var announcements = 0

    init(profile: Profile, topics: TopicScheme, stateDirectory: String, softwareVersion: String?, logger: Logger) {
        self.logger = logger
        discovery = HomeAssistantDiscovery(profile: profile, topics: topics, softwareVersion: softwareVersion)
        memoryPath = HomeAssistantAnnouncement.path(directory: stateDirectory, gatewayID: profile.gateway.id)
        let current = discovery.announcement
        var previous: HomeAssistantAnnouncement?
        do {
            if let bytes = try StateFile.read(memoryPath, limit: HomeAssistantAnnouncement.maximumFileSize) {
                previous = HomeAssistantAnnouncement.parse(String(decoding: bytes, as: UTF8.self))
                if previous == nil {
                    logger.warning("\(memoryPath) is not a list of Home Assistant components; entities announced by earlier runs and no longer in the profile are not removed")
                }
            }
        } catch {
            logger.warning("Home Assistant: \(error); entities announced by earlier runs and no longer in the profile are not removed")
        }
        removals = previous?.removals(for: current, gatewayID: profile.gateway.id) ?? .init()
        remembered = previous == current
        if !removals.isEmpty {
            let names = removals.components.map(\.objectID) + removals.topics
            logger.info("Home Assistant: removing what the profile no longer has (from \(memoryPath)): \(names.joined(separator: ", "))")
        }
    }

    /// The retained messages of one announcement: removals first, then the configs.
    func messages(qos: Int32) -> [OutgoingMessage] {
        var messages = removals.topics.map { OutgoingMessage(topic: $0, payload: [], qos: qos, retain: true) }
        switch discovery.settings.mode {
        case .device:
            messages.append(OutgoingMessage(topic: discovery.deviceTopic,
                                            payload: discovery.deviceMessage(removed: removals.components).json,
                                            qos: qos, retain: true))
        case .entity:
            for component in discovery.components {
                let topic = HomeAssistantDiscovery.entityTopic(prefix: discovery.settings.prefix, gatewayID: discovery.gatewayID,
                                                               platform: component.platform, objectID: component.objectID)
                messages.append(OutgoingMessage(topic: topic, payload: discovery.entityMessage(component).json,
                                                qos: qos, retain: true))
            }
        }
        return messages
    }

    /// After an announcement was handed to the client: remembers this run's components,
    /// once. A failure to write is logged; it costs only the removal of these entities
    /// after a later profile change.
    func announced() {
        announcements += 1
        guard !remembered else { return }
        do {
            try StateFile.replace(memoryPath, with: Array(discovery.announcement.text.utf8))
            remembered = true
        } catch {
            remembered = true
            logger.warning("Home Assistant: cannot remember the announced entities: \(error); after a profile change, entities removed from it may stay in Home Assistant")
        }
    }
}
