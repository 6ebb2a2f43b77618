/// Reads one shard into samples: tar members (libarchive) → webdataset grouping.
///
/// Samples are handed to `body` as they complete, so memory holds one sample at a time.
/// A shard that breaks off keeps every complete sample before the cut; the sample that was
/// being read at the cut is dropped (it may be missing members) and the failure is returned.
public struct ShardReader: Sendable {
    /// Members larger than this are not read into memory; their sample is rejected as `too-large`.
    public var maxMemberBytes: Int

    public init(maxMemberBytes: Int = 256 << 20) {
        self.maxMemberBytes = maxMemberBytes
    }

    /// Reads `location`, calling `body` for every sample or rejection; returns the shard-level
    /// failure, if any (missing, unreadable, truncated, failed pipe).
    public func read(_ location: ShardLocation, _ body: (SampleGrouper.Event) throws -> Void) rethrows -> ShardFailure? {
        let tar: TarReader
        do { tar = try TarReader(location) } catch { return error }
        var grouper = SampleGrouper()
        var first = true
        while true {
            let member: TarMember?
            do {
                member = try tar.next(maxBytes: maxMemberBytes, isFirst: first)
            } catch {
                // The sample in progress may be incomplete: drop it rather than guess.
                let pipeFailure = tar.finish()
                return pipeFailure ?? error
            }
            guard let member else { break }
            first = false
            if let event = grouper.add(path: member.path, bytes: member.bytes, size: member.size) { try body(event) }
        }
        if let event = grouper.flush() { try body(event) }
        return tar.finish()
    }
}
