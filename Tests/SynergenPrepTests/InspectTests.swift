import Foundation
import Testing
@testable import SynergenPrep

/// `inspect` as a user runs it: the real binary, its output and exit status.
@Suite(.serialized) struct InspectTests {
    func jsonObject(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
    }

    @Test func demoCorpusHasNoErrors() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (status, out, _) = try Fixtures.run(["demo-data", "--out", folder.appendingPathComponent("demo").path, "--samples", "24", "--per-shard", "8"])
        #expect(status == 0, "\(out)")
        let manifest = folder.appendingPathComponent("demo.txt")
        try "demo/demo-{000000..000002}.tar\n".write(to: manifest, atomically: true, encoding: .utf8)
        let (code, json, err) = try Fixtures.run(["inspect", manifest.path, "--json"])
        #expect(code == 0, "\(err)")
        let report = try jsonObject(json)
        #expect(report["samples"] as? Int == 24)
        #expect(report["ok"] as? Int == 24)
        #expect((report["errors"] as? [String: Int])?.isEmpty == true)
        let shards = report["shards"] as! [[String: Any]]
        #expect(shards.count == 3)
        #expect(shards.allSatisfy { ($0["path"] as! String).hasSuffix(".tar") && $0["samples"] as? Int == 8 })
        let formats = report["formats"] as! [String: Int]
        #expect(formats["jpeg", default: 0] > 0 && formats["png", default: 0] > 0)
    }

    @Test func badInputIsCountedNotFatal() throws {
        let source = try Fixtures.folder("source")
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = folder.appendingPathComponent("bad.txt")
        let text = """
        \(source.path)/bad_samples.tar
        \(source.path)/truncated.tar
        \(source.path)/missing-{1..2}.tar
        \(source.path)/dup_key.tar
        pipe:cat \(source.path)/good.tar; exit 4
        """
        try text.write(to: manifest, atomically: true, encoding: .utf8)
        let (code, json, _) = try Fixtures.run(["inspect", manifest.path, "--json", "--workers", "2"])
        #expect(code == 0)
        let report = try jsonObject(json)
        let errors = report["errors"] as! [String: Int]
        #expect(errors == ["no-image": 1, "no-text": 2, "corrupt": 1, "truncated": 1, "unsupported": 1, "too-large": 1,
                           "truncated-shard": 1, "missing-shard": 2, "duplicate-key": 1, "pipe-failed": 1])
        // ok: bad_samples 2 (ok, jsoncap) + truncated 3 + dup_key 2 + pipe 5.
        #expect(report["ok"] as? Int == 12)
        let examples = report["error_examples"] as! [String: [String]]
        #expect(examples["no-text"] == ["notext", "emptytext"])
        #expect((report["shards"] as! [[String: Any]]).count == 6)
    }

    @Test func badManifestExitsWithFileAndLine() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = folder.appendingPathComponent("m.txt")
        try "# fine\nshard-{1..3}.tar\nshard-{1..}.tar\n".write(to: manifest, atomically: true, encoding: .utf8)
        let (code, _, err) = try Fixtures.run(["inspect", manifest.path])
        #expect(code == 2)
        #expect(err.contains("m.txt:3:"), "\(err)")
    }

    @Test func nothingReadableExitsNonZero() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = folder.appendingPathComponent("m.txt")
        try "gone-{1..2}.tar\n".write(to: manifest, atomically: true, encoding: .utf8)
        let (code, out, _) = try Fixtures.run(["inspect", manifest.path])
        #expect(code == 1)
        #expect(out.contains("missing-shard: 2"))
    }
}
