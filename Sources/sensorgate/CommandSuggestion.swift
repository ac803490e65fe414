import ArgumentParser
import Profiles

/// A misspelt subcommand (`sensorgate rnu`, `sensorgate i2c scna`) answered with the
/// command meant, before the argument parser's generic "Unexpected argument".
enum CommandSuggestion {
    /// The message for `arguments` (without the program name), or nil when every word that
    /// should name a subcommand does, or the first option comes before any.
    static func message(for arguments: [String], root: any ParsableCommand.Type = Sensorgate.self) -> String? {
        var command = root
        var path = [root._commandName]
        for word in arguments {
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty, !word.hasPrefix("-") else { return nil }
            if let next = subcommands.first(where: { $0._commandName == word }) {
                command = next
                path.append(word)
                continue
            }
            if word == "help" { return nil }
            let names = subcommands.map { $0._commandName }
            var text = "error: '\(path.joined(separator: " ")) \(word)' is not a command"
            if let meant = DidYouMean.suggestion(for: word, among: names) {
                text += ": did you mean '\(path.joined(separator: " ")) \(meant)'?"
            } else {
                text += "; the commands are: \(names.joined(separator: ", "))"
            }
            return text + "\n  See '\(path.joined(separator: " ")) --help' for more information."
        }
        return nil
    }
}
