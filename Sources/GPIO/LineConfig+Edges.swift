import SensorgateCore

extension LineConfig {
    /// Whether the kernel reports edges of this line.
    var detectsEdges: Bool {
        if case .input(let edge, _) = direction { return edge != .none }
        return false
    }
}
