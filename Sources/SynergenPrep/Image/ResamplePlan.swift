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
///
/// On x86-64 the passes run as SSE2 code (`ResampleKernelsSSE2.swift`) over fixed-length,
/// zero-padded windows (`ResampleTaps`); elsewhere, or if the weights do not fit that layout,
/// as the scalar loops below. Both write the same bytes (checked by the tests).
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

    /// Both axes laid out for the vector passes, or nil where those do not exist (not x86-64)
    /// or cannot take the weights; then the scalar passes run.
    let taps: (horizontal: ResampleTaps?, vertical: ResampleTaps?)?

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
        taps = Self.vectorTaps(horizontal: horizontal, vertical: vertical)
    }

    private static func vectorTaps(horizontal: ResampleCoefficients?, vertical: ResampleCoefficients?)
        -> (horizontal: ResampleTaps?, vertical: ResampleTaps?)? {
        #if arch(x86_64)
        var h: ResampleTaps?, v: ResampleTaps?
        if let horizontal {
            guard let t = ResampleTaps(horizontal) else { return nil }
            h = t
        }
        if let vertical {
            guard let t = ResampleTaps(vertical) else { return nil }
            v = t
        }
        return (h, v)
        #else
        return nil
        #endif
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
        apply(source: source, region: region, destination: destination, destinationRowStride: destinationRowStride,
              scratch: &scratch, vectorKernels: true)
    }

    /// `vectorKernels: false` forces the scalar passes (the reference the vector ones are tested against).
    func apply(source: UnsafeBufferPointer<UInt8>, region: PixelRect,
               destination: UnsafeMutableBufferPointer<UInt8>, destinationRowStride: Int,
               scratch: inout ResampleScratch, vectorKernels: Bool) {
        precondition(source.count >= inWidth * inHeight * 3, "ResamplePlan: source too small")
        precondition(region.isInside(width: outWidth, height: outHeight),
                     "ResamplePlan: region outside the output")
        precondition(destinationRowStride >= region.width * 3
                     && destination.count >= (region.height - 1) * destinationRowStride + region.width * 3,
                     "ResamplePlan: destination too small")
        if vectorKernels, let taps {
            run(h: taps.horizontal, v: taps.vertical, source: source, region: region,
                destination: destination.baseAddress!, destinationRowStride: destinationRowStride, scratch: &scratch)
        } else {
            run(h: horizontal, v: vertical, source: source, region: region,
                destination: destination.baseAddress!, destinationRowStride: destinationRowStride, scratch: &scratch)
        }
    }

    /// The pass driver, shared by the scalar (`ResampleCoefficients`) and vector (`ResampleTaps`) passes.
    @inline(__always)
    private func run<Axis: ResampleAxisPasses>(h: Axis?, v: Axis?, source: UnsafeBufferPointer<UInt8>,
                                              region: PixelRect, destination dst: UnsafeMutablePointer<UInt8>,
                                              destinationRowStride: Int, scratch: inout ResampleScratch) {
        let ox = region.x, oy = region.y, ow = region.width, oh = region.height
        let src = source.baseAddress!, srcEnd = src + source.count
        let inRowBytes = inWidth * 3

        switch (h, v) {
        case (nil, nil):
            // Same size: copy the region.
            for r in 0..<oh {
                (dst + r * destinationRowStride).update(from: src + (oy + r) * inRowBytes + ox * 3, count: ow * 3)
            }
        case let (h?, nil):
            h.horizontal(source: src, sourceRowBytes: inRowBytes, sourceEnd: srcEnd, columnOffset: 0,
                         firstRow: oy, rows: oh, firstColumn: ox, columns: ow,
                         destination: dst, destinationRowBytes: destinationRowStride)
        case let (nil, v?):
            v.vertical(source: src, sourceRowBytes: inRowBytes, sourceRowOffset: 0,
                       sourceByteOffset: ox * 3, rowBytes: ow * 3, firstRow: oy, rows: oh,
                       destination: dst, destinationRowBytes: destinationRowStride, scratch: &scratch)
        case let (h?, v?):
            if verticalFirst {
                // Source columns the horizontal pass reads for output columns ox..<ox+ow.
                let cols = h.sourceRange(first: ox, count: ow)
                let midRowBytes = cols.count * 3
                let midBytes = oh * midRowBytes
                // Slack after the image: the vector horizontal pass reads one byte past a pixel.
                scratch.reserve(intermediate: midBytes + 16)
                var midBuf = scratch.takeIntermediate()
                defer { scratch.intermediate = midBuf }
                midBuf.withUnsafeMutableBufferPointer { mid in
                    let m = mid.baseAddress!
                    v.vertical(source: src, sourceRowBytes: inRowBytes, sourceRowOffset: 0,
                               sourceByteOffset: cols.lowerBound * 3, rowBytes: midRowBytes,
                               firstRow: oy, rows: oh, destination: m, destinationRowBytes: midRowBytes,
                               scratch: &scratch)
                    h.horizontal(source: UnsafePointer(m), sourceRowBytes: midRowBytes,
                                 sourceEnd: UnsafePointer(m + mid.count), columnOffset: cols.lowerBound,
                                 firstRow: 0, rows: oh, firstColumn: ox, columns: ow,
                                 destination: dst, destinationRowBytes: destinationRowStride)
                }
            } else {
                // Source rows the vertical pass reads for output rows oy..<oy+oh (Pillow's ybox).
                let rows = v.sourceRange(first: oy, count: oh)
                let midRowBytes = ow * 3
                scratch.reserve(intermediate: rows.count * midRowBytes)
                var midBuf = scratch.takeIntermediate()
                defer { scratch.intermediate = midBuf }
                midBuf.withUnsafeMutableBufferPointer { mid in
                    let m = mid.baseAddress!
                    h.horizontal(source: src, sourceRowBytes: inRowBytes, sourceEnd: srcEnd, columnOffset: 0,
                                 firstRow: rows.lowerBound, rows: rows.count, firstColumn: ox, columns: ow,
                                 destination: m, destinationRowBytes: midRowBytes)
                    v.vertical(source: UnsafePointer(m), sourceRowBytes: midRowBytes,
                               sourceRowOffset: rows.lowerBound, sourceByteOffset: 0, rowBytes: midRowBytes,
                               firstRow: oy, rows: oh, destination: dst, destinationRowBytes: destinationRowStride,
                               scratch: &scratch)
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

/// One axis of a resize as `ResamplePlan`'s pass driver uses it: which source samples a run of
/// outputs reads, and the two passes. `ResampleCoefficients` gives the scalar passes (Pillow's
/// loops, any platform); `ResampleTaps` the vector ones.
protocol ResampleAxisPasses {
    /// Source indices read by the outputs `first ..< first + count`.
    func sourceRange(first: Int, count: Int) -> Range<Int>

    /// Horizontal pass over `rows` rows from `firstRow`, producing output columns
    /// `firstColumn ..< firstColumn + columns`; source column `c` of the coefficients is at
    /// `c - columnOffset` in the row. Nothing at or after `sourceEnd` is read.
    func horizontal(source: UnsafePointer<UInt8>, sourceRowBytes: Int, sourceEnd: UnsafePointer<UInt8>,
                    columnOffset: Int, firstRow: Int, rows: Int, firstColumn: Int, columns: Int,
                    destination: UnsafeMutablePointer<UInt8>, destinationRowBytes: Int)

    /// Vertical pass: output rows `firstRow ..< firstRow + rows`, `rowBytes` bytes each; source
    /// row `y` is at `source + (y - sourceRowOffset) * sourceRowBytes + sourceByteOffset`.
    func vertical(source: UnsafePointer<UInt8>, sourceRowBytes: Int, sourceRowOffset: Int,
                  sourceByteOffset: Int, rowBytes: Int, firstRow: Int, rows: Int,
                  destination: UnsafeMutablePointer<UInt8>, destinationRowBytes: Int,
                  scratch: inout ResampleScratch)
}

extension ResampleCoefficients: ResampleAxisPasses {
    func sourceRange(first: Int, count n: Int) -> Range<Int> {
        Int(start[first])..<Int(start[first + n - 1] + count[first + n - 1])
    }

    func horizontal(source: UnsafePointer<UInt8>, sourceRowBytes: Int, sourceEnd: UnsafePointer<UInt8>,
                    columnOffset: Int, firstRow: Int, rows: Int, firstColumn: Int, columns: Int,
                    destination: UnsafeMutablePointer<UInt8>, destinationRowBytes: Int) {
        ResamplePlan.horizontalPass(self, source: source, sourceRowBytes: sourceRowBytes, columnOffset: columnOffset,
                                    firstRow: firstRow, rows: rows, firstColumn: firstColumn, columns: columns,
                                    destination: destination, destinationRowBytes: destinationRowBytes)
    }

    func vertical(source: UnsafePointer<UInt8>, sourceRowBytes: Int, sourceRowOffset: Int,
                  sourceByteOffset: Int, rowBytes: Int, firstRow: Int, rows: Int,
                  destination: UnsafeMutablePointer<UInt8>, destinationRowBytes: Int,
                  scratch: inout ResampleScratch) {
        scratch.reserve(accumulator: rowBytes)
        var accBuf = scratch.takeAccumulator()
        defer { scratch.accumulator = accBuf }
        accBuf.withUnsafeMutableBufferPointer { acc in
            ResamplePlan.verticalPass(self, source: source, sourceRowBytes: sourceRowBytes,
                                      sourceRowOffset: sourceRowOffset, sourceByteOffset: sourceByteOffset,
                                      rowBytes: rowBytes, firstRow: firstRow, rows: rows,
                                      accumulator: acc.baseAddress!, destination: destination,
                                      destinationRowBytes: destinationRowBytes)
        }
    }
}

extension ResampleTaps: ResampleAxisPasses {
    func horizontal(source: UnsafePointer<UInt8>, sourceRowBytes: Int, sourceEnd: UnsafePointer<UInt8>,
                    columnOffset: Int, firstRow: Int, rows: Int, firstColumn: Int, columns: Int,
                    destination: UnsafeMutablePointer<UInt8>, destinationRowBytes: Int) {
        #if arch(x86_64)
        horizontalSSE2(source: source, sourceRowBytes: sourceRowBytes, sourceEnd: sourceEnd,
                       columnOffset: columnOffset, firstRow: firstRow, rows: rows, firstColumn: firstColumn,
                       columns: columns, destination: destination, destinationRowBytes: destinationRowBytes)
        #else
        // Not reached today (plans build no taps off x86-64); kept so the type works anywhere.
        for r in 0..<rows {
            horizontalRowScalar(source + (firstRow + r) * sourceRowBytes, columnOffset: columnOffset,
                                firstColumn: firstColumn, columns: columns, destination + r * destinationRowBytes)
        }
        #endif
    }

    func vertical(source: UnsafePointer<UInt8>, sourceRowBytes: Int, sourceRowOffset: Int,
                  sourceByteOffset: Int, rowBytes: Int, firstRow: Int, rows: Int,
                  destination: UnsafeMutablePointer<UInt8>, destinationRowBytes: Int,
                  scratch: inout ResampleScratch) {
        #if arch(x86_64)
        verticalSSE2(source: source, sourceRowBytes: sourceRowBytes, sourceRowOffset: sourceRowOffset,
                     sourceByteOffset: sourceByteOffset, rowBytes: rowBytes, firstRow: firstRow, rows: rows,
                     destination: destination, destinationRowBytes: destinationRowBytes)
        #else
        verticalScalar(source: source, sourceRowBytes: sourceRowBytes, sourceRowOffset: sourceRowOffset,
                       sourceByteOffset: sourceByteOffset, rowBytes: rowBytes, firstRow: firstRow, rows: rows,
                       destination: destination, destinationRowBytes: destinationRowBytes)
        #endif
    }
}
