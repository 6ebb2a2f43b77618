extension VQEncoder: CodeGridEncoder {
    public func gridSize(imageSize: Int) -> (rows: Int, cols: Int) { gridSize(height: imageSize, width: imageSize) }

    public var codebookSize: Int { config.codebookSize }

    public func codeGrids(for batch: ModelTensor) throws -> [[UInt16]] {
        try encode(batch).codes.map { grid in grid.map { UInt16(truncatingIfNeeded: $0) } }
    }
}
