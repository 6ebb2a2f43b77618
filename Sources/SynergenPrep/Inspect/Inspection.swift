import Foundation

/// What `inspect` found in one shard, or in all of them: samples, extensions, image sizes and
/// errors by reason. Reading bad samples is a finding, not a failure.
public struct InspectionSummary: Sendable {
    /// The shard path (or "total").
    public var path: String
    /// Samples grouped from the tar members, bad ones included.
    public var samples = 0
    /// Samples with a decodable image and a caption.
    public var ok = 0
    public var errors = ErrorTally()
    /// Member extension → count.
    public var extensions: [String: Int] = [:]
    /// Image format → count of decoded images.
    public var formats: [String: Int] = [:]
    public var widths = SizeHistogram()
    public var heights = SizeHistogram()
    /// Shards merged into this summary.
    public var shards = 0
    /// Shards that could not be read completely.
    public var failedShards = 0

    public init(path: String) { self.path = path }

    public mutating func merge(_ other: InspectionSummary) {
        samples += other.samples
        ok += other.ok
        errors.merge(other.errors)
        extensions.merge(other.extensions, uniquingKeysWith: +)
        formats.merge(other.formats, uniquingKeysWith: +)
        widths.merge(other.widths)
        heights.merge(other.heights)
        shards += other.shards
        failedShards += other.failedShards
    }
}

/// Reads every shard of a manifest, decodes every image, and summarises per shard and in total.
public struct Inspection: Sendable {
    public var decodeOptions: DecodeOptions
    public var reader: ShardReader
    public var workers: Int

    public init(decodeOptions: DecodeOptions = DecodeOptions(), reader: ShardReader = ShardReader(),
                workers: Int = AvailableCores.count()) {
        self.decodeOptions = decodeOptions
        self.reader = reader
        self.workers = workers
    }

    /// Inspects all shards (in parallel across shards); returns per-shard summaries in manifest
    /// order and the total.
    public func run(_ shards: [ShardLocation], progress: ProgressReporter? = nil) -> (shards: [InspectionSummary], total: InspectionSummary) {
        let perShard = WorkerPool.map(count: shards.count, workers: workers) { index in
            let summary = inspect(shards[index], progress: progress)
            progress?.add(shards: 1)
            return summary
        }
        var total = InspectionSummary(path: "total")
        for summary in perShard { total.merge(summary) }
        return (perShard, total)
    }

    /// Inspects one shard.
    public func inspect(_ location: ShardLocation, progress: ProgressReporter? = nil) -> InspectionSummary {
        var summary = InspectionSummary(path: location.description)
        summary.shards = 1
        let decoder = ImageDecoder()
        let failure = reader.read(location) { event in
            summary.samples += 1
            var failed = true
            defer { progress?.add(samples: 1, errors: failed ? 1 : 0) }
            switch event {
            case .rejected(let rejection):
                summary.errors.add(rejection.reason, example: rejection.key)
            case .sample(let sample):
                for member in sample.members { summary.extensions[member.ext, default: 0] += 1 }
                do {
                    let content = try SampleContent(sample)
                    let decoded = try decoder.decode(content.imageBytes, options: decodeOptions)
                    summary.ok += 1
                    failed = false
                    summary.formats[decoded.format == .png ? "png" : "jpeg", default: 0] += 1
                    summary.widths.add(decoded.originalSize.width)
                    summary.heights.add(decoded.originalSize.height)
                } catch let rejection as SampleRejection {
                    summary.errors.add(rejection.reason, example: rejection.key)
                } catch let error as ImageDecodeError {
                    summary.errors.add(error.reason, example: sample.key)
                } catch {
                    summary.errors.add(.corrupt, example: sample.key)
                }
            }
        }
        if let failure {
            summary.failedShards = 1
            summary.errors.add(failure.reason, example: "\(failure.shard): \(failure.message)")
            progress?.add(errors: 1)
        }
        return summary
    }
}
