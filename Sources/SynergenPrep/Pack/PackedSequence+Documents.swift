extension PackedSequence {
    /// Concatenates documents (they must fit).
    public init(sequenceLength: Int, documents docs: [PackDocument]) {
        self.sequenceLength = sequenceLength
        for d in docs {
            let start = ids.count
            documents.append(PackedDocumentEntry(task: d.task, key: d.key, start: start, length: d.length,
                                                 firstImage: images.count, imageCount: d.images.count))
            ids += d.ids
            modality += d.modality
            loss += d.loss
            positionIDs += (0..<Int32(d.length)).map { $0 }
            codes += d.codes
            images += d.images.map { var i = $0; i.start += start; return i }
        }
    }
}
