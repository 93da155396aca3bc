import Quant
import Testing
import V2XCore
import V2XTestSupport

/// The fused linear + max per group against the layer's own per-row u8 codes, maxed in Swift.
@Suite struct Int8LinearMaxTests {
    /// `(layer, input rows, group of each row)`.
    private func fixture(inputs: Int, outputs: Int, rows: Int, groups: Int, seed: UInt64) throws -> (Int8LinearLayer, QuantizedTensor, [Int32]) {
        var rng = SeededGenerator(seed: seed)
        let layer = try randomLinearLayer(inputs: inputs, outputs: outputs, using: &rng)
        let xq = layer.inputQuantization
        let input = try QuantizedTensor(
            height: rows, width: 1, channels: inputs,
            values: (0..<(rows * inputs)).map { _ in UInt8.random(in: 0...255, using: &rng) }, quantization: xq)
        // Groups drawn from all but the last, so at least one group has no row.
        let group = (0..<rows).map { _ in Int32.random(in: 0..<Int32(Swift.max(1, groups - 1)), using: &rng) }
        return (layer, input, group)
    }

    /// Per group, the max of `forward`'s per-row codes; `empty` where no row belongs.
    private func expected(_ perRow: [UInt8], group: [Int32], groups: Int, outputs: Int, empty: UInt8) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: groups * outputs)
        var seen = [Bool](repeating: false, count: groups)
        for (r, g) in group.enumerated() {
            for o in 0..<outputs {
                let v = perRow[r * outputs + o], i = Int(g) * outputs + o
                out[i] = seen[Int(g)] ? Swift.max(out[i], v) : v
            }
            seen[Int(g)] = true
        }
        for g in 0..<groups where !seen[g] { for o in 0..<outputs { out[g * outputs + o] = empty } }
        return out
    }

    // (in, out): the pillar layer's 9 → 32, odd and tiny widths, out not a multiple of 8,
    // and more than 64 outputs (several register passes on AVX2).
    @Test(arguments: [(9, 32, 500, 40), (10, 64, 300, 17), (1, 1, 7, 3), (3, 13, 50, 9), (17, 70, 120, 11)])
    func everyPathEqualsTheMaxOfThePerRowCodes(inputs: Int, outputs: Int, rows: Int, groups: Int) throws {
        let (layer, input, group) = try fixture(inputs: inputs, outputs: outputs, rows: rows, groups: groups, seed: UInt64(inputs * 100 + outputs))
        for (oq, relu) in [(try AffineQuantization(scale: 0.05, zeroPoint: 7), true), (try AffineQuantization(scale: 0.01, zeroPoint: 128), false)] {
            let perRow = try layer.forward(input, output: oq, relu: relu, isa: .scalar).values
            let want = expected(perRow, group: group, groups: groups, outputs: outputs, empty: relu ? UInt8(oq.zeroPoint) : 0)
            for isa in KernelISA.supported {
                let got = try layer.forwardMaxPerGroup(input, groupOfRow: group, groups: groups, output: oq, relu: relu, isa: isa)
                #expect(got == want, "\(isa), relu \(relu)")
            }
        }
    }

    @Test func noRowsGiveTheFloorAndNoGroupsNothing() throws {
        let (layer, _, _) = try fixture(inputs: 9, outputs: 32, rows: 1, groups: 1, seed: 3)
        let none = try QuantizedTensor(height: 0, width: 1, channels: 9, values: [], quantization: layer.inputQuantization)
        let oq = try AffineQuantization(scale: 0.05, zeroPoint: 9)
        for isa in KernelISA.supported {
            #expect(try layer.forwardMaxPerGroup(none, groupOfRow: [], groups: 2, output: oq, relu: true, isa: isa) == [UInt8](repeating: 9, count: 64))
            #expect(try layer.forwardMaxPerGroup(none, groupOfRow: [], groups: 0, output: oq, relu: true, isa: isa).isEmpty)
        }
    }

    @Test func badGroupsAreTypedErrors() throws {
        let (layer, input, group) = try fixture(inputs: 9, outputs: 32, rows: 20, groups: 4, seed: 4)
        let oq = try AffineQuantization(scale: 0.05, zeroPoint: 0)
        var outside = group
        outside[5] = 4
        #expect { try layer.forwardMaxPerGroup(input, groupOfRow: outside, groups: 4, output: oq, relu: true) } throws: {
            ($0 as? V2XError)?.code == .invalidArgument
        }
        outside[5] = -1
        #expect { try layer.forwardMaxPerGroup(input, groupOfRow: outside, groups: 4, output: oq, relu: true) } throws: {
            ($0 as? V2XError)?.code == .invalidArgument
        }
        #expect { try layer.forwardMaxPerGroup(input, groupOfRow: Array(group.dropLast()), groups: 4, output: oq, relu: true) } throws: {
            ($0 as? V2XError)?.code == .shapeMismatch
        }
    }
}
