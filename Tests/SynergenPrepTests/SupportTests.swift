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
