import Foundation
import Testing
@testable import SynergenPrep

/// `tokenize`, `pack` and `merge` run as ranks of one job — local processes with the environment
/// each launcher sets — against a single-process run of the same job: same bytes, a killed rank
/// named by `merge` and finished alone, `--after-shard` failures retried.
@Suite(.serialized) struct ClusterTests {
    /// 6 shards of 2 samples: ranks of a world of 3 get 2 shards each; pack groups of 2 shards: 3 groups.
    static func setup() throws -> TokenizeCLITests.Setup { try TokenizeCLITests.setup(shards: 6, perShard: 2) }

    static func packArguments(_ s: TokenizeCLITests.Setup, input: String, out: String) -> [String] {
        ["pack", input, "--seq", "2048", "--group-shards", "2", "--out", out, "--tokenizer", s.tokenizer, "--seed", "5"]
    }

    /// Every file of `folder` but the rank records (the only ones that depend on the world size and the clock).
    static func files(_ folder: String) throws -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name != RankRecord.folderName {
            result[name] = try Fixtures.bytes(URL(fileURLWithPath: folder).appendingPathComponent(name))
        }
        return result
    }

    /// Starts one process per environment at once and waits for all; returns (status, stderr) each.
    static func runTogether(_ arguments: [String], environments: [[String: String]]) throws -> [(Int32, String)] {
        let processes = try environments.map { env -> (Process, Pipe) in
            let process = Process(), err = Pipe()
            process.executableURL = Fixtures.executable
            process.arguments = arguments
            process.environment = ProcessInfo.processInfo.environment.filter { !WorldRank.environmentNames.contains($0.key) }
                .merging(env) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = err
            try process.run()
            return (process, err)
        }
        return processes.map { process, err in
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, text)
        }
    }

    /// The single-rank reference: tokenized and packed folders.
    static func reference(_ s: TokenizeCLITests.Setup) throws -> (tokenized: [String: [UInt8]], packed: [String: [UInt8]]) {
        let tok = s.folder.appendingPathComponent("single-tok").path, pack = s.folder.appendingPathComponent("single-pack").path
        var (code, _, err) = try Fixtures.run(s.tokenizeArguments(out: tok) + ["--rank", "0", "--world-size", "1"])
        #expect(code == 0, "\(err)")
        (code, _, err) = try Fixtures.run(packArguments(s, input: tok, out: pack) + ["--rank", "0", "--world-size", "1"])
        #expect(code == 0, "\(err)")
        let (t, p) = (try files(tok), try files(pack))
        #expect(t["index.json"] != nil && t["plan.json"] != nil && t.keys.filter { $0.hasSuffix(".tok.zst") }.count == 6)
        #expect(p["index.json"] != nil && p.keys.filter { $0.hasSuffix(".group.json") }.count == 3)
        return (t, p)
    }

    @Test("3 ranks (Slurm array, torchrun, Kubernetes Indexed Job) + merge = 1 rank, tokenized and packed, byte for byte")
    func ranksFromEveryLauncherGiveTheSingleRankBytes() throws {
        let s = try Self.setup()
        defer { try? FileManager.default.removeItem(at: s.folder) }
        let expected = try Self.reference(s)
        let launchers: [(String, (Int) -> [String: String])] = [
            ("SLURM_ARRAY_TASK_ID", { ["SLURM_ARRAY_TASK_ID": "\($0 + 10)", "SLURM_ARRAY_TASK_MIN": "10", "SLURM_ARRAY_TASK_COUNT": "3"] }),
            ("RANK/WORLD_SIZE", { ["RANK": "\($0)", "WORLD_SIZE": "3"] }),
            ("JOB_COMPLETION_INDEX", { ["JOB_COMPLETION_INDEX": "\($0)", "SYNERGEN_WORLD_SIZE": "3"] }),
        ]
        for (source, environment) in launchers {
            let tok = s.folder.appendingPathComponent("tok-\(source.prefix(4))").path
            let pack = s.folder.appendingPathComponent("pack-\(source.prefix(4))").path
            let environments = (0..<3).map(environment)
            for (i, (code, err)) in try Self.runTogether(s.tokenizeArguments(out: tok) + ["--workers", "1"], environments: environments).enumerated() {
                #expect(code == 0, "\(source) rank \(i): \(err)")
                #expect(err.contains("start rank=\(i) world=3 source=\(source) stage=tokenize shards=2 of 6"), "\(err)")
                let logLines = err.split(separator: "\n").filter { $0.hasPrefix("progress") }
                #expect(!logLines.isEmpty && logLines.allSatisfy { $0.contains("rank=\(i) world=3") }, "\(err)")
            }
            #expect(!FileManager.default.fileExists(atPath: tok + "/index.json"), "ranks leave the index to merge")
            var (code, out, err) = try Fixtures.run(["merge", tok])
            #expect(code == 0 && out.contains("merged tokenized folder"), "\(out)\(err)")
            #expect(try Self.files(tok) == expected.tokenized, "\(source): tokenized folder differs from one rank's")

            for (i, (code, err)) in try Self.runTogether(Self.packArguments(s, input: tok, out: pack), environments: environments).enumerated() {
                #expect(code == 0, "\(source) pack rank \(i): \(err)")
            }
            (code, out, err) = try Fixtures.run(["merge", pack])
            #expect(code == 0 && out.contains("merged packed folder"), "\(out)\(err)")
            #expect(try Self.files(pack) == expected.packed, "\(source): packed folder differs from one rank's")
            (code, out, _) = try Fixtures.run(["stats", pack])
            #expect(code == 0 && (0..<3).allSatisfy { out.contains("rank \($0) of 3 (\(source))") }, "\(out)")
        }

        // A rank given another manifest than the plan its folder holds refuses before any work.
        let other = s.folder.appendingPathComponent("other.txt").path
        try "in/demo-{000000..000003}.tar\n".write(toFile: other, atomically: true, encoding: .utf8)
        var arguments = s.tokenizeArguments(out: s.folder.appendingPathComponent("tok-SLUR").path)
        arguments[1] = other
        let (code, _, err) = try Fixtures.run(arguments + ["--rank", "1", "--world-size", "3"])
        #expect(code == 2 && err.contains("holds the plan of another job"), "\(err)")
        // A half-given pair, or a rank outside the world, is a usage error.
        #expect(try Fixtures.run(arguments + ["--rank", "1"]).0 == 64)
        #expect(try Fixtures.run(arguments, environment: ["RANK": "3", "WORLD_SIZE": "3"]).2.contains("not below the world size"))
    }

    @Test("a rank killed mid-shard: merge names its shards; re-run alone, the folder equals one rank's")
    func aKilledRankIsNamedByMergeAndCompletesAlone() throws {
        let s = try Self.setup()
        defer { try? FileManager.default.removeItem(at: s.folder) }
        let expected = try Self.reference(s)
        let tok = s.folder.appendingPathComponent("tok").path
        func rank(_ r: Int) -> [String] { s.tokenizeArguments(out: tok) + ["--rank", "\(r)", "--world-size", "3", "--workers", "1"] }
        for r in [0, 2] { #expect(try Fixtures.run(rank(r)).0 == 0) }

        let process = Process()
        process.executableURL = Fixtures.executable
        process.arguments = rank(1)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline && !TokenizeCLITests.hasTemporaryFile(tok) { usleep(2_000) }
        #expect(process.isRunning, "the kill should land mid-shard")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        var (code, out, _) = try Fixtures.run(["merge", tok])
        #expect(code == 1 && out.contains("NOT merged") && !FileManager.default.fileExists(atPath: tok + "/index.json"), "\(out)")
        #expect(out.contains("rank 1 of 3 (flags)") && out.contains(": running"), "the killed rank's record says it never ended: \(out)")
        #expect(out.contains("demo-000001: not done") && out.contains("demo-000004: not done"), "\(out)")
        #expect(!out.contains("demo-000000") && !out.contains("rank 0 of 3"), "\(out)")

        // What a kill during a folder-level write leaves (another host's temporary files): merge,
        // once every rank is done, clears them.
        for name in ["plan.json.tmp-node7-4711", "index.json.tmp-node7-4712"] { FileManager.default.createFile(atPath: tok + "/" + name, contents: Data("{".utf8)) }
        #expect(try Fixtures.run(rank(1)).0 == 0)
        (code, out, _) = try Fixtures.run(["merge", tok])
        #expect(code == 0, "\(out)")
        #expect(try Self.files(tok) == expected.tokenized)
    }

    @Test("--after-shard: a failing command leaves its shard unpublished; the re-run runs only that again")
    func afterShardFailuresAreRetriedWithoutRedoingTheShard() throws {
        let s = try Self.setup()
        defer { try? FileManager.default.removeItem(at: s.folder) }
        let tok = s.folder.appendingPathComponent("tok").path, log = s.folder.appendingPathComponent("hook.log").path
        let failing = "echo \"$@\" >> \(log); case \"$1\" in *demo-000001*) echo upload refused >&2; exit 3;; esac"
        var (code, out, err) = try Fixtures.run(s.tokenizeArguments(out: tok) + ["--after-shard", failing])
        #expect(code == 1 && out.contains("FAILED") && out.contains("exited with status 3"), "\(out)")
        #expect(err.contains("after-shard status=3 files=demo-000001.tok.zst,demo-000001.stats.json stderr=\"upload refused\" rank=0 world=1"), "\(err)")
        let firstCalls = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(firstCalls.count == 6 && firstCalls.allSatisfy { $0.hasSuffix(".stats.json") }, "\(firstCalls)")
        #expect(TokenizedFolder(tok).isUnpublished("demo-000001") && !TokenizedFolder(tok).isUnpublished("demo-000002"))
        (code, out, _) = try Fixtures.run(["merge", tok])
        #expect(code == 1 && out.contains("demo-000001: done but not published"), "\(out)")

        let inode = try FileManager.default.attributesOfItem(atPath: tok + "/demo-000001.tok.zst")[.systemFileNumber] as? Int
        try FileManager.default.removeItem(atPath: log)
        (code, out, err) = try Fixtures.run(s.tokenizeArguments(out: tok) + ["--after-shard", "echo \"$1\" >> \(log)"])
        #expect(code == 0 && out.contains("(6 already done, 0 failed)") && out.contains("index.json written"), "\(out)\(err)")
        #expect(try String(contentsOfFile: log, encoding: .utf8) == tok + "/demo-000001.tok.zst\n", "only the unpublished shard is run again")
        #expect(try FileManager.default.attributesOfItem(atPath: tok + "/demo-000001.tok.zst")[.systemFileNumber] as? Int == inode)
        #expect(!TokenizedFolder(tok).isUnpublished("demo-000001"))

        // pack: a failing command keeps its group unfinished; the re-run keeps the shards and runs it again.
        let pack = s.folder.appendingPathComponent("pack").path, packLog = s.folder.appendingPathComponent("pack.log").path
        (code, _, err) = try Fixtures.run(Self.packArguments(s, input: tok, out: pack) + ["--after-shard", "echo \"$1\" >> \(packLog); exit 1"])
        #expect(code != 0 && err.contains("after-shard status=1") && err.contains("stage=pack"), "\(err)")
        #expect(PackedFolder(pack).groupRecord(0) == nil && !PackedFolder(pack).isPacked)
        (code, out, err) = try Fixtures.run(Self.packArguments(s, input: tok, out: pack) + ["--after-shard", "echo \"$1\" >> \(packLog)"])
        #expect(code == 0 && PackedFolder(pack).isPacked, "\(out)\(err)")
        let packCalls = try String(contentsOfFile: packLog, encoding: .utf8).split(separator: "\n")
        let packShards = try PackedFolder(pack).groupRecords().values.reduce(0) { $0 + $1.shards.count }
        #expect(packCalls.count == 1 + packShards, "\(packCalls)")
    }
}
