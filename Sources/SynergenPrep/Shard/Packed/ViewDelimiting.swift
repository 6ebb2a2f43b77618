/// How the views of one understanding image are delimited.
public enum ViewDelimiting: String, Codable, Sendable, CaseIterable {
    /// `<boi>tile<eoi><boi>tile<eoi>…<boi>thumbnail<eoi>` (default).
    case perView = "per-view"
    /// `<boi>tile tile … thumbnail<eoi>`.
    case together
}
