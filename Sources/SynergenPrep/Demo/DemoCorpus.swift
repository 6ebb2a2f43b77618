import Foundation

/// Writes the demo WebDataset corpus: procedural images (JPEG and PNG, varied sizes and aspect
/// ratios) with captions that describe them, `perShard` samples per tar shard. Deterministic:
/// the same seed and counts give byte-identical shards.
public struct DemoCorpus: Sendable {
    public var samples: Int
    public var perShard: Int
    public var seed: UInt64

    public init(samples: Int = 64, perShard: Int = 16, seed: UInt64 = 0) {
        self.samples = samples
        self.perShard = perShard
        self.seed = seed
    }

    public var shardCount: Int { (samples + perShard - 1) / perShard }

    /// The shard file name for index `i`.
    public static func shardName(_ i: Int) -> String { "demo-" + String(format: "%06d", i) + ".tar" }

    /// The manifest line that lists every shard, relative to the output folder.
    public var manifestPattern: String {
        shardCount == 1 ? Self.shardName(0)
            : "demo-{000000..\(String(format: "%06d", shardCount - 1))}.tar"
    }

    /// One sample: key, image file extension, image bytes and caption.
    public struct Sample {
        public var key: String
        public var ext: String
        public var image: [UInt8]
        public var caption: String
        public var size: ImageSize
    }

    /// Builds sample `index` (independent of the others, so shards can be written in parallel).
    public func sample(_ index: Int, jpeg: TurboJPEG) throws -> Sample {
        var rng = SeededGenerator(seed: seed &* 0x2545_F491_4F6C_DD1D &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        let scene = DemoScene.random(using: &rng)
        let image = scene.render()
        let key = String(format: "%08d", index)
        if rng.unit() < 0.6 {
            let quality = rng.int(in: 80...95)
            let subsampling: TurboJPEG.Subsampling = rng.unit() < 0.7 ? .s420 : .s444
            let progressive = rng.unit() < 0.25
            let bytes = try image.pixels.withUnsafeBufferPointer {
                try jpeg.encode($0, width: image.width, height: image.height, channels: 3, quality: quality,
                                subsampling: subsampling, progressive: progressive)
            }
            return Sample(key: key, ext: "jpg", image: bytes, caption: scene.caption, size: scene.size)
        }
        return Sample(key: key, ext: "png", image: try PNG.encode(image), caption: scene.caption, size: scene.size)
    }

    /// Writes every shard into `folder` (created if needed); returns the shard paths.
    @discardableResult
    public func write(to folder: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let paths = (0..<shardCount).map { (folder as NSString).appendingPathComponent(Self.shardName($0)) }
        let errors = ErrorList()
        DispatchQueue.concurrentPerform(iterations: shardCount) { shard in
            do { try writeShard(shard, to: paths[shard]) } catch { errors.append(error) }
        }
        if let first = errors.first { throw first }
        return paths
    }

    private func writeShard(_ shard: Int, to path: String) throws {
        let jpeg = TurboJPEG()
        let tar = try TarWriter(path: path)
        for index in (shard * perShard)..<min(samples, (shard + 1) * perShard) {
            let s = try sample(index, jpeg: jpeg)
            try tar.add(name: "\(s.key).\(s.ext)", bytes: s.image)
            try tar.add(name: "\(s.key).txt", bytes: Array(s.caption.utf8))
            let meta = "{\"key\":\"\(s.key)\",\"width\":\(s.size.width),\"height\":\(s.size.height)}"
            try tar.add(name: "\(s.key).json", bytes: Array(meta.utf8))
        }
        try tar.finish()
    }
}

/// Errors collected from concurrent work.
final class ErrorList: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [any Error] = []
    func append(_ error: any Error) { lock.withLock { errors.append(error) } }
    var first: (any Error)? { lock.withLock { errors.first } }
}
