/// Bounds a receiver enforces on untrusted messages before allocating for them.
public struct MessageLimits: Sendable, Equatable {
    /// Largest envelope accepted on the socket, in bytes (also set as `ZMQ_MAXMSGSIZE`).
    public var maxMessageBytes: Int
    /// Largest grid accepted, in cells.
    public var maxGridCells: Int
    /// Most codes per cell accepted.
    public var maxCodesPerCell: Int
    /// Most feature channels accepted.
    public var maxChannels: Int
    /// Most boxes accepted.
    public var maxBoxes: Int

    /// Room for a 512 × 512 grid and every cell of a 256 × 256 one at 8 codes of 8 bits.
    public static let standard = MessageLimits(
        maxMessageBytes: 1 << 20, maxGridCells: 512 * 512, maxCodesPerCell: 64, maxChannels: 1024, maxBoxes: 1024)

    public init(maxMessageBytes: Int, maxGridCells: Int, maxCodesPerCell: Int, maxChannels: Int, maxBoxes: Int) {
        self.maxMessageBytes = maxMessageBytes; self.maxGridCells = maxGridCells
        self.maxCodesPerCell = maxCodesPerCell; self.maxChannels = maxChannels; self.maxBoxes = maxBoxes
    }
}
