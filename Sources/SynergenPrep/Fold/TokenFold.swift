/// How a code grid becomes LLM positions in SynerGen-VL: the grid is cut into blocks of
/// `rows` × `cols` codes (2×8 by default, 2×4 in the paper's ablation); blocks go in raster
/// order and the codes of one block row-major inside it, so each consecutive run of
/// `rows·cols` codes is one LLM position (the same order as InternVL's `pixel_shuffle`).
public struct TokenFold: Sendable, Hashable, Codable, CustomStringConvertible {
    public var rows: Int
    public var cols: Int

    public static let standard = TokenFold(rows: 2, cols: 8)

    public init(rows: Int, cols: Int) {
        self.rows = rows
        self.cols = cols
    }

    /// Parses "2x8" (rows x cols).
    public init?(parsing text: String) {
        let parts = text.lowercased().split(separator: "x")
        guard parts.count == 2, let r = Int(parts[0]), let c = Int(parts[1]), r >= 1, c >= 1 else { return nil }
        self.init(rows: r, cols: c)
    }

    public var description: String { "\(rows)x\(cols)" }

    /// Codes per LLM position.
    public var codesPerPosition: Int { rows * cols }

    /// Checks that a `gridRows` × `gridCols` code grid divides into blocks.
    public func check(gridRows: Int, gridCols: Int) throws(FoldError) {
        guard gridRows % rows == 0, gridCols % cols == 0 else {
            throw FoldError(fold: self, gridRows: gridRows, gridCols: gridCols)
        }
    }

    /// LLM positions of a grid.
    public func positions(gridRows: Int, gridCols: Int) -> Int { (gridRows / rows) * (gridCols / cols) }

    /// For each folded position, the row-major index of the code that goes there.
    public func order(gridRows: Int, gridCols: Int) throws(FoldError) -> [Int] {
        try check(gridRows: gridRows, gridCols: gridCols)
        var order: [Int] = []
        order.reserveCapacity(gridRows * gridCols)
        for blockRow in stride(from: 0, to: gridRows, by: rows) {
            for blockCol in stride(from: 0, to: gridCols, by: cols) {
                for r in 0..<rows {
                    let base = (blockRow + r) * gridCols + blockCol
                    for c in 0..<cols { order.append(base + c) }
                }
            }
        }
        return order
    }

    /// Row-major codes → folded order.
    public func fold(_ codes: [UInt16], gridRows: Int, gridCols: Int) throws(FoldError) -> [UInt16] {
        precondition(codes.count == gridRows * gridCols)
        return try order(gridRows: gridRows, gridCols: gridCols).map { codes[$0] }
    }

    /// Folded order → row-major codes (the 2-D layout the trainer restores).
    public func unfold(_ folded: [UInt16], gridRows: Int, gridCols: Int) throws(FoldError) -> [UInt16] {
        precondition(folded.count == gridRows * gridCols)
        var out = [UInt16](repeating: 0, count: folded.count)
        for (i, index) in try order(gridRows: gridRows, gridCols: gridCols).enumerated() { out[index] = folded[i] }
        return out
    }
}

/// A code grid that does not divide into the fold's blocks.
public struct FoldError: Error, Equatable, CustomStringConvertible {
    public var fold: TokenFold
    public var gridRows: Int
    public var gridCols: Int
    public var description: String {
        "a \(gridRows)x\(gridCols) code grid does not divide into \(fold) (rows x cols) blocks"
    }
}
