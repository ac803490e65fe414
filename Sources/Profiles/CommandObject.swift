/// A flat JSON object from an MQTT command payload (`{"value": true, "pulse": "500ms"}`),
/// read with the profile's strict JSON reader, so commands and profiles accept the same JSON.
public struct CommandObject: Sendable, Equatable {
    /// One member: its text as written and whether it was a JSON string.
    public struct Member: Sendable, Equatable {
        public var text: String
        public var isString: Bool
    }

    public private(set) var members: [String: Member]

    /// Parses `text`, which must be one JSON object whose values are strings, numbers,
    /// booleans or null; the reason when it is not.
    public static func parse(_ text: String) -> Result<CommandObject, CommandObjectError> {
        let document = JSONReader.read(text, file: "payload")
        if let problem = document.diagnostics.first {
            return .failure(CommandObjectError(message: "\(problem.message) at column \(problem.column)"))
        }
        guard let root = document.root, case .mapping(let pairs) = root.value else {
            return .failure(CommandObjectError(message: "expected a JSON object"))
        }
        var members: [String: Member] = [:]
        for pair in pairs {
            guard case .scalar(let text, let style) = pair.value.value else {
                return .failure(CommandObjectError(message: "'\(pair.key)' must be a string, number or boolean"))
            }
            guard members[pair.key] == nil else {
                return .failure(CommandObjectError(message: "'\(pair.key)' appears twice"))
            }
            members[pair.key] = Member(text: text, isString: style == .quoted)
        }
        return .success(CommandObject(members: members))
    }
}

public struct CommandObjectError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
