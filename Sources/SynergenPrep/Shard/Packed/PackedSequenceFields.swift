// The per-document, per-position and per-image vocabulary of a packed sequence record
// (FORMAT.md, "Packed shards"): the task byte, the modality byte and the image table entry.

/// The task of one packed document.
public enum PackTask: UInt8, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// Image → text: the image views, the instruction, the caption as the answer.
    case und = 0
    /// Text → image: the caption prompt, then `<boi>` image positions `<eoi>` as the answer.
    case gen = 1
    /// Text → image with the prompt replaced by the unconditional one (classifier-free guidance drop).
    case uncond = 2

    public var description: String {
        switch self { case .und: return "und"; case .gen: return "gen"; case .uncond: return "uncond" }
    }

    /// "gen" for both generation kinds: the mixing share counts them together.
    public var mixGroup: String { self == .und ? "und" : "gen" }
}

/// Modality of one position: the trainer routes text to the text expert, images to the vision expert.
public enum PackModality: UInt8, Sendable {
    case text = 0
    case image = 1
}

/// One image inside a document: where its positions are and what it shows.
public struct PackImage: Sendable, Equatable {
    public var role: ViewRole
    public var gridRows: Int
    public var gridCols: Int
    public var fold: TokenFold
    /// First position of the image, relative to its document (or sequence, once packed).
    public var start: Int
    /// LLM positions of the image: (gridRows / fold.rows) · (gridCols / fold.cols).
    public var positions: Int

    public init(role: ViewRole, gridRows: Int, gridCols: Int, fold: TokenFold, start: Int, positions: Int) {
        self.role = role; self.gridRows = gridRows; self.gridCols = gridCols
        self.fold = fold; self.start = start; self.positions = positions
    }
}

