import Foundation
import Testing
@testable import SynergenPrep

/// `tokenize`, `vq encode` and `stats` as a user runs them: the real binary on a demo corpus with
/// a tiny seeded Emu3-family encoder (the real encoders' numerics are tested against PyTorch elsewhere).
@Suite(.serialized) struct TokenizeCLITests {
    struct Setup {
        let folder: URL
        let manifest: String
        let weights: String
        let tokenizer: String

        func tokenizeArguments(out: String) -> [String] {
            ["tokenize", manifest, "--vq-weights", weights, "--size", "64", "--tokenizer", tokenizer, "--out", out]
        }
    }

    /// A demo corpus of `shards` shards of `perShard` samples, a tiny encoder and the Qwen tokenizer.
    static func setup(shards: Int = 3, perShard: Int = 4) throws -> Setup {
        let folder = try Fixtures.temporaryFolder()
        let tokenizer = try Fixtures.folder("text").appendingPathComponent("qwen/tokenizer.json").path
        var (code, out, err) = try Fixtures.run(["demo-data", "--out", folder.appendingPathComponent("in").path, "--samples", "\(shards * perShard)",
                                                 "--per-shard", "\(perShard)"])
        #expect(code == 0, "\(out)\(err)")
        let weights = folder.appendingPathComponent("models/tiny.safetensors").path  // vq init creates the folder
        (code, out, err) = try Fixtures.run(["vq", "init", "--preset", "emu3", "--ch", "32", "--ch-mult", "1,1,2", "--res-blocks", "1",
                                             "--attn-levels", "2", "--seed", "1", "--out", weights])
        #expect(code == 0, "\(err)")
        let manifest = folder.appendingPathComponent("m.txt")
        try String(format: "in/demo-{000000..%06d}.tar\n", shards - 1).write(to: manifest, atomically: true, encoding: .utf8)
        return Setup(folder: folder, manifest: manifest.path, weights: weights, tokenizer: tokenizer)
    }

    func dataFiles(_ folder: String) throws -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            if name.hasSuffix(".tok.zst") { out[name] = try Fixtures.bytes(URL(fileURLWithPath: folder).appendingPathComponent(name)) }
            if name.contains(".tmp-") { out[name] = [] }  // must not survive a finished run
        }
        return out
    }

    @Test func tokenizeStatsAndTheDecodeCheck() throws {
        let s = try Self.setup()
        defer { try? FileManager.default.removeItem(at: s.folder) }
        let out = s.folder.appendingPathComponent("out").path
        let (code, stdout, stderr) = try Fixtures.run(s.tokenizeArguments(out: out))
        #expect(code == 0, "\(stderr)")
        #expect(stderr.contains("RANDOM VQ weights"), "random weights must be announced loudly")
        #expect(stdout.contains("samples: 12 in, 12 out, 0 bad"), "\(stdout)")

        let (statsCode, json, _) = try Fixtures.run(["stats", out, "--json", "--verify"])
        #expect(statsCode == 0)
        let stats = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        #expect(stats["samples"] as? Int == 12 && stats["ok"] as? Int == 12)
        #expect((stats["errors"] as? [String: Int])?.isEmpty == true)
        #expect((stats["images"] as? Int ?? 0) > 12 && (stats["codes"] as? Int ?? 0) == (stats["images"] as! Int) * 256)
        #expect((stats["text_tokens"] as? Int ?? 0) > 0)

        // Decode check: unfolding a stored sample's codes gives exactly the grids `vq encode` prints.
        let shard = ShardLocation.file(s.folder.appendingPathComponent("in/demo-000001.tar").path)
        let sample = try TokenizedShardReader(path: TokenizedFolder(out).paths(for: shard.stem).data).readAll()[2]
        let members = try TarFixture.members(of: shard)
        let imagePath = s.folder.appendingPathComponent("image").path
        try Data(members["\(sample.key).jpg"] ?? members["\(sample.key).png"]!).write(to: URL(fileURLWithPath: imagePath))
        let (encodeCode, lines, encodeErr) = try Fixtures.run(["vq", "encode", "--weights", s.weights, "--size", "64", "--json", imagePath])
        #expect(encodeCode == 0, "\(encodeErr)")
        let printed = lines.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(printed.count == sample.views.count)
        for (view, line) in zip(sample.views, printed) {
            #expect(line["view"] as? String == view.role.description)
            #expect(line["grid"] as? [Int] == [view.gridRows, view.gridCols])
            #expect((line["codes"] as? [Int])?.map(UInt16.init) == (try view.unfolded()))
        }
    }

    /// kill -9 at several moments, re-run: the result is byte-identical to an uninterrupted run.
    @Test func killedRunsResumeToTheSameBytes() throws {
        let s = try Self.setup()
        defer { try? FileManager.default.removeItem(at: s.folder) }
        let reference = s.folder.appendingPathComponent("reference").path
        #expect(try Fixtures.run(s.tokenizeArguments(out: reference)).0 == 0)
        let expected = try dataFiles(reference)
        #expect(expected.count == 3)

        let killed = s.folder.appendingPathComponent("killed").path
        var rng = SeededGenerator(seed: 2026)
        var interrupted = 0
        for _ in 0..<4 {
            let process = Process()
            process.executableURL = Fixtures.executable
            process.arguments = s.tokenizeArguments(out: killed)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Kill moments count from when the run is inside a shard (a temporary file exists), so
            // they land mid-run whatever the build's speed (debug and release differ ~10×).
            let deadline = Date().addingTimeInterval(120)
            while process.isRunning && Date() < deadline && !Self.hasTemporaryFile(killed) { usleep(2_000) }
            usleep(UInt32(rng.int(in: 0...1_500_000)))
            if process.isRunning { interrupted += 1 }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        #expect(interrupted > 0, "at least one kill should land mid-run")
        let (code, _, err) = try Fixtures.run(s.tokenizeArguments(out: killed))
        #expect(code == 0, "\(err)")
        #expect(try dataFiles(killed) == expected)
    }

    /// SIGTERM (what Slurm and Kubernetes send first) and SIGINT mid-shard: the run stops within
    /// seconds with 128 + the signal, leaves no temporary file, its rank record says `interrupted`,
    /// and a re-run completes to the bytes of an uninterrupted run.
    @Test func sigtermAndSigintStopCleanlyAndTheRerunCompletes() throws {
        let s = try Self.setup()
        defer { try? FileManager.default.removeItem(at: s.folder) }
        let reference = s.folder.appendingPathComponent("reference").path
        #expect(try Fixtures.run(s.tokenizeArguments(out: reference)).0 == 0)
        let stopped = s.folder.appendingPathComponent("stopped").path
        for signal in [SIGTERM, SIGINT] {
            let process = Process()
            process.executableURL = Fixtures.executable
            process.arguments = s.tokenizeArguments(out: stopped) + ["--workers", "1"]
            let err = Pipe()
            process.standardOutput = FileHandle.nullDevice
            process.standardError = err
            try process.run()
            let deadline = Date().addingTimeInterval(120)
            while process.isRunning && Date() < deadline && !Self.hasTemporaryFile(stopped) { usleep(2_000) }
            guard process.isRunning else { Issue.record("the run ended before the signal"); continue }
            let sent = Date()
            kill(process.processIdentifier, signal)
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(Date().timeIntervalSince(sent) < 10, "stopped within seconds")
            #expect(process.terminationReason == .exit && process.terminationStatus == 128 + signal, "\(text)")
            #expect(text.contains("interrupted by \(signal == SIGTERM ? "SIGTERM" : "SIGINT")"), "\(text)")
            #expect(!Self.hasTemporaryFile(stopped), "no temporary file survives a signal")
            let record = RankRecord.all(in: stopped, stage: "tokenize").first
            #expect(record?.status == .interrupted)
        }
        let (code, _, err) = try Fixtures.run(s.tokenizeArguments(out: stopped))
        #expect(code == 0, "\(err)")
        #expect(try dataFiles(stopped) == dataFiles(reference))
        #expect(try ClusterTests.files(stopped) == ClusterTests.files(reference))
    }

    /// A full disk (a 40 KiB tmpfs) mid-run: the failing shards are reported with the path and the
    /// errno, nothing half-written stays under a final name, the exit status is 1; with space again
    /// the re-run completes to the bytes of an uninterrupted run. A read-only folder is refused
    /// before any work.
    @Test(.enabled(if: TmpfsMount.available)) func aFullDiskFailsCleanlyAndTheRerunCompletes() throws {
        let s = try Self.setup()
        defer { try? FileManager.default.removeItem(at: s.folder) }
        let reference = s.folder.appendingPathComponent("reference").path
        #expect(try Fixtures.run(s.tokenizeArguments(out: reference)).0 == 0)
        let mount = try TmpfsMount(at: s.folder.appendingPathComponent("disk").path, size: "40k")
        defer { mount.unmount() }
        let out = mount.path + "/tok"
        var (code, stdout, err) = try Fixtures.run(s.tokenizeArguments(out: out) + ["--workers", "1"])
        #expect(code == 1 && stdout.contains("No space left on device") && stdout.contains(out + "/demo-"), "\(stdout)\(err)")
        #expect(!Self.hasTemporaryFile(out))
        for (name, bytes) in try dataFiles(out) {   // what is there under a final name is whole
            #expect(bytes == (try dataFiles(reference))[name], "\(name)")
        }
        try mount.resize("64m")
        (code, stdout, err) = try Fixtures.run(s.tokenizeArguments(out: out))
        #expect(code == 0, "\(stdout)\(err)")
        #expect(try ClusterTests.files(out) == ClusterTests.files(reference))

        try mount.remount(readOnly: true)
        (code, _, err) = try Fixtures.run(s.tokenizeArguments(out: mount.path + "/other"))
        #expect(code != 0 && err.contains("Read-only file system") && err.contains(mount.path + "/other"), "\(err)")
    }

    static func hasTemporaryFile(_ folder: String) -> Bool {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).contains { $0.contains(".tmp-") }
    }

    @Test func aFoldThatDoesNotDivideTheGridFailsBeforeReading() throws {
        let s = try Self.setup()
        defer { try? FileManager.default.removeItem(at: s.folder) }
        let out = s.folder.appendingPathComponent("out").path
        let (code, _, err) = try Fixtures.run(s.tokenizeArguments(out: out) + ["--fold", "3x8"])
        #expect(code == 2)
        #expect(err.contains("does not divide"), "\(err)")
        #expect(!FileManager.default.fileExists(atPath: out + "/demo-000000.stats.json"))
    }
}
