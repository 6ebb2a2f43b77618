import Foundation
import Testing
@testable import SynergenPrep

/// `pack`, `show` and `stats` on a packed folder, as a user runs them: the real binary on a
/// 12-sample demo corpus tokenized at 64 px with a tiny seeded encoder.
@Suite(.serialized) struct PackCLITests {
    @Test func packShowStatsDeterminismAndTheTokenizerCheck() throws {
        let s = try TokenizeCLITests.setup()
        defer { try? FileManager.default.removeItem(at: s.folder) }
        let tokenized = s.folder.appendingPathComponent("tok").path
        var (code, out, err) = try Fixtures.run(s.tokenizeArguments(out: tokenized))
        #expect(code == 0, "\(err)")

        func pack(_ out: String, _ extra: [String] = []) throws -> (Int32, String, String) {
            try Fixtures.run(["pack", tokenized, "--seq", "300", "--out", out, "--tokenizer", s.tokenizer, "--seed", "3",
                              "--sequences-per-shard", "3"] + extra)
        }
        let a = s.folder.appendingPathComponent("a").path, b = s.folder.appendingPathComponent("b").path
        (code, out, err) = try pack(a)
        #expect(code == 0, "\(out)\(err)")
        #expect(out.contains("fill:"), "\(out)")
        #expect(try pack(b).0 == 0)
        // Same input + seed ⇒ same bytes (rank records aside: they hold the clock).
        let files = try ClusterTests.files(a)
        #expect(files["index.json"] != nil && files.keys.filter { $0.hasSuffix(".pack") }.count >= 2)
        #expect(try ClusterTests.files(b) == files)

        // Every sequence: documents whole, positions restart, fill measured = fill reported.
        let data = try PackedDataset(folder: a)
        var used = 0, docs = 0
        let fold = data.index.config.fold
        for i in 0..<data.count {
            let q = try data.sequence(i)
            #expect(q.used <= 300)
            used += q.used
            docs += q.documents.count
            for d in q.documents {
                #expect(q.positionIDs[d.start..<(d.start + d.length)].elementsEqual(0..<Int32(d.length)))
            }
            #expect(q.codes.count == q.modality.filter { $0 == 1 }.count * fold.codesPerPosition)
            #expect(q.images.allSatisfy { $0.positions == ($0.gridRows / fold.rows) * ($0.gridCols / fold.cols) })
        }
        #expect(docs == data.index.totals.documents)
        let (sc, json, _) = try Fixtures.run(["stats", a, "--json", "--verify"])
        #expect(sc == 0)
        let stats = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        #expect(stats["sequences"] as? Int == data.count && stats["documents"] as? Int == docs)
        #expect(abs((stats["fill"] as? Double ?? 0) - Double(used) / Double(300 * data.count)) < 1e-12)
        #expect(stats["pad_positions"] as? Int == 300 * data.count - used)
        #expect(stats["dropped"] is [String: Int])

        let png = s.folder.appendingPathComponent("plot.png")
        #expect(try Fixtures.run(["stats", a, "--plot", png.path]).0 == 0)
        #expect(try Fixtures.bytes(png).prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // The plot decodes (libpng wrote it) to 640×400 white with the black axis of the histogram.
        let plot = try ImageDecoder().decode(Fixtures.bytes(png)).image
        #expect(plot.width == 640 && plot.height == 400)
        #expect(plot.pixels.prefix(3) == [255, 255, 255])
        #expect(plot.pixels[((220 * 640) + 100) * 3..<((220 * 640) + 101) * 3] == [0, 0, 0])

        // show
        let (showCode, listing, showErr) = try Fixtures.run(["show", a, "--seq", "0", "--tokenizer", s.tokenizer])
        #expect(showCode == 0, "\(showErr)")
        #expect(listing.contains("[image 16×16 codes / 16 positions") && listing.contains("── document 0") && listing.contains("⟦"), "\(listing)")
        // A sequence number outside the folder is refused before any work, with --json too.
        for extra in [[], ["--json"]] {
            let (badCode, _, badErr) = try Fixtures.run(["show", a, "--seq", "99999", "--tokenizer", s.tokenizer] + extra)
            #expect(badCode == 2 && badErr.contains("--seq 99999: the folder holds"), "\(badErr)")
        }

        // A tokenizer other than the shards' is refused.
        let other = s.folder.appendingPathComponent("other.json").path
        try (String(contentsOfFile: s.tokenizer, encoding: .utf8) + "\n").write(toFile: other, atomically: true, encoding: .utf8)
        (code, _, err) = try Fixtures.run(["pack", tokenized, "--seq", "300", "--out", s.folder.appendingPathComponent("c").path, "--tokenizer", other])
        #expect(code == 2 && err.contains("SHA-256"), "\(err)")

        // Too short a sequence: documents dropped and counted with the advice.
        (code, out, _) = try pack(s.folder.appendingPathComponent("d").path, ["--seq", "60"])
        #expect(out.contains("too-long") && out.contains("smaller tiling preset"), "\(out)")
    }

    /// A run stopped after some shards (as a kill would stop it; a journal line cut short too), then
    /// re-run: the finished shards are kept, not rewritten, and the folder is byte-identical to an
    /// uninterrupted run. A missing shard is written again; other options reuse nothing.
    @Test func stoppedPackResumesKeepingFinishedShards() throws {
        let s = try TokenizeCLITests.setup()
        defer { try? FileManager.default.removeItem(at: s.folder) }
        let tokenized = s.folder.appendingPathComponent("tok").path
        var (code, out, err) = try Fixtures.run(s.tokenizeArguments(out: tokenized))
        #expect(code == 0, "\(err)")
        func pack(_ out: String, seed: Int = 3) throws -> (Int32, String, String) {
            try Fixtures.run(["pack", tokenized, "--seq", "300", "--out", out, "--tokenizer", s.tokenizer, "--seed", "\(seed)",
                              "--sequences-per-shard", "1"])
        }
        func files(_ folder: String) throws -> [String: [UInt8]] {
            var result: [String: [UInt8]] = [:]
            for n in try FileManager.default.contentsOfDirectory(atPath: folder) where n != RankRecord.folderName {
                result[n] = try Fixtures.bytes(URL(fileURLWithPath: folder + "/" + n))
            }
            return result
        }
        func inode(_ path: String) throws -> Int { (try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int) ?? -1 }

        let whole = s.folder.appendingPathComponent("whole").path
        #expect(try pack(whole).0 == 0)
        let expected = try files(whole)
        let shardCount = expected.keys.filter { $0.hasSuffix(".pack") }.count
        #expect(shardCount >= 4 && expected["pack-000000.journal"] != nil, "\(shardCount) shards")

        let stopped = s.folder.appendingPathComponent("stopped").path
        var options = PackOptions()
        options.sequenceLength = 300
        options.seed = 3
        options.sequencesPerShard = 1
        let tokenizer = try Tokenizer(contentsOf: URL(fileURLWithPath: s.tokenizer))
        var run = PackRun(input: tokenized, output: stopped, options: options, tokenizer: tokenizer,
                          tokenizerSHA256: try SHA256.hex(file: s.tokenizer))
        // A signal before the first sample: nothing written, the rank record says interrupted.
        var interrupted = run
        interrupted.interruption = Interruption()
        interrupted.interruption!.interrupt(by: SIGTERM)
        #expect(throws: Interrupted(signal: SIGTERM)) { try interrupted.run() }
        #expect(RankRecord.all(in: stopped, stage: "pack").first?.status == .interrupted)
        let left = try FileManager.default.contentsOfDirectory(atPath: stopped)
        #expect(!left.contains { $0.hasSuffix(".pack") || $0.hasSuffix(".group.json") || $0 == "index.json" || AtomicFile.isLeftover($0) }, "\(left)")
        run.failAfterWrites = 2
        #expect(throws: PackError.self) { try run.run() }
        #expect(!FileManager.default.fileExists(atPath: stopped + "/index.json"))
        // A kill in the middle of appending the third entry.
        let journal = try FileHandle(forWritingTo: URL(fileURLWithPath: stopped + "/pack-000000.journal"))
        journal.seekToEndOfFile()
        journal.write(Data("{\"bytes\":12,\"docu".utf8))
        try journal.close()
        let before = try (0..<2).map { try inode(stopped + String(format: "/pack-000000-%06d.pack", $0)) }

        (code, out, err) = try pack(stopped)
        #expect(code == 0, "\(err)")
        #expect(out.contains("reused 2 of \(shardCount) packed shards"), "\(out)")
        #expect(try (0..<2).map { try inode(stopped + String(format: "/pack-000000-%06d.pack", $0)) } == before)
        #expect(try files(stopped) == expected)

        // Run again: the finished group is kept whole. Lose a shard: the group is packed again, the
        // journal keeps the shards before the lost one, and it and the ones after are written again.
        (code, out, _) = try pack(stopped)
        #expect(code == 0 && out.contains("kept 1 pack group(s)") && !out.contains("reused"), "\(out)")
        try FileManager.default.removeItem(atPath: stopped + "/pack-000000-000001.pack")
        (code, out, _) = try pack(stopped)
        #expect(code == 0 && out.contains("reused 1 of \(shardCount)"), "\(out)")
        #expect(try files(stopped) == expected)

        // Other options: nothing is reused, and the result is that of a fresh run.
        (code, out, _) = try pack(stopped, seed: 4)
        #expect(code == 0 && !out.contains("reused"), "\(out)")
        let fresh = s.folder.appendingPathComponent("fresh").path
        #expect(try pack(fresh, seed: 4).0 == 0)
        #expect(try files(stopped) == files(fresh))
    }
}
