import Foundation

/// The PNG files `image preprocess` writes for the views of one image, all in one folder:
/// `<stem>_gen.png`, `<stem>_tile<i>.png` per tile (row-major, from 0) and `<stem>_thumb.png`,
/// where the stem is the image file's name without its extension.
public struct ViewPNGFiles: Sendable {
    /// The folder the files go in (created when writing).
    public let folder: String
    /// The first part of every file name.
    public let stem: String

    /// The files for the views of the image at `imagePath`, in `folder`.
    public init(folder: String, imagePath: String) {
        self.folder = folder
        stem = ((imagePath as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    /// The path of the file holding the view at `place`.
    public func path(for place: LabelledView.Place) -> String {
        let suffix: String
        switch place {
        case .generation: suffix = "gen"
        case .tile(let index, _, _): suffix = "tile\(index)"
        case .thumbnail: suffix = "thumb"
        }
        return (folder as NSString).appendingPathComponent("\(stem)_\(suffix).png")
    }

    /// Creates the folder and writes every view as PNG (libpng, each file atomically), in batch
    /// order; returns the paths written.
    public func write(_ views: ImageViews) throws -> [String] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return try views.labelled.map { view in
            let path = path(for: view.place)
            try PNGFile.write(view.image, to: path)
            return path
        }
    }
}
