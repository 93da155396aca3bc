import V2XCore

/// The set of grid cells a message carries, coded compactly.
///
/// Two codings; `encode` picks the smaller for the frame:
/// - **bitmask**: one bit per grid cell, row-major, LSB first — `ceil(cells / 8)` bytes.
/// - **runs**: maximal runs of consecutive row-major indices as varint pairs
///   `(gap since the end of the previous run, run length)`; small when the sent cells
///   form few blobs, as Where2comm's confident regions do.
///
/// Cells are always listed in ascending row-major order on the wire.
public struct CellPositions: Sendable, Equatable {
    /// Which coding `bytes` uses.
    public enum Coding: Sendable, Equatable { case bitmask, runs }

    public var coding: Coding
    public var bytes: [UInt8]

    public init(coding: Coding, bytes: [UInt8]) {
        self.coding = coding
        self.bytes = bytes
    }

    /// Codes ascending, distinct cell indices of a grid with `cellCount` cells.
    /// - Throws: `V2XError.invalidArgument` when indices are unsorted, repeated or outside the grid.
    public static func encode(sortedIndices: [Int], cellCount: Int) throws -> CellPositions {
        var previous = -1
        for i in sortedIndices {
            guard i > previous, i < cellCount else {
                throw V2XError(.invalidArgument, "cell indices must be ascending, distinct and below \(cellCount)")
            }
            previous = i
        }
        let runs = encodeRuns(sortedIndices)
        let bitmaskBytes = (cellCount + 7) / 8
        if runs.count <= bitmaskBytes { return CellPositions(coding: .runs, bytes: runs) }
        var mask = [UInt8](repeating: 0, count: bitmaskBytes)
        for i in sortedIndices { mask[i >> 3] |= 1 << UInt8(i & 7) }
        return CellPositions(coding: .bitmask, bytes: mask)
    }

    /// An upper bound on the coded size of `count` cells of a grid with `cellCount`
    /// cells, whatever their positions (used to fit a byte budget before encoding).
    public static func maximumByteCount(count: Int, cellCount: Int) -> Int {
        // Worst case for runs: every cell its own run, gap < cellCount, length 1 (one byte).
        let runsBound = count * (Varint.length(of: UInt64(max(cellCount, 1))) + 1)
        return min((cellCount + 7) / 8, runsBound)
    }

    /// Decodes the cell indices, ascending.
    /// - Parameters:
    ///   - count: the number of cells the message says it carries.
    ///   - cellCount: cells in the grid.
    /// - Throws: `V2XError.malformedData` when the bytes disagree with `count` or the grid.
    public func decode(count: Int, cellCount: Int) throws -> [Int] {
        guard count >= 0, count <= cellCount else {
            throw V2XError(.malformedData, "cell count \(count) outside a grid of \(cellCount) cells")
        }
        var out: [Int] = []
        out.reserveCapacity(count)
        switch coding {
        case .bitmask:
            guard bytes.count == (cellCount + 7) / 8 else {
                throw V2XError(.malformedData, "bitmask of \(bytes.count) bytes for \(cellCount) cells")
            }
            for (byteIndex, byte) in bytes.enumerated() where byte != 0 {
                var b = byte
                while b != 0 {
                    let bit = b.trailingZeroBitCount
                    let i = byteIndex * 8 + bit
                    guard i < cellCount, out.count < count else {
                        throw V2XError(.malformedData, "bitmask sets more cells than announced or bits past the grid")
                    }
                    out.append(i)
                    b &= b - 1
                }
            }
        case .runs:
            var offset = 0
            var next = 0
            while offset < bytes.count {
                let gap = try Varint.read(bytes, at: &offset)
                let length = try Varint.read(bytes, at: &offset)
                // Checked before any arithmetic, so a hostile varint cannot overflow `next`.
                guard length >= 1, gap <= UInt64(cellCount), length <= UInt64(cellCount) else {
                    throw V2XError(.malformedData, "run gap \(gap) or length \(length) invalid")
                }
                let start = next + Int(gap)
                let end = start + Int(length)
                guard end <= cellCount, out.count + Int(length) <= count else {
                    throw V2XError(.malformedData, "runs go past the grid or past the announced count")
                }
                out.append(contentsOf: start..<end)
                next = end
            }
        }
        guard out.count == count else {
            throw V2XError(.malformedData, "positions list \(out.count) cells, message says \(count)")
        }
        return out
    }

    private static func encodeRuns(_ sorted: [Int]) -> [UInt8] {
        var out: [UInt8] = []
        var next = 0
        var i = 0
        while i < sorted.count {
            let start = sorted[i]
            var end = start + 1
            i += 1
            while i < sorted.count, sorted[i] == end { end += 1; i += 1 }
            Varint.append(UInt64(start - next), to: &out)
            Varint.append(UInt64(end - start), to: &out)
            next = end
        }
        return out
    }
}
