import Foundation
import Testing
@testable import SynergenPrep

/// Manifest parsing, webdataset grouping, and every way a shard can be bad.
@Suite struct ManifestTests {
    @Test func bracesCommentsAndRelativePaths() throws {
        let text = """
        # comment line

          shards/a-{000008..000011}.tar
        /abs/b.tgz
        c-{x,y}.tar.gz
        pipe:cat /data/s-{1..2}.tar
        """
        let manifest = try Manifest.parse(text, name: "m.txt", folder: "/data/manifests")
        #expect(manifest.shards == [
            .file("/data/manifests/shards/a-000008.tar"), .file("/data/manifests/shards/a-000009.tar"),
            .file("/data/manifests/shards/a-000010.tar"), .file("/data/manifests/shards/a-000011.tar"),
            .file("/abs/b.tgz"), .file("/data/manifests/c-x.tar.gz"), .file("/data/manifests/c-y.tar.gz"),
            .pipe("cat /data/s-1.tar"), .pipe("cat /data/s-2.tar"),
        ])
        #expect(ShardLocation.file("/x/laion-000001.tar.gz").stem == "laion-000001")
        // A pipe's stem: the tar it names, without the shell's quotes and separators.
        #expect(ShardLocation.pipe("head -c 33000 /d/demo-000000.tar; kill -9 $$").stem == "demo-000000")
        #expect(ShardLocation.pipe("sh -c 'curl -fsSL https://h/b/x-000007.tar'").stem == "x-000007")
        #expect(ShardLocation.pipe("aws s3 cp s3://b/laion-000001.tar -").stem == "laion-000001")
        #expect(try Manifest.parse("../s/x.tar", name: "m", folder: "manifests").shards == [.file("s/x.tar")])
    }

    @Test func braceExpansionMatchesBraceexpand() throws {
        #expect(try BraceExpansion.expand("a{8..11}") == ["a8", "a9", "a10", "a11"])
        #expect(try BraceExpansion.expand("a{08..11}") == ["a08", "a09", "a10", "a11"])
        #expect(try BraceExpansion.expand("a{3..1}") == ["a3", "a2", "a1"])
        #expect(try BraceExpansion.expand("{a,b}{0..1}") == ["a0", "a1", "b0", "b1"])
        #expect(try BraceExpansion.expand("plain") == ["plain"])
    }

    /// A range that would make more than 10 million names is refused from its bounds alone (the
    /// example that kept `inspect` busy for seconds), ranges whose size overflows Int included.
    @Test func hugeBraceRangesAreRefusedBeforeAnyNameIsMade() throws {
        for pattern in ["x-{000000000..099999999}.tar", "x-{-9223372036854775808..9223372036854775807}.tar",
                        "x-{0..9223372036854775807}{a,b}.tar", "{0..3999}{0..3999}.tar"] {
            #expect(throws: BraceExpansion.Failure.self, "\(pattern)") { try BraceExpansion.expand(pattern) }
        }
        #expect(try BraceExpansion.expand("{0..99}{0..99}", limit: 10_000).count == 10_000)
        #expect(throws: BraceExpansion.Failure.self) { try BraceExpansion.expand("{0..99}{0..100}", limit: 10_000) }
    }

    @Test(arguments: [
        ("ok.tar\nbad-{1..x}.tar\n", 2, "not two integers"),
        ("ok.tar\n\nunclosed-{1..3.tar", 3, "unbalanced"),
        ("archive.zip", 1, "not a tar shard"),
        ("s3://bucket/x.tar", 1, "pipe:"),
        ("pipe:   ", 1, "empty pipe"),
    ])
    func badLinesNameFileAndLine(_ text: String, _ line: Int, _ words: String) {
        do {
            _ = try Manifest.parse(text, name: "bad.txt", folder: ".")
            Issue.record("parsed a bad manifest")
        } catch {
            #expect(error.line == line)
            #expect(error.description.hasPrefix("bad.txt:\(line): "))
            #expect(error.message.contains(words), "\(error)")
        }
    }

    @Test func missingManifestFile() {
        #expect(throws: ManifestError.self) { try Manifest.load(path: "/nonexistent/manifest.txt") }
    }
}

@Suite struct GroupingTests {
    @Test func keySplitMatchesWebdatasetRegex() {
        #expect(SampleKey.split("a/x.seg.jpg")! == ("a/x", "seg.jpg"))
        #expect(SampleKey.split("dir.v1/a.TXT")! == ("dir.v1/a", "TXT"))
        #expect(SampleKey.split("x/.hidden")! == ("x/", "hidden"))
        #expect(SampleKey.split("a.b/.hidden") == nil)
        #expect(SampleKey.split(".hidden") == nil)
        #expect(SampleKey.split("README") == nil)
        #expect(SampleKey.split("dir.x/README") == nil)
        #expect(SampleKey.isMetadata("__key__"))
        #expect(SampleKey.isMetadata("__index__/x.json"))
        #expect(!SampleKey.isMetadata("a/__x__"))
        #expect(!SampleKey.isMetadata("__x_/y.jpg"))
    }

    /// Our grouping of shards equals what webdataset's own `group_by_keys` produced in the set-up.
    @Test(arguments: ["webdataset.tar", "edge_names.tar"])
    func groupingEqualsWebdataset(_ name: String) throws {
        let folder = try Fixtures.folder("source")
        let expected = (try Fixtures.json(folder.appendingPathComponent("expected_grouping.json")) as! [String: [[String: Any]]])[name]!
        var got: [(String, [String])] = []
        let failure = ShardReader().read(.file(folder.appendingPathComponent(name).path)) { event in
            guard case .sample(let s) = event else { Issue.record("rejected: \(event)"); return }
            got.append((s.key, s.members.map(\.ext).sorted()))
        }
        #expect(failure == nil)
        #expect(got.count == expected.count)
        for (mine, theirs) in zip(got, expected) {
            #expect(mine.0 == theirs["key"] as! String)
            #expect(mine.1 == theirs["exts"] as! [String])
        }
    }
}

@Suite struct ShardReaderTests {
    struct Outcome {
        var keys: [String] = []
        var rejected: [(String, FailureReason)] = []
        var failure: ShardFailure?
    }

    func read(_ location: ShardLocation) -> Outcome {
        var outcome = Outcome()
        outcome.failure = ShardReader().read(location) { event in
            switch event {
            case .sample(let s): outcome.keys.append(s.key)
            case .rejected(let r): outcome.rejected.append((r.key, r.reason))
            }
        }
        return outcome
    }

    func path(_ name: String) throws -> String { try Fixtures.folder("source").appendingPathComponent(name).path }

    @Test(arguments: ["good.tar", "good.tar.gz", "good.tgz"])
    func compressedAndPlainShardsRead(_ name: String) throws {
        let outcome = read(.file(try path(name)))
        #expect(outcome.failure == nil)
        #expect(outcome.keys == ["k0", "k1", "k2", "k3", "k4"])
    }

    @Test(arguments: ["truncated.tar", "truncated.tar.gz"])
    func truncatedShardKeepsSamplesBeforeTheCut(_ name: String) throws {
        let outcome = read(.file(try path(name)))
        #expect(outcome.failure?.reason == .truncatedShard, "\(String(describing: outcome.failure))")
        let all = ["k0", "k1", "k2", "k3", "k4"]
        #expect(!outcome.keys.isEmpty && outcome.keys.count < all.count && all.starts(with: outcome.keys))
        // The plain tar is cut inside k3's image: the three complete samples before it survive.
        if name == "truncated.tar" { #expect(outcome.keys == ["k0", "k1", "k2"]) }
    }

    @Test func repeatedExtensionRejectsThatSample() throws {
        let outcome = read(.file(try path("dup_ext.tar")))
        #expect(outcome.failure == nil)
        #expect(outcome.keys == ["a", "c"])
        #expect(outcome.rejected.map(\.0) == ["b"] && outcome.rejected.map(\.1) == [.duplicateExtension])
    }

    @Test func keyReappearingLaterIsDropped() throws {
        let outcome = read(.file(try path("dup_key.tar")))
        #expect(outcome.keys == ["a", "b"])
        #expect(outcome.rejected.map(\.0) == ["a"] && outcome.rejected.map(\.1) == [.duplicateKey])
    }

    @Test func missingUnreadableAndEmptyShards() throws {
        #expect(read(.file(try path("does-not-exist.tar"))).failure?.reason == .missingShard)
        #expect(read(.file(try path("not_a_tar.tar"))).failure?.reason == .unreadableShard)
        #expect(read(.file(try path("empty.tar"))).failure?.reason == .unreadableShard)
    }

    @Test func pipeShards() throws {
        let good = try path("good.tar")
        let streamed = read(.pipe("cat '\(good)'"))
        #expect(streamed.failure == nil)
        #expect(streamed.keys == ["k0", "k1", "k2", "k3", "k4"])

        let failing = read(.pipe("cat '\(good)'; echo oops >&2; exit 3"))
        #expect(failing.keys.count == 5)
        #expect(failing.failure?.reason == .pipeFailed)
        #expect(failing.failure?.message.contains("status 3") == true)
        #expect(failing.failure?.message.contains("oops") == true)

        let nothing = read(.pipe("exit 7"))
        #expect(nothing.failure?.reason == .pipeFailed)
        #expect(nothing.failure?.message.contains("7") == true)
    }

    @Test func oversizedMemberRejectsItsSample() throws {
        var rejected: [SampleRejection] = []
        _ = ShardReader(maxMemberBytes: 100).read(.file(try path("good.tar"))) { event in
            if case .rejected(let r) = event { rejected.append(r) }
        }
        #expect(rejected.count == 5)
        #expect(rejected.allSatisfy { $0.reason == .tooLarge })
    }

    @Test func sampleContentReasons() throws {
        var reasons: [String: String] = [:]
        let decoder = ImageDecoder()
        _ = ShardReader().read(.file(try path("bad_samples.tar"))) { event in
            guard case .sample(let sample) = event else { return }
            do {
                let content = try SampleContent(sample)
                _ = try decoder.decode(content.imageBytes)
                reasons[sample.key] = "ok:" + content.caption
            } catch let r as SampleRejection {
                reasons[sample.key] = r.reason.rawValue
            } catch let e as ImageDecodeError {
                reasons[sample.key] = e.reason.rawValue
            } catch {}
        }
        #expect(reasons == [
            "ok": "ok:fine", "noimage": "no-image", "notext": "no-text", "emptytext": "no-text",
            "corrupt": "corrupt", "truncimg": "truncated", "gif": "unsupported", "jsoncap": "ok:from json",
            "bomb": "too-large",
        ])
    }
}
