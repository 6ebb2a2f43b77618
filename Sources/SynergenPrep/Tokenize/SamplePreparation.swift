/// One sample made ready for the VQ: its text tokenized and its views as one model batch.
struct PreparedSample: Sendable {
    var key: String
    var ordinal: Int
    var originalSize: ImageSize
    var imageSHA256: [UInt8]
    var caption: String
    var captionIDs: [Int32]
    /// Roles of the views, in batch order.
    var roles: [ViewRole]
    /// `[roles.count, 3, S, S]`.
    var batch: ModelTensor
}

/// The CPU work before the VQ for one sample: pick image and caption, decode, cut the views the
/// tasks need, tokenize the caption, lay the views out as one float batch.
struct SamplePreparation {
    let config: TokenizeConfig
    let tokenizer: Tokenizer
    let decoder = ImageDecoder()
    var scratch = ResampleScratch()

    init(config: TokenizeConfig, tokenizer: Tokenizer) {
        self.config = config
        self.tokenizer = tokenizer
    }

    mutating func prepare(_ sample: RawSample) throws(SampleRejection) -> PreparedSample {
        let content = try SampleContent(sample)
        let decoding = ViewDecoding(options: config.views, decodeOptions: DecodeOptions(maxPixels: config.maxPixels),
                                    dctDownscale: config.dctDownscale)
        let decoded: DecodedImage, views: ImageViews
        do {
            (decoded, views) = try decoding.views(of: content.imageBytes, decoder: decoder, scratch: &scratch)
        } catch let error as ImageDecodeError {
            throw SampleRejection(key: sample.key, reason: error.reason, message: error.message)
        } catch {
            throw SampleRejection(key: sample.key, reason: .corrupt, message: "\(error)")
        }
        var images: [RGBImage] = []
        var roles: [ViewRole] = []
        if config.tasks.contains(.gen) {
            images.append(views.generation)
            roles.append(.generation)
        }
        if config.tasks.contains(.und) {
            let cols = views.plan.grid.cols
            for (i, tile) in views.tiles.enumerated() {
                images.append(tile)
                roles.append(.tile(row: i / cols, col: i % cols))
            }
            if let thumbnail = views.thumbnail {
                images.append(thumbnail)
                roles.append(.thumbnail)
            }
        }
        let batch: ModelTensor
        do { batch = try ModelTensor(batch: images) } catch {
            throw SampleRejection(key: sample.key, reason: .corrupt, message: "\(error)")
        }
        return PreparedSample(key: sample.key, ordinal: sample.ordinal, originalSize: decoded.originalSize,
                              imageSHA256: SHA256.hash(content.imageBytes), caption: content.caption,
                              captionIDs: tokenizer.encode(content.caption, parseSpecial: false),
                              roles: roles, batch: batch)
    }
}
