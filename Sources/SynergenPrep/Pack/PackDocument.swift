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
