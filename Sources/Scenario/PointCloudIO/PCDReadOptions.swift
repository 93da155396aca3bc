/// Options for reading PCD files.
public struct PCDReadOptions: Sendable, Equatable {
    /// Drop points whose x, y or z is NaN or infinite (organised clouds mark holes that way).
    public var dropNonFinite: Bool

    public init(dropNonFinite: Bool = true) { self.dropNonFinite = dropNonFinite }
}
