/// A loop-confined object carried through a `@Sendable` closure that only ever uses it on
/// the loop (``EventLoop/execute(_:)``): a worker's outcome names its sensor, an
/// expander's edges their input, by the object, since a reload reorders the arrays that
/// hold them and an index would name another.
struct LoopOwned<Value: AnyObject>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
