/// A person-readable listing of one packed sequence (`synergen-prep show`): per document its task,
/// key and span, then its text with image positions drawn as `[image 64×64 codes / 256 positions]`
/// and loss spans between `⟦` and `⟧`.
import Foundation

public enum SequenceListing {
    /// The sequence's arrays as one JSON object (what the Python reader's tests compare with).
    public static func json(_ s: PackedSequence) throws -> String {
        let object: [String: Any] = [
            "sequence_length": s.sequenceLength, "pad_length": s.padLength,
            "ids": s.ids.map(Int.init), "modality": s.modality.map(Int.init), "loss": s.loss.map(Int.init),
            "position_ids": s.positionIDs.map(Int.init), "codes": s.codes.map(Int.init), "cu_seqlens": s.cuSeqlens.map(Int.init),
            "documents": s.documents.map { ["task": $0.task.description, "key": $0.key, "start": $0.start, "length": $0.length,
                                            "first_image": $0.firstImage, "image_count": $0.imageCount] as [String: Any] },
            "images": s.images.map { ["role": $0.role.kind, "role_detail": $0.role.description, "start": $0.start,
                                      "positions": $0.positions, "grid": [$0.gridRows, $0.gridCols],
                                      "fold": [$0.fold.rows, $0.fold.cols]] as [String: Any] },
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    public static func render(_ s: PackedSequence, config: PackConfig, tokenizer: Tokenizer) -> String {
        var lines = ["sequence: \(s.sequenceLength) positions, \(s.used) used, \(s.padLength) pad, \(s.documents.count) documents",
                     "cu_seqlens: \(s.cuSeqlens.map(String.init).joined(separator: " "))"]
        let map = config.imageTokens
        for (n, d) in s.documents.enumerated() {
            lines.append("")
            lines.append("── document \(n) [\(d.task)] key \(d.key): positions \(d.start)..<\(d.start + d.length) (\(d.length)), \(d.imageCount) images")
            var out = ""
            var inLoss = false
            var pending: [Int32] = []
            func flushText() {
                if pending.isEmpty { return }
                out += (try? tokenizer.decode(pending, skipSpecial: false)) ?? pending.map(String.init).joined(separator: " ")
                pending = []
            }
            var p = d.start
            let end = d.start + d.length
            while p < end {
                let carries = s.loss[p] != 0
                if carries != inLoss { flushText(); out += carries ? "⟦" : "⟧"; inLoss = carries }
                if s.modality[p] == PackModality.image.rawValue,
                   let image = s.images[d.firstImage..<(d.firstImage + d.imageCount)].first(where: { $0.start == p }) {
                    flushText()
                    out += "[image \(image.gridRows)×\(image.gridCols) codes / \(image.positions) positions, \(image.role)]"
                    p += image.positions
                    continue
                }
                let id = s.ids[p]
                if id == map.boi { flushText(); out += "<boi>" } else if id == map.eoi { flushText(); out += "<eoi>" } else if id == map.uncond {
                    flushText(); out += "<UNCOND>"
                } else { pending.append(id) }
                p += 1
            }
            flushText()
            if inLoss { out += "⟧" }
            lines.append(out)
        }
        if s.padLength > 0 { lines.append(""); lines.append("── pad: \(s.padLength) positions (id \(config.padID))") }
        return lines.joined(separator: "\n")
    }
}
