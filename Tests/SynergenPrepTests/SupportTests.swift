import Foundation
import Testing
@testable import SynergenPrep

/// The thin wrappers of zstd and OpenBLAS work, and the small shared helpers are right.
@Suite struct SupportTests {
    @Test func zstdRoundTripAndBadFrames() throws {
        let text = Array(String(repeating: "synergen token shards ", count: 500).utf8)
        let frame = try Zstd.compress(text)
        #expect(frame.count < text.count / 10)
        #expect(try Zstd.decompress(frame) == text)
        #expect(throws: Zstd.Failure.self) { try Zstd.decompress(Array(frame.prefix(frame.count / 2))) }
        #expect(throws: Zstd.Failure.self) { try Zstd.decompress([1, 2, 3, 4, 5, 6, 7, 8]) }
        #expect(throws: Zstd.Failure.self) { try Zstd.decompress(frame, maxSize: 100) }
    }

    @Test func sgemmMatchesNaiveProduct() {
        let m = 5, n = 7, k = 3
        let a = (0..<(m * k)).map { Float($0 % 5) - 2 }, b = (0..<(k * n)).map { Float($0 % 3) * 0.5 }
        var c = [Float](repeating: 0, count: m * n)
        BLAS.sgemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &c, ldc: n)
        for i in 0..<m {
            for j in 0..<n {
                let expected = (0..<k).reduce(Float(0)) { $0 + a[i * k + $1] * b[$1 * n + j] }
                #expect(c[i * n + j] == expected)
            }
        }
        #expect(BLAS.threads >= 1)
    }

    @Test func histogramMedianAndErrorTally() {
        var h = SizeHistogram()
        for v in [5, 1, 9, 3, 3] { h.add(v) }
        #expect(h.summary == SizeHistogram.Summary(min: 1, median: 3, max: 9))
        var t = ErrorTally(keepExamples: 2)
        t.add(.corrupt, example: "a"); t.add(.corrupt, example: "b"); t.add(.corrupt, example: "c")
        var u = ErrorTally(keepExamples: 2)
        u.add(.noText, example: "d")
        t.merge(u)
        #expect(t.byWord == ["corrupt": 3, "no-text": 1])
        #expect(t.examplesByWord["corrupt"] == ["a", "b"])
    }

    @Test func workerPoolKeepsOrder() {
        let squares = WorkerPool.map(count: 100, workers: 4) { $0 * $0 }
        #expect(squares == (0..<100).map { $0 * $0 })
    }

    @Test func atomicWriteReplacesWholeFile() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.json").path
        try AtomicFile.write("first", to: path)
        try AtomicFile.write("second", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["x.json"])
    }
}

/// `BuiltOnce`: one build shared by concurrent callers; a failed build is retried.
@Suite struct BuiltOnceTests {
    final class Counter: @unchecked Sendable {
        let lock = NSLock()
        var builds = 0
        func next() -> Int { lock.lock(); defer { lock.unlock() }; builds += 1; return builds }
    }

    struct BuildFailed: Error {}

    @Test func buildsOnceForConcurrentCallers() throws {
        let counter = Counter()
        let shared = BuiltOnce { () -> Int in
            let n = counter.next()
            if n == 1 { throw BuildFailed() }
            return n * 10
        }
        #expect(throws: BuildFailed.self) { try shared.get() }
        let results = UnsafeMutableBufferPointer<Int>.allocate(capacity: 8)
        defer { results.deallocate() }
        let box = UncheckedBox(results)
        DispatchQueue.concurrentPerform(iterations: 8) { i in box.value[i] = (try? shared.get()) ?? -1 }
        #expect(Array(results) == Array(repeating: 20, count: 8))
        #expect(counter.builds == 2)
    }

    struct UncheckedBox: @unchecked Sendable {
        let value: UnsafeMutableBufferPointer<Int>
        init(_ value: UnsafeMutableBufferPointer<Int>) { self.value = value }
    }
}

/// Where a process learns its rank: flags first, then each launcher's variables; mistakes refused.
struct WorldRankTests {
    func detect(_ rank: Int?, _ world: Int?, _ env: [String: String]) throws(WorldRankError) -> WorldRank {
        try WorldRank.detect(rank: rank, worldSize: world, environment: env)
    }

    func detect(_ env: [String: String]) throws(WorldRankError) -> WorldRank { try detect(nil, nil, env) }

    @Test func eachLauncherAndTheOrderBetweenThem() throws {
        #expect(try detect([:]) == .single)
        #expect(try detect(2, 4, ["RANK": "0", "WORLD_SIZE": "8"]) == WorldRank(rank: 2, worldSize: 4, source: "flags"))
        #expect(try detect(["RANK": "3", "WORLD_SIZE": "8", "SLURM_PROCID": "0", "SLURM_NTASKS": "2"])
                == WorldRank(rank: 3, worldSize: 8, source: "RANK/WORLD_SIZE"))
        #expect(try detect(["JOB_COMPLETION_INDEX": "5", "SYNERGEN_WORLD_SIZE": "6"]) == WorldRank(rank: 5, worldSize: 6, source: "JOB_COMPLETION_INDEX"))
        #expect(try detect(nil, 7, ["JOB_COMPLETION_INDEX": "5", "SYNERGEN_WORLD_SIZE": "6"]).worldSize == 7)
        // An array job 10-13 whose tasks run 2 Slurm tasks each: 8 ranks.
        let array = ["SLURM_ARRAY_TASK_ID": "12", "SLURM_ARRAY_TASK_MIN": "10", "SLURM_ARRAY_TASK_COUNT": "4"]
        #expect(try detect(array) == WorldRank(rank: 2, worldSize: 4, source: "SLURM_ARRAY_TASK_ID"))
        #expect(try detect(array.merging(["SLURM_PROCID": "1", "SLURM_NTASKS": "2"]) { $1 }) == WorldRank(rank: 5, worldSize: 8, source: "SLURM_ARRAY_TASK_ID"))
        #expect(try detect(["SLURM_PROCID": "1", "SLURM_NTASKS": "2"]) == WorldRank(rank: 1, worldSize: 2, source: "SLURM_PROCID/SLURM_NTASKS"))
    }

    @Test func halfSetPairsBadNumbersAndRanksOutsideTheWorldAreRefused() {
        #expect(throws: WorldRankError.halfSet(given: "--rank", missing: "--world-size")) { try detect(1, nil, [:]) }
        #expect(throws: WorldRankError.self) { try detect(nil, 3, [:]) }
        #expect(throws: WorldRankError.halfSet(given: "RANK", missing: "WORLD_SIZE")) { try detect(["RANK": "1"]) }
        #expect(throws: WorldRankError.self) { try detect(["JOB_COMPLETION_INDEX": "1"]) }
        #expect(throws: WorldRankError.notANumber(name: "RANK", value: "one")) { try detect(["RANK": "one", "WORLD_SIZE": "2"]) }
        #expect(throws: WorldRankError.rankOutOfRange(rank: 3, worldSize: 3, source: "flags")) { try detect(3, 3, [:]) }
        #expect(throws: WorldRankError.badWorldSize(0, source: "flags")) { try detect(0, 0, [:]) }
    }

    @Test func itemsAreDealtOutBalancedAndDeterministically() throws {
        let ranks = try (0..<3).map { try WorldRank(rank: $0, worldSize: 3, source: "t") }
        let shares = ranks.map { $0.share(of: 8) }
        #expect(shares == [[0, 3, 6], [1, 4, 7], [2, 5]])
        #expect(Set(shares.joined()) == Set(0..<8) && shares.joined().count == 8)
        #expect((0..<8).allSatisfy { ranks[ranks[0].owner(of: $0)].owns($0) })
    }
}

@Test func slurmsCPUsPerTaskIsTheDefaultCoreCount() {
    #expect(AvailableCores.count(environment: ["SLURM_CPUS_PER_TASK": "6"]) == 6)
    #expect(AvailableCores.count(environment: ["SLURM_CPUS_PER_TASK": "x"]) == ProcessInfo.processInfo.activeProcessorCount)
    #expect(AvailableCores.count(environment: [:]) == ProcessInfo.processInfo.activeProcessorCount)
}
