import Foundation

/// A batch of feature maps inside the encoder, stored channel-major with the batch inside each
/// channel and a one-pixel zero border around every plane: `[channels][batch][(height+2)·(width+2)]`.
///
/// The zero border is the 3×3 convolutions' padding, so a stride-1 3×3 convolution is nine
/// matrix products over shifted views of the same buffer (no im2col copy), and the whole batch is
/// one matrix product because planes of one channel lie next to each other. Every operation keeps
/// the border zero.
public struct FeatureMap: Sendable {
    public let channels: Int
    public let batch: Int
    public let height: Int
    public let width: Int
    /// `channels · batch · plane` floats.
    public var data: [Float]

    /// Row length including the border.
    @inlinable public var paddedWidth: Int { width + 2 }
    /// Floats per padded plane.
    @inlinable public var plane: Int { (height + 2) * (width + 2) }
    /// Floats per channel (all images of the batch).
    @inlinable public var channelStride: Int { batch * plane }

    /// A zero-filled map.
    public init(channels: Int, batch: Int, height: Int, width: Int) {
        self.channels = channels
        self.batch = batch
        self.height = height
        self.width = width
        data = [Float](repeating: 0, count: channels * batch * (height + 2) * (width + 2))
    }

    /// Converts a `[N, C, H, W]` row-major batch (the preprocessing's `ModelTensor` layout).
    public init(nchw: UnsafeBufferPointer<Float>, batch: Int, channels: Int, height: Int, width: Int) {
        self.init(channels: channels, batch: batch, height: height, width: width)
        let pw = paddedWidth, pl = plane, cs = channelStride
        data.withUnsafeMutableBufferPointer { dst in
            for n in 0..<batch {
                for c in 0..<channels {
                    let src = nchw.baseAddress! + (n * channels + c) * height * width
                    let d = dst.baseAddress! + c * cs + n * pl
                    for y in 0..<height {
                        (d + (y + 1) * pw + 1).update(from: src + y * width, count: width)
                    }
                }
            }
        }
    }

    /// Zeroes the border of every plane (after an operation that wrote through it).
    public mutating func zeroBorder() {
        let pw = paddedWidth, pl = plane, h = height, w = width
        data.withUnsafeMutableBufferPointer { buf in
            let count = channels * batch
            for p in 0..<count {
                let base = buf.baseAddress! + p * pl
                base.update(repeating: 0, count: pw)
                (base + (h + 1) * pw).update(repeating: 0, count: pw)
                for y in 1...max(1, h) where h > 0 {
                    base[y * pw] = 0
                    base[y * pw + w + 1] = 0
                }
            }
        }
    }

    /// The interior as `[N, C, H, W]` row-major floats.
    public func nchw() -> [Float] {
        var out = [Float](repeating: 0, count: batch * channels * height * width)
        let pw = paddedWidth, pl = plane, cs = channelStride
        out.withUnsafeMutableBufferPointer { dst in
            data.withUnsafeBufferPointer { src in
                for n in 0..<batch {
                    for c in 0..<channels {
                        let d = dst.baseAddress! + (n * channels + c) * height * width
                        let s = src.baseAddress! + c * cs + n * pl
                        for y in 0..<height {
                            (d + y * width).update(from: s + (y + 1) * pw + 1, count: width)
                        }
                    }
                }
            }
        }
        return out
    }

    /// `self += other` elementwise (borders stay zero).
    public mutating func add(_ other: FeatureMap, threads: Int) {
        precondition(data.count == other.data.count, "FeatureMap.add: shape mismatch")
        data.withUnsafeMutableBufferPointer { d in
            other.data.withUnsafeBufferPointer { s in
                let n = d.count
                let dp = d.baseAddress!, sp = s.baseAddress!
                Parallel.chunks(n, threads: threads, minimumChunk: 1 << 16) { r in
                    for i in r { dp[i] += sp[i] }
                }
            }
        }
    }
}
