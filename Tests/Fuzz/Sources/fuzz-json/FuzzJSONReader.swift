@testable import Profiles

/// Any bytes as the text of a JSON profile, through the strict JSON reader (strings and
/// their escapes, numbers, nesting up to its depth limit). Only a crash, a hang or runaway
/// memory counts; libFuzzer catches those itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = JSONReader.read(text, file: "fuzz.json")
    return 0
}
