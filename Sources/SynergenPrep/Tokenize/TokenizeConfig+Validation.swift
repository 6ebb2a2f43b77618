extension TokenizeConfig {
    /// Checks, before any data is read, that the views and the fold fit together.
    public func validate() throws(TokenizeConfigError) {
        if tasks.isEmpty { throw .noTask }
        let s = views.generation.size
        if views.tiling.tileSize != s { throw .tileSideDiffers(tileSide: views.tiling.tileSize, generationSide: s) }
        do { try fold.check(gridRows: vq.gridRows, gridCols: vq.gridCols) } catch {
            throw .foldDoesNotFit(error, vqPreset: vq.preset, gridRows: vq.gridRows, gridCols: vq.gridCols, viewSide: s)
        }
        if vq.codebookSize > Int(UInt16.max) + 1 { throw .codebookTooLarge(codebookSize: vq.codebookSize) }
    }
}
