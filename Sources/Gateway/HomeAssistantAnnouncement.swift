import Profiles

/// What the gateway last announced to Home Assistant: the discovery mode and prefix and
/// every component's platform and object id. Kept in `<state_dir>/<gateway id>.homeassistant`
/// so that a gateway restarted with a changed profile can delete what it no longer has,
/// which a retained discovery message would otherwise keep alive in Home Assistant.
///
/// The file is text, one fact a line:
/// ```
/// mode device
/// prefix homeassistant
/// sensor climate_temperature
/// switch fan
/// ```
struct HomeAssistantAnnouncement: Equatable {
    struct Entry: Hashable {
        var platform: String
        var objectID: String
    }

    var mode: HomeAssistantSettings.Mode
    var prefix: String
    var entries: [Entry]

    /// The largest file read back: far above any profile's component list.
    static let maximumFileSize = 1 << 20

    static func path(directory: String, gatewayID: String) -> String {
        directory + "/" + gatewayID + ".homeassistant"
    }

    var text: String {
        var lines = ["mode \(mode.rawValue)", "prefix \(prefix)"]
        lines += entries.map { "\($0.platform) \($0.objectID)" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads what `text` wrote; nil for anything else (the caller says so and carries on:
    /// what is lost is only the removal of entities announced before).
    static func parse(_ text: String) -> HomeAssistantAnnouncement? {
        var mode: HomeAssistantSettings.Mode?
        var prefix: String?
        var entries: [Entry] = []
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard words.count == 2 else { return nil }
            switch words[0] {
            case "mode":
                guard let parsed = HomeAssistantSettings.Mode(rawValue: words[1]) else { return nil }
                mode = parsed
            case "prefix": prefix = words[1]
            default: entries.append(Entry(platform: words[0], objectID: words[1]))
            }
        }
        guard let mode, let prefix else { return nil }
        return HomeAssistantAnnouncement(mode: mode, prefix: prefix, entries: entries)
    }

    /// What must be deleted from Home Assistant when `current` replaces `self`: retained
    /// configs on topics `current` does not publish again. In device mode under the same
    /// prefix, the removed components (sent as `{"p": platform}` in the next device
    /// config); otherwise the old topics themselves (emptied).
    func removals(for current: HomeAssistantAnnouncement, gatewayID: String) -> Removals {
        let kept = Set(current.entries)
        let gone = entries.filter { !kept.contains($0) }
        var removals = Removals()
        switch (mode, current.mode) {
        case (.device, .device) where prefix == current.prefix:
            removals.components = gone
        case (.device, _):
            removals.topics = [HomeAssistantDiscovery.deviceTopic(prefix: prefix, gatewayID: gatewayID)]
        case (.entity, _):
            let stale = (current.mode == .entity && prefix == current.prefix) ? gone : entries
            removals.topics = stale.map {
                HomeAssistantDiscovery.entityTopic(prefix: prefix, gatewayID: gatewayID, platform: $0.platform,
                                                   objectID: $0.objectID)
            }
        }
        return removals
    }

    struct Removals: Equatable {
        /// Components to name with their platform alone in the device config.
        var components: [Entry] = []
        /// Retained discovery topics to empty.
        var topics: [String] = []

        var isEmpty: Bool { components.isEmpty && topics.isEmpty }
    }
}
