import V2XCore

extension BEVMessage {
    /// Rebuilds the sender's feature map from the codes: sent cells get their codebook
    /// reconstruction, the others stay zero.
    /// - Returns: the map and a row-major mask of the cells that were sent.
    /// - Throws: `V2XError.rejectedMessage` when `codebook` is not the one the message names;
    ///   `.malformedData` for codes outside it.
    public func decodeFeatures(with codebook: FeatureCodebook) throws -> (features: FeatureMap, sent: [Bool]) {
        guard codebook.hash == self.codebook.hash, codebook.codesPerCell == self.codebook.codesPerCell,
              codebook.channels == channels else {
            throw V2XError(.rejectedMessage, "message uses codebook \(self.codebook.codebookID), not \(codebook.id)")
        }
        let vectors = try codebook.decode(codes: codes)
        var map = FeatureMap(height: grid.height, width: grid.width, channels: channels)
        var sent = [Bool](repeating: false, count: grid.cellCount)
        for (i, cell) in cellIndices.enumerated() {
            // cellIndices were validated against the grid when the message was built or parsed.
            map.values.replaceSubrange((cell * channels)..<((cell + 1) * channels), with: vectors[(i * channels)..<((i + 1) * channels)])
            sent[cell] = true
        }
        return (map, sent)
    }

    /// The confidence the sender attached, as a row-major per-cell map in [0, 1] (0 where
    /// nothing was sent), or `nil` when the message carries none.
    public var confidenceMap: [Float]? {
        guard let bytes = confidenceU8 else { return nil }
        var values = [Float](repeating: 0, count: grid.cellCount)
        for (cell, byte) in zip(cellIndices, bytes) { values[cell] = Float(byte) / 255 }
        return values
    }
}
