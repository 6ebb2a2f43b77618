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

/// One training document: a rendered chat sample, position by position.
///
/// Every array has one entry per position except `codes`, which holds `fold.rows · fold.cols`
/// codes for every image position, in position order (folded order inside each image).
public struct PackDocument: Sendable, Equatable {
    public var task: PackTask
    /// Webdataset key of the sample it was made from.
    public var key: String
    public var ids: [Int32]
    public var modality: [UInt8]
    public var loss: [UInt8]
    public var codes: [UInt16]
    public var images: [PackImage]

    public init(task: PackTask, key: String, ids: [Int32] = [], modality: [UInt8] = [], loss: [UInt8] = [],
                codes: [UInt16] = [], images: [PackImage] = []) {
        self.task = task; self.key = key; self.ids = ids; self.modality = modality
        self.loss = loss; self.codes = codes; self.images = images
    }

    /// Positions the document takes in a sequence.
    public var length: Int { ids.count }

    mutating func text(_ values: [Int32], loss carries: Bool) {
        ids.append(contentsOf: values)
        modality.append(contentsOf: repeatElement(PackModality.text.rawValue, count: values.count))
        loss.append(contentsOf: repeatElement(carries ? 1 : 0, count: values.count))
    }

    mutating func image(_ view: TokenizedView, placeholder: Int32, loss carries: Bool) {
        let n = view.fold.positions(gridRows: view.gridRows, gridCols: view.gridCols)
        images.append(PackImage(role: view.role, gridRows: view.gridRows, gridCols: view.gridCols, fold: view.fold,
                                start: ids.count, positions: n))
        ids.append(contentsOf: repeatElement(placeholder, count: n))
        modality.append(contentsOf: repeatElement(PackModality.image.rawValue, count: n))
        loss.append(contentsOf: repeatElement(carries ? 1 : 0, count: n))
        codes.append(contentsOf: view.codes)
    }
}

/// How the views of one understanding image are delimited.
public enum ViewDelimiting: String, Codable, Sendable, CaseIterable {
    /// `<boi>tile<eoi><boi>tile<eoi>…<boi>thumbnail<eoi>` (default).
    case perView = "per-view"
    /// `<boi>tile tile … thumbnail<eoi>`.
    case together
}

/// Turns tokenized samples into documents with the chat template.
///
/// Loss: understanding documents carry loss on the caption and its `<|im_end|>` (the template's
/// flags); generation documents carry loss on the image positions and `<eoi>` only — `<boi>` and
/// the `<|im_end|>` after `<eoi>` are forced at inference and carry none. The final `\n` of every
/// document carries none.
public struct DocumentBuilder: Sendable {
    public let template: ChatTemplate
    /// The id every image position carries (one past the last image marker id).
    public let imagePlaceholder: Int32
    public let delimiting: ViewDelimiting

    public init(template: ChatTemplate, delimiting: ViewDelimiting = .perView) {
        self.template = template
        self.imagePlaceholder = Int32(template.imageTokens.vocabularySize)
        self.delimiting = delimiting
    }

    /// True when the sample has the views a task needs.
    public static func canMake(_ task: PackTask, from sample: TokenizedSample) -> Bool {
        switch task {
        case .und: return sample.views.contains { $0.role != .generation }
        case .gen, .uncond: return sample.views.contains { $0.role == .generation }
        }
    }

    /// The document of `task` for `sample`, or nil when the sample lacks the views.
    public func document(_ task: PackTask, from sample: TokenizedSample) -> PackDocument? {
        guard Self.canMake(task, from: sample) else { return nil }
        let layout: SampleLayout
        let views: [TokenizedView]
        switch task {
        case .und: layout = .understanding(caption: sample.caption); views = sample.views.filter { $0.role != .generation }
        case .gen: layout = .generation(caption: sample.caption); views = sample.views.filter { $0.role == .generation }
        case .uncond: layout = .unconditional; views = sample.views.filter { $0.role == .generation }
        }
        let map = template.imageTokens
        let segments = template.render(layout)
        var doc = PackDocument(task: task, key: sample.key)
        let generation = task != .und
        var afterImage = false
        for seg in segments {
            switch seg.segment {
            case .text(var values):
                if generation && afterImage {
                    // `<eoi>` keeps its loss; what follows (`<|im_end|>`, `\n`) carries none.
                    if values.first == map.eoi {
                        doc.text([map.eoi], loss: true)
                        values.removeFirst()
                    }
                    doc.text(values, loss: false)
                } else if generation && seg.carriesLoss {
                    // The `<boi>` that opens the answer carries no loss.
                    doc.text(values, loss: false)
                } else {
                    doc.text(values, loss: seg.carriesLoss)
                }
            case .image:
                afterImage = true
                for (i, view) in views.enumerated() {
                    if i > 0 && delimiting == .perView { doc.text([map.eoi, map.boi], loss: false) }
                    doc.image(view, placeholder: imagePlaceholder, loss: seg.carriesLoss)
                }
            }
        }
        return doc
    }
}
