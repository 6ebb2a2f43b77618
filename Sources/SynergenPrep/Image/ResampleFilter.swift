#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A separable reconstruction filter for `Resampler`, with the kernels and supports that
/// Pillow's `Image.resize` uses for 8-bit images.
///
/// Every kernel is evaluated in `Double` with the operations in the same order as Pillow's
/// C code, so that the normalised fixed-point weights come out bit-identical.
public enum ResampleFilter: String, Sendable, CaseIterable, Codable {
    /// Box (area average on downscale, nearest-like on upscale); support 0.5.
    case box
    /// Triangle / bilinear; support 1.
    case bilinear
    /// Keys cubic convolution with a = −0.5 (Pillow's `BICUBIC`); support 2.
    case bicubic
    /// Lanczos with 3 lobes (Pillow's `LANCZOS`); support 3.
    case lanczos

    /// Half-width of the kernel in source pixels before widening by the downscale factor.
    public var support: Double {
        switch self {
        case .box: return 0.5
        case .bilinear: return 1.0
        case .bicubic: return 2.0
        case .lanczos: return 3.0
        }
    }

    /// The kernel value at `x` (distance in filter units).
    @inline(__always)
    public func weight(_ x: Double) -> Double {
        switch self {
        case .box:
            return (x > -0.5 && x <= 0.5) ? 1.0 : 0.0
        case .bilinear:
            let t = x < 0.0 ? -x : x
            return t < 1.0 ? 1.0 - t : 0.0
        case .bicubic:
            let a = -0.5
            let t = x < 0.0 ? -x : x
            if t < 1.0 { return ((a + 2.0) * t - (a + 3.0)) * t * t + 1 }
            if t < 2.0 { return (((t - 5) * t + 8) * t - 4) * a }
            return 0.0
        case .lanczos:
            if -3.0 <= x && x < 3.0 { return Self.sinc(x) * Self.sinc(x / 3) }
            return 0.0
        }
    }

    @inline(__always)
    static func sinc(_ x: Double) -> Double {
        if x == 0.0 { return 1.0 }
        let px = x * Double.pi
        return sin(px) / px
    }
}
