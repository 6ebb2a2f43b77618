/// A precomputed two-pass resize from `inWidth`×`inHeight` to `outWidth`×`outHeight` with one
/// filter, bit-identical to Pillow's `ImagingResampleInner` on 8-bit RGB:
///
/// * two passes with an 8-bit intermediate, horizontal first — except that Pillow ≥ 13 runs
///   the vertical pass first when the height shrinks much more than the width
///   (see `ResamplePassOrder`);
/// * a pass is skipped when that dimension is unchanged (Pillow copies instead);
/// * the horizontal pass runs only over the source rows that the vertical pass reads
///   (Pillow's `ybox_first ..< ybox_last`) — here further narrowed to the rows and columns
///   that the requested output `region` needs, which changes no output value;
/// * accumulators start at 2^21 (rounding), are summed in wrapping 32-bit integers like the
///   C `int`, and are clipped to 0…255 after an arithmetic shift by 22.
public struct ResamplePlan: Sendable {
    public let inWidth: Int
    public let inHeight: Int
    public let outWidth: Int
    public let outHeight: Int
    public let filter: ResampleFilter
    /// Horizontal coefficients, or nil when the width is unchanged (pass skipped).
    public let horizontal: ResampleCoefficients?
    /// Vertical coefficients, or nil when the height is unchanged (pass skipped).
    public let vertical: ResampleCoefficients?

    /// The pass order in force (only matters when both passes run).
    public let passOrder: ResamplePassOrder

    public init(inWidth: Int, inHeight: Int, outWidth: Int, outHeight: Int, filter: ResampleFilter,
                passOrder: ResamplePassOrder = .default) {
        precondition(inWidth > 0 && inHeight > 0 && outWidth > 0 && outHeight > 0,
                     "ResamplePlan: sizes must be positive")
        self.inWidth = inWidth
        self.inHeight = inHeight
        self.outWidth = outWidth
        self.outHeight = outHeight
        self.filter = filter
        self.passOrder = passOrder
        horizontal = outWidth == inWidth ? nil
            : ResampleCoefficients(inSize: inWidth, outSize: outWidth, filter: filter)
        vertical = outHeight == inHeight ? nil
            : ResampleCoefficients(inSize: inHeight, outSize: outHeight, filter: filter)
    }

    /// Whether this plan runs the vertical pass before the horizontal one.
    public var verticalFirst: Bool {
        horizontal != nil && vertical != nil
            && passOrder.verticalFirst(inWidth: inWidth, inHeight: inHeight, outWidth: outWidth, outHeight: outHeight)
    }

    /// Writes `region` of the resized image into `destination` (rows `destinationRowStride`
    /// bytes apart). `source` is the interleaved RGB input of `inWidth`×`inHeight`.
    public func apply(source: UnsafeBufferPointer<UInt8>, region: PixelRect,
                      destination: UnsafeMutableBufferPointer<UInt8>, destinationRowStride: Int,
                      scratch: inout ResampleScratch) {
        precondition(source.count >= inWidth * inHeight * 3, "ResamplePlan: source too small")
        precondition(region.isInside(width: outWidth, height: outHeight),
                     "ResamplePlan: region outside the output")
        precondition(destinationRowStride >= region.width * 3
                     && destination.count >= (region.height - 1) * destinationRowStride + region.width * 3,
                     "ResamplePlan: destination too small")
        let ox = region.x, oy = region.y, ow = region.width, oh = region.height
        let src = source.baseAddress!, dst = destination.baseAddress!
        let inRowBytes = inWidth * 3

        switch (horizontal, vertical) {
        case (nil, nil):
            // Same size: copy the region.
            for r in 0..<oh {
                (dst + r * destinationRowStride).update(from: src + (oy + r) * inRowBytes + ox * 3, count: ow * 3)
            }
        case let (h?, nil):
            Self.horizontalPass(h, source: src, sourceRowBytes: inRowBytes, columnOffset: 0,
                                firstRow: oy, rows: oh, firstColumn: ox, columns: ow,
                                destination: dst, destinationRowBytes: destinationRowStride)
        case let (nil, v?):
            scratch.reserve(intermediate: 0, accumulator: ow * 3)
            var accBuf = scratch.takeAccumulator()
            defer { scratch.accumulator = accBuf }
            accBuf.withUnsafeMutableBufferPointer { acc in
                Self.verticalPass(v, source: src, sourceRowBytes: inRowBytes, sourceRowOffset: 0,
                                  sourceByteOffset: ox * 3, rowBytes: ow * 3, firstRow: oy, rows: oh,
                                  accumulator: acc.baseAddress!, destination: dst,
                                  destinationRowBytes: destinationRowStride)
            }
        case let (h?, v?):
            if verticalFirst {
                // Source columns the horizontal pass reads for output columns ox..<ox+ow.
                let colFirst = Int(h.start[ox])
                let colEnd = Int(h.start[ox + ow - 1] + h.count[ox + ow - 1])
                let midRowBytes = (colEnd - colFirst) * 3
                scratch.reserve(intermediate: oh * midRowBytes, accumulator: midRowBytes)
                var midBuf = scratch.takeIntermediate(), accBuf = scratch.takeAccumulator()
                defer { scratch.intermediate = midBuf; scratch.accumulator = accBuf }
                midBuf.withUnsafeMutableBufferPointer { mid in
                    accBuf.withUnsafeMutableBufferPointer { acc in
                        Self.verticalPass(v, source: src, sourceRowBytes: inRowBytes, sourceRowOffset: 0,
                                          sourceByteOffset: colFirst * 3, rowBytes: midRowBytes,
                                          firstRow: oy, rows: oh, accumulator: acc.baseAddress!,
                                          destination: mid.baseAddress!, destinationRowBytes: midRowBytes)
                    }
                    Self.horizontalPass(h, source: UnsafePointer(mid.baseAddress!), sourceRowBytes: midRowBytes,
                                        columnOffset: colFirst, firstRow: 0, rows: oh, firstColumn: ox, columns: ow,
                                        destination: dst, destinationRowBytes: destinationRowStride)
                }
            } else {
                // Source rows the vertical pass reads for output rows oy..<oy+oh (Pillow's ybox).
                let rowFirst = Int(v.start[oy])
                let rowEnd = Int(v.start[oy + oh - 1] + v.count[oy + oh - 1])
                let midRowBytes = ow * 3
                scratch.reserve(intermediate: (rowEnd - rowFirst) * midRowBytes, accumulator: midRowBytes)
                var midBuf = scratch.takeIntermediate(), accBuf = scratch.takeAccumulator()
                defer { scratch.intermediate = midBuf; scratch.accumulator = accBuf }
                midBuf.withUnsafeMutableBufferPointer { mid in
                    Self.horizontalPass(h, source: src, sourceRowBytes: inRowBytes, columnOffset: 0,
                                        firstRow: rowFirst, rows: rowEnd - rowFirst, firstColumn: ox, columns: ow,
                                        destination: mid.baseAddress!, destinationRowBytes: midRowBytes)
                    accBuf.withUnsafeMutableBufferPointer { acc in
                        Self.verticalPass(v, source: UnsafePointer(mid.baseAddress!), sourceRowBytes: midRowBytes,
                                          sourceRowOffset: rowFirst, sourceByteOffset: 0, rowBytes: midRowBytes,
                                          firstRow: oy, rows: oh, accumulator: acc.baseAddress!,
                                          destination: dst, destinationRowBytes: destinationRowStride)
                    }
                }
            }
        }
    }

    @inline(__always)
    static func clip8(_ s: Int32) -> UInt8 {
        let v = s >> ResampleCoefficients.precisionBits
        return v <= 0 ? 0 : (v >= 255 ? 255 : UInt8(truncatingIfNeeded: v))
    }

    /// Horizontal pass over `rows` source rows starting at `firstRow`, producing output
    /// columns `firstColumn ..< firstColumn + columns`.
    static func horizontalPass(_ c: ResampleCoefficients, source: UnsafePointer<UInt8>, sourceRowBytes: Int,
                               columnOffset: Int, firstRow: Int, rows: Int, firstColumn: Int, columns: Int,
                               destination: UnsafeMutablePointer<UInt8>, destinationRowBytes: Int) {
        let half: Int32 = 1 << (ResampleCoefficients.precisionBits - 1)
        let stride = c.stride
        c.weights.withUnsafeBufferPointer { wBuf in
            c.start.withUnsafeBufferPointer { startBuf in
                c.count.withUnsafeBufferPointer { countBuf in
                    let weights = wBuf.baseAddress!
                    var r = 0
                    // Two rows at a time share the coefficient loads and loop overhead.
                    while r + 1 < rows {
                        let srcRow0 = source + (firstRow + r) * sourceRowBytes
                        let srcRow1 = srcRow0 + sourceRowBytes
                        var dst0 = destination + r * destinationRowBytes
                        var dst1 = dst0 + destinationRowBytes
                        for xx in firstColumn..<(firstColumn + columns) {
                            let k = weights + xx * stride
                            let n = Int(countBuf[xx])
                            let off = (Int(startBuf[xx]) - columnOffset) * 3
                            var p = srcRow0 + off
                            var q = srcRow1 + off
                            var a0 = half, a1 = half, a2 = half
                            var b0 = half, b1 = half, b2 = half
                            for t in 0..<n {
                                let w = k[t]
                                a0 &+= Int32(p[0]) &* w
                                a1 &+= Int32(p[1]) &* w
                                a2 &+= Int32(p[2]) &* w
                                b0 &+= Int32(q[0]) &* w
                                b1 &+= Int32(q[1]) &* w
                                b2 &+= Int32(q[2]) &* w
                                p += 3
                                q += 3
                            }
                            dst0[0] = clip8(a0); dst0[1] = clip8(a1); dst0[2] = clip8(a2)
                            dst1[0] = clip8(b0); dst1[1] = clip8(b1); dst1[2] = clip8(b2)
                            dst0 += 3
                            dst1 += 3
                        }
                        r += 2
                    }
                    if r < rows {
                        let srcRow = source + (firstRow + r) * sourceRowBytes
                        var dst = destination + r * destinationRowBytes
                        for xx in firstColumn..<(firstColumn + columns) {
                            let k = weights + xx * stride
                            let n = Int(countBuf[xx])
                            var p = srcRow + (Int(startBuf[xx]) - columnOffset) * 3
                            var s0 = half, s1 = half, s2 = half
                            for t in 0..<n {
                                let w = k[t]
                                s0 &+= Int32(p[0]) &* w
                                s1 &+= Int32(p[1]) &* w
                                s2 &+= Int32(p[2]) &* w
                                p += 3
                            }
                            dst[0] = clip8(s0)
                            dst[1] = clip8(s1)
                            dst[2] = clip8(s2)
                        dst += 3
                        }
                    }
                }
            }
        }
    }

    /// Vertical pass: output rows `firstRow ..< firstRow + rows`; source row `y` of the
    /// coefficients is found at `source + (y - sourceRowOffset) * sourceRowBytes + sourceByteOffset`.
    static func verticalPass(_ c: ResampleCoefficients, source: UnsafePointer<UInt8>, sourceRowBytes: Int,
                             sourceRowOffset: Int, sourceByteOffset: Int, rowBytes: Int,
                             firstRow: Int, rows: Int, accumulator: UnsafeMutablePointer<Int32>,
                             destination: UnsafeMutablePointer<UInt8>, destinationRowBytes: Int) {
        let half: Int32 = 1 << (ResampleCoefficients.precisionBits - 1)
        let shift = ResampleCoefficients.precisionBits
        let stride = c.stride
        c.weights.withUnsafeBufferPointer { wBuf in
            let weights = wBuf.baseAddress!
            for r in 0..<rows {
                let yy = firstRow + r
                let k = weights + yy * stride
                let y0 = Int(c.start[yy]) - sourceRowOffset
                let n = Int(c.count[yy])
                for i in 0..<rowBytes { accumulator[i] = half }
                for t in 0..<n {
                    let w = k[t]
                    let row = source + (y0 + t) * sourceRowBytes + sourceByteOffset
                    for i in 0..<rowBytes {
                        accumulator[i] &+= Int32(row[i]) &* w
                    }
                }
                let dst = destination + r * destinationRowBytes
                for i in 0..<rowBytes {
                    let v = accumulator[i] >> shift
                    dst[i] = UInt8(truncatingIfNeeded: v < 0 ? 0 : (v > 255 ? 255 : v))
                }
            }
        }
    }
}
