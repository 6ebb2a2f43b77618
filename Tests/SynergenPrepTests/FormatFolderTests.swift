import Foundation
import Testing
@testable import SynergenPrep

/// The format homes of `Shard/` (a tokenized folder, a packed folder, temporary files) and the
/// small steps of the pack and tokenize stages, each on its own.
@Suite struct FormatFolderTests {
    static func touch(_ folder: URL, _ names: [String]) throws {
        for n in names { try Data([1]).write(to: folder.appendingPathComponent(n)) }
    }

    static func names(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    @Test func temporaryFilesAreNamedAndClearedByOneRule() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(AtomicFile.temporaryPath(for: "/x/a.tok.zst") == "/x/a.tok.zst.tmp-\(AtomicFile.processTag)")
        #expect(AtomicFile.processTag.hasSuffix("-\(getpid())"))
        #expect(AtomicFile.isLeftover("a.tok.zst.tmp-12", of: "a.tok.zst") && !AtomicFile.isLeftover("ab.tok.zst.tmp-12", of: "a.tok.zst"))
        #expect(AtomicFile.isLeftover("index.json.tmp-3") && !AtomicFile.isLeftover("index.json"))
        try Self.touch(folder, ["a.tok.zst", "a.tok.zst.tmp-1", "a.stats.json.tmp-2", "b.tok.zst.tmp-3"])
        AtomicFile.removeLeftovers(in: folder.path, of: ["a.tok.zst", "a.stats.json"])
        #expect(try Self.names(folder) == ["a.tok.zst", "b.tok.zst.tmp-3"])
        AtomicFile.removeLeftovers(in: folder.path)
        #expect(try Self.names(folder) == ["a.tok.zst"])
    }

    @Test func aTokenizedFolderListsItsShardsByDoneMarker() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let tokenized = TokenizedFolder(folder.path)
        #expect(tokenized.paths(for: "s-1") == (folder.path + "/s-1.tok.zst", folder.path + "/s-1.stats.json"))
        // b: complete with its data; a: complete, data missing; c: incomplete.
        for (stem, complete) in [("b", true), ("a", true), ("c", false)] {
            var stats = ShardTokenizeStats(source: "\(stem).tar", output: "\(stem).tok.zst", configHash: "h", complete: complete)
            stats.shardError = complete ? nil : .init(reason: .missingShard, message: "gone")
            try tokenized.writeMarker(stats, for: stem)
        }
        try Self.touch(folder, ["b.tok.zst", "c.tok.zst", "b.tok.zst.tmp-9"])
        #expect(try tokenized.markerNames() == ["a.stats.json", "b.stats.json", "c.stats.json"])
        let shards = try tokenized.shards()
        #expect(shards.complete == [folder.path + "/b.tok.zst"] && shards.incomplete == ["a.stats.json", "c.stats.json"])
        #expect(try ShardTokenizeStats.load(path: tokenized.paths(for: "c").stats).shardError?.reason == .missingShard)
        #expect(tokenized.finishedMarker(for: "b", configHash: "h")?.output == "b.tok.zst")
        #expect(tokenized.finishedMarker(for: "b", configHash: "other") == nil)
        #expect(tokenized.finishedMarker(for: "a", configHash: "h") == nil && tokenized.finishedMarker(for: "c", configHash: "h") == nil)
        tokenized.removeLeftovers(of: "b")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/b.tok.zst.tmp-9"))
        try Data("{".utf8).write(to: folder.appendingPathComponent("d.stats.json"))
        #expect(throws: ShardFormatError.self) { try tokenized.markers() }
    }

    @Test func aPackedFolderNamesWritesAndClearsItsShards() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let packed = PackedFolder(folder.path)
        #expect(PackedFolder.shardName(group: 3, number: 12) == "pack-000003-000012.pack" && PackedFolder.isShardName("pack-000003-000012.pack"))
        #expect(PackedFolder.group(ofFile: "pack-000003-000012.pack") == 3 && PackedFolder.group(ofFile: "pack-000004.journal") == 4)
        #expect(!PackedFolder.isShardName("pack-000000.journal") && !PackedFolder.isShardName("index.json"))
        // Leftovers of this rank's groups go; another rank's (group 1) stay.
        try Self.touch(folder, ["index.json", "pack-000000-000000.pack.tmp-h-5", "pack-000001-000000.pack.tmp-h-6", "pack-000007-000000.pack"])
        try packed.prepareForWriting(groups: [0, 2])
        #expect(try Self.names(folder) == ["pack-000001-000000.pack.tmp-h-6", "pack-000007-000000.pack"] && !packed.isPacked)
        let sequences = [PackedSequence(sequenceLength: 8), PackedSequence(sequenceLength: 8)]
        let entry = try packed.writeShard(sequences, group: 0, number: 0)
        #expect(entry.file == "pack-000000-000000.pack" && entry.sequences == 2 && entry.bytes == packed.size(of: entry.file))
        #expect(try PackedShardReader(path: packed.path(of: entry.file)).sequence(1) == sequences[1])
        #expect(packed.check(entry, verify: true) == nil)
        try packed.removeStale { $0 == entry.file }
        #expect(try Self.names(folder) == ["pack-000000-000000.pack", "pack-000001-000000.pack.tmp-h-6"])
    }

    /// Three sequences, two per shard: two shards; a second batcher of the same run key keeps both.
    @Test func theShardBatcherWritesFullBatchesAndReusesWhatTheJournalHolds() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let packed = PackedFolder(folder.path)
        func batch() throws -> ShardBatcher {
            var batcher = try ShardBatcher(folder: packed, group: 0, journal: PackJournal(folder: folder.path, group: 0, runKey: "k"),
                                           sequencesPerShard: 2, failAfterWrites: nil)
            for _ in 0..<3 { try batcher.add(PackedSequence(sequenceLength: 4)) }
            try batcher.flush()
            return batcher
        }
        let first = try batch()
        #expect(first.shards.map(\.sequences) == [2, 1] && first.written == 2 && first.reused == 0)
        let second = try batch()
        #expect(second.shards == first.shards && second.written == 0 && second.reused == 2)
    }

    @Test func documentSelectionDropsTooLongAndCountsWhatTheMixSkips() throws {
        let (_, builder) = try PackTests.builder()
        var options = PackOptions()
        options.cfgDrop = 0
        try options.parseMix("gen=1,und=0")
        var selection = DocumentSelection(builder: builder, options: options)
        var dropped: [String: Int] = [:]
        let documents = selection.documents(from: PackTests.sample(), dropped: &dropped)
        #expect(documents.map(\.task) == [.gen] && dropped == ["mix-skipped": 1])
        options.sequenceLength = 10
        selection = DocumentSelection(builder: builder, options: options)
        dropped = [:]
        #expect(selection.documents(from: PackTests.sample(), dropped: &dropped).isEmpty && dropped == ["too-long": 2])
    }

    @Test func theTokenizeOutcomeIsTheExitRule() {
        var summary = TokenizeSummary()
        summary.shards = 1
        #expect(summary.outcome(maxErrorRate: 1) == .failed)
        summary.samplesIn = 10
        summary.sampleErrors = 3
        #expect(summary.outcome(maxErrorRate: 0.3) == .succeeded)
        #expect(summary.outcome(maxErrorRate: 0.2) == .tooManyBadSamples(bad: 3, read: 10))
        summary.failed = [("s", "broken")]
        #expect(summary.outcome(maxErrorRate: 1) == .failed)
    }

    /// The library names options by what they mean; flags are the CLI's to name.
    @Test func typedErrorsCarryWhatTheyAreAboutAndNameNoFlag() {
        var options = PackOptions()
        #expect(throws: PackError.mixUnknownTask("img")) { try options.parseMix("img=1") }
        #expect(throws: PackError.mixNotWeights("gen=-1")) { try options.parseMix("gen=-1") }
        #expect(throws: PackError.mixWithoutWeight) { try options.parseMix("gen=0,und=0") }
        let pack: [PackError] = [.mixNotWeights("x"), .mixUnknownTask("x"), .mixWithoutWeight, .noCompleteShards(folder: "f"),
                                 .shardsDisagree(shard: "a", first: "b"), .tokenizerDiffers(given: "1", shards: "2"),
                                 .stoppedForTest(afterShards: 1)]
        let fold = FoldError(fold: TokenFold(rows: 3, cols: 8), gridRows: 16, gridCols: 16)
        let tokenize: [TokenizeConfigError] = [.noTask, .tileSideDiffers(tileSide: 448, generationSide: 512),
                                               .foldDoesNotFit(fold, vqPreset: "emu3", gridRows: 16, gridCols: 16, viewSide: 128),
                                               .codebookTooLarge(codebookSize: 1 << 17),
                                               .sameOutputStem(stem: "s", first: "a/s.tar", second: "b/s.tar"),
                                               .gridCountDiffers(grids: 1, views: 2, key: "k")]
        for message in pack.map(\.description) + tokenize.map(\.description) + [PackedStats.Advice.tooLongDocuments(sequenceLength: 60).description] {
            #expect(!message.contains("--"), "\(message)")
        }
    }
}
