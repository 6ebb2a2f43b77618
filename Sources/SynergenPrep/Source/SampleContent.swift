/// The parts of a sample the pipeline uses: one image and one caption.
public struct SampleContent: Sendable {
    public var key: String
    /// Extension of the member the image came from.
    public var imageExt: String
    public var imageBytes: [UInt8]
    public var caption: String

    /// Image extensions, in order of preference when a sample has several. The last component of a
    /// multi-part extension is what counts (`seg.jpg` is a jpg), as in webdataset's decoders.
    public static let imageExtensions = ["jpg", "jpeg", "png", "webp", "gif", "bmp", "tif", "tiff", "avif", "heic", "jxl", "ppm"]
    /// Caption extensions, in order of preference; `json` is used when it has a "caption" or "text" string.
    public static let textExtensions = ["txt", "text", "caption"]

    /// Picks the image and caption of `sample`: `no-image` / `no-text` when one is missing or empty.
    /// Captions are decoded as UTF-8 with invalid bytes replaced by U+FFFD and trimmed.
    public init(_ sample: RawSample) throws(SampleRejection) {
        key = sample.key
        func lastComponent(_ ext: String) -> Substring { ext.split(separator: ".").last ?? Substring(ext) }
        var image: RawSample.Member?
        for wanted in Self.imageExtensions {
            if let member = sample.members.first(where: { lastComponent($0.ext) == wanted }) { image = member; break }
        }
        guard let image else {
            let seen = sample.members.map(\.ext).joined(separator: ", ")
            throw SampleRejection(key: key, reason: .noImage, message: "no image member (has: \(seen.isEmpty ? "nothing" : seen))")
        }
        var text: String?
        for wanted in Self.textExtensions {
            if let member = sample.members.first(where: { $0.ext == wanted }) {
                text = String(decoding: member.bytes, as: UTF8.self)
                break
            }
        }
        if text == nil, let json = sample.member("json") {
            text = Self.captionFromJSON(json.bytes)
        }
        let caption = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !caption.isEmpty else {
            throw SampleRejection(key: key, reason: .noText, message: text == nil ? "no caption member" : "empty caption")
        }
        imageExt = image.ext
        imageBytes = image.bytes
        self.caption = caption
    }

    private static func captionFromJSON(_ bytes: [UInt8]) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return nil }
        return (object["caption"] as? String) ?? (object["text"] as? String)
    }
}

import Foundation
