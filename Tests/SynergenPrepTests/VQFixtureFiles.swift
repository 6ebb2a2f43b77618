import Foundation
@testable import SynergenPrep

/// The committed VQ parity fixtures (`scripts/make_vq_fixtures.py` writes them).
enum VQFixtureFiles {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/vq")

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// The config a fixture was made with (`__metadata__.config`: preset plus overrides, PyTorch names).
    static func config(_ meta: [String: String]) throws -> VQConfig {
        let object = try JSONSerialization.jsonObject(with: Data(meta["config"]!.utf8)) as! [String: Any]
        var c = VQConfig.preset(VQConfig.Preset(rawValue: object["preset"] as! String)!)
        if let v = object["ch"] as? Int { c.ch = v }
        if let v = object["ch_mult"] as? [Int] { c.chMult = v }
        if let v = object["num_res_blocks"] as? Int { c.numResBlocks = v }
        if let v = object["attn_levels"] as? [Int] { c.attentionLevels = v }
        if let v = object["z_channels"] as? Int { c.zChannels = v }
        if let v = object["code_dim"] as? Int { c.codeDim = v }
        if let v = object["codebook_size"] as? Int { c.codebookSize = v }
        return c
    }

    /// A temporary file path.
    static func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("vq-\(UUID().uuidString)-\(name)").path
    }
}
