/// Names the codebook a message's codes index, so a receiver can refuse codes it cannot decode.
public struct CodebookReference: Sendable, Equatable, Hashable {
    /// The perception model whose features were quantized.
    public var modelID: String
    /// Human-readable codebook id.
    public var codebookID: String
    /// SHA-256 of the codebook tensors (32 bytes).
    public var hash: [UInt8]
    /// Bits per code: `ceil(log2(codes per book))`.
    public var codeBits: Int
    /// Codes per cell (one per codebook book: product subspaces or residual stages).
    public var codesPerCell: Int

    public init(modelID: String, codebookID: String, hash: [UInt8], codeBits: Int, codesPerCell: Int) {
        self.modelID = modelID; self.codebookID = codebookID; self.hash = hash
        self.codeBits = codeBits; self.codesPerCell = codesPerCell
    }
}
