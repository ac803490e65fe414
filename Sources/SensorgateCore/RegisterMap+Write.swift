extension RegisterMap {
    /// One register write of the setup sequence.
    public struct Write: Sendable, Equatable {
        public var register: UInt8
        /// Fits `width`; `register` plus the width's bytes stay within 0x00...0xFF.
        public var value: UInt32
        public var width: Width
        public var byteOrder: ByteOrder

        public init(register: UInt8, value: UInt32, width: Width = .bits8, byteOrder: ByteOrder = .big) {
            self.register = register
            self.value = value
            self.width = width
            self.byteOrder = byteOrder
        }
    }
}
