import CGPIOD

/// Owns one v1 `gpiod_chip`; closed when the chip object and all its requests are gone
/// (in API v1 a line request lives inside its chip).
final class LibgpiodV1ChipHandle {
    let pointer: OpaquePointer
    let api: sg_gpiod_v1_api

    init(_ pointer: OpaquePointer, api: sg_gpiod_v1_api) {
        self.pointer = pointer
        self.api = api
    }

    deinit { api.chip_close(pointer) }
}
