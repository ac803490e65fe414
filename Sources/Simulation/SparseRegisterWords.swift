/// 256 16-bit registers that all read 0 until written, storing only the written ones.
///
/// A declarative part uses a few registers of its 256; at 1,000 simulated parts a full
/// table each would be half a megabyte of zeros. Lookups are a linear search of the few
/// stored registers, which is faster than hashing at these sizes.
struct SparseRegisterWords {
    private var registers: [UInt8] = []
    private var values: [UInt16] = []

    subscript(index: Int) -> UInt16 {
        get {
            let register = UInt8(truncatingIfNeeded: index)
            guard let slot = registers.firstIndex(of: register) else { return 0 }
            return values[slot]
        }
        set {
            let register = UInt8(truncatingIfNeeded: index)
            if let slot = registers.firstIndex(of: register) {
                values[slot] = newValue
            } else {
                registers.append(register)
                values.append(newValue)
            }
        }
    }
}
