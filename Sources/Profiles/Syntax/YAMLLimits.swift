/// What the YAML reader accepts beyond the grammar, so that no text can make reading
/// a profile take unbounded memory, time or stack (DeviceProfiles/README.md, "Limits").
///
/// The numbers are far above any real profile (the largest example nests 6 levels and
/// repeats a few dozen nodes through aliases) and far below what hurts a small board.
enum YAMLLimits {
    /// Lists and mappings inside each other, aliases expanded; the same as JSON's.
    static let maximumDepth = 256
    /// Nodes that aliases may add to the document when written out, an alias inside an
    /// anchored node counting every time the anchor is repeated.
    static let aliasExpansionBudget = 10_000
    /// Bytes of text (keys and values) that aliases may repeat: as much as the largest
    /// file holds, so that aliases can at most double what is read and checked.
    static let aliasTextBudget = 1 << 20
}
