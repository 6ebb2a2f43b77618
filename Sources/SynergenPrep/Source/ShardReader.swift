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
            let header: (path: String, size: Int)?
            do { header = try tar.nextHeader(isFirst: first) } catch {
                // The sample in progress may be incomplete: drop it rather than guess.
                return tar.finish() ?? error
            }
            guard let (path, size) = header else { break }
            first = false
            // A new key completes the previous sample before this member's data is read, so a cut
            // inside this member still keeps every earlier sample.
            let (completed, accepted) = grouper.begin(path: path)
            if let completed { try body(completed) }
            let bytes: [UInt8]?
            do { bytes = try tar.readData(path: path, size: size, maxBytes: maxMemberBytes, skip: !accepted) } catch {
                return tar.finish() ?? error
            }
            if accepted { grouper.add(bytes: bytes, size: size) }
        }
        if let event = grouper.flush() { try body(event) }
        return tar.finish()
    }
}
