import V2XCore

extension DetectorNetwork {
    /// This network with `corrections[layer]` added to the bias of each named encoder layer
    /// (`<layer>.bias`, one value per output channel; the caller has checked the counts).
    /// - Throws: `V2XError.shapeMismatch` when a correction's length is not the bias's.
    func addingToBiases(_ corrections: [String: [Float]]) throws -> DetectorNetwork {
        guard !corrections.isEmpty else { return self }
        let values = try tensors.map { t -> [Float] in
            guard t.name.hasSuffix(".bias"), let c = corrections[String(t.name.dropLast(".bias".count))] else { return t.values }
            guard c.count == t.values.count else {
                throw V2XError(.shapeMismatch, "bias correction of \(t.name) has \(c.count) values, the bias \(t.values.count)")
            }
            return zip(t.values, c).map(+)
        }
        var corrected = self
        try corrected.assign(values)
        return corrected
    }
}
