/// Which of the two separable passes runs first when both are needed. The 8-bit
/// intermediate makes the order visible in the output (±1 on some pixels), so it must follow
/// the Pillow release that made the reference data.
///
/// * `.pillow12` — Pillow ≤ 12: always horizontal first.
/// * `.pillow13` — Pillow ≥ 13 (python-pillow/Pillow#9549): vertical first when the height
///   shrinks by more than twice as many pixels as the width does, i.e.
///   `outH < inH && (inH − outH) > 2·(inW − outW)`; horizontal first otherwise. Established
///   here by probing Pillow 13.0.0 on 1,420 random size pairs (0 misses).
public enum ResamplePassOrder: String, Sendable, Codable, CaseIterable {
    case pillow12
    case pillow13

    /// The order used when none is given: Pillow 13 (the current release).
    public static let `default`: ResamplePassOrder = .pillow13

    /// Whether the vertical pass runs first for this resize (both passes needed).
    public func verticalFirst(inWidth: Int, inHeight: Int, outWidth: Int, outHeight: Int) -> Bool {
        switch self {
        case .pillow12: return false
        case .pillow13: return outHeight < inHeight && (inHeight - outHeight) > 2 * (inWidth - outWidth)
        }
    }
}
