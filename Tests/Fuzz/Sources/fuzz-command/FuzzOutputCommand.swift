import Profiles

/// Any bytes as an output's MQTT `set` payload, through the words, the JSON object
/// (``CommandObject``, the profile's JSON reader) and the pulse duration. The gateway
/// refuses payloads over `OutputCommand.maxBytes` before parsing, but the parser itself
/// is given longer ones too, since nothing in it relies on that check. Only a crash, a
/// hang or runaway memory counts; libFuzzer catches those itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = OutputCommand.parse(text)
    return 0
}
