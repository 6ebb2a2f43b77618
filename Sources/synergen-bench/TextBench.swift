import ArgumentParser
import Foundation
import SynergenPrep

/// `synergen-bench text`: single-threaded tokenizer throughput on a corpus file
/// (one text per line). Prints one JSON object with the timings.
struct TextBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text",
        abstract: "Time Tokenizer.encode over a corpus (one line per text), single thread.")

    @Option(name: .long, help: "Path to tokenizer.json.")
    var tokenizer: String

    @Option(name: .long, help: "Corpus file, one UTF-8 text per line.")
    var corpus: String

    @Option(name: .long, help: "Timed passes over the corpus (the best is reported).")
    var repeats: Int = 3

    func run() throws {
        let t0 = Date()
        let tok = try Tokenizer(contentsOf: URL(fileURLWithPath: tokenizer))
        let loadSeconds = Date().timeIntervalSince(t0)
        let data = try Data(contentsOf: URL(fileURLWithPath: corpus))
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map { String($0) }
        let texts = lines.last == "" ? Array(lines.dropLast()) : lines
        var best = Double.infinity
        var tokens = 0
        for _ in 0..<max(1, repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            var count = 0
            for t in texts { count += tok.encode(t).count }
            let secs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            best = min(best, secs)
            tokens = count
        }
        let bytes = texts.reduce(0) { $0 + $1.utf8.count }
        print("{\"impl\":\"swift\",\"lines\":\(texts.count),\"bytes\":\(bytes),\"tokens\":\(tokens),"
            + "\"seconds\":\(best),\"tokens_per_s\":\(Double(tokens) / best),\"load_seconds\":\(loadSeconds)}")
    }
}
