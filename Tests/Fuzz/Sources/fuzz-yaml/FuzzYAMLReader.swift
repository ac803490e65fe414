@testable import Profiles

/// Any bytes as the text of a YAML profile, through libyaml and the tree builder
/// (anchors, aliases, merge keys, the depth and alias-expansion limits). What the reader
/// makes of the text does not matter here; only a crash, a hang or runaway memory does,
/// and libFuzzer catches those itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let document = YAMLReader.read(text, file: "fuzz.yaml")
    // The tree is walked once as the loader would, so that a tree too costly to walk
    // (aliases expanding past the reader's limits) shows up here as a timeout or an OOM.
    if let root = document.root {
        var diagnostics: [Diagnostic] = []
        _ = DuplicateKeys.check(root, file: "fuzz.yaml", into: &diagnostics)
    }
    return 0
}
