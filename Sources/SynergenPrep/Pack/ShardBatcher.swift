/// Cuts the stream of one pack group's sequences into shards of `sequencesPerShard` and writes each
/// shard — or keeps the file an earlier run of the same key wrote, when its journal entry still
/// holds (`PackJournal`). After the first shard that does not match, nothing of the earlier run is
/// trusted. Every shard, written or kept, then goes to `afterShard` (the `--after-shard` command).
struct ShardBatcher {
    let folder: PackedFolder
    let group: Int
    let journal: PackJournal
    let sequencesPerShard: Int
    /// Tests: fail after writing this many new shards, as a run killed there would stop.
    let failAfterWrites: Int?
    var afterShard: (PackShardEntry) throws -> Void = { _ in }
    /// The shards so far, in order.
    private(set) var shards: [PackShardEntry] = []
    /// Shards kept from the earlier run, and shards written by this one.
    private(set) var reused = 0
    private(set) var written = 0
    /// Journal entries of the earlier run this one may still reuse.
    private var trusted: Int
    private var batch: [PackedSequence] = []

    /// Starts the journal of this run, keeping the earlier run's entries while they hold.
    init(folder: PackedFolder, group: Int, journal: PackJournal, sequencesPerShard: Int, failAfterWrites: Int?) throws {
        self.folder = folder
        self.group = group
        self.journal = journal
        self.sequencesPerShard = sequencesPerShard
        self.failAfterWrites = failAfterWrites
        try journal.start(keeping: journal.finished.count)
        trusted = journal.finished.count
    }

    /// Adds one sequence; a full batch becomes a shard.
    mutating func add(_ sequence: PackedSequence) throws {
        batch.append(sequence)
        if batch.count >= sequencesPerShard { try flush() }
    }

    /// Makes the sequences added since the last shard a shard (nothing when there are none).
    mutating func flush() throws {
        if batch.isEmpty { return }
        let number = shards.count
        defer { batch = [] }
        if number < trusted {
            let documents = batch.reduce(0) { $0 + $1.documents.count }
            if let entry = journal.reusable(index: number, file: PackedFolder.shardName(group: group, number: number),
                                            sequences: batch.count, documents: documents, folder: folder.path) {
                try afterShard(entry)
                shards.append(entry)
                reused += 1
                return
            }
            // Not what the earlier run wrote (a file went missing or changed): trust nothing after it.
            try journal.start(keeping: number)
            trusted = number
        }
        let entry = try folder.writeShard(batch, group: group, number: number)
        try journal.append(entry)
        try afterShard(entry)
        shards.append(entry)
        written += 1
        if let limit = failAfterWrites, written >= limit { throw PackError.stoppedForTest(afterShards: written) }
    }
}
