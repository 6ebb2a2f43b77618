#if arch(x86_64)
import _Builtin_intrinsics.intel

/// The two resampling passes written with SSE2 (the x86-64 baseline, so no CPU check), on the
/// fixed-length, split-weight windows of `ResampleTaps`.
///
/// The core instruction is `pmaddwd` (16-bit × 16-bit products, adjacent pairs summed into
/// 32 bits): the samples of two consecutive taps are interleaved into 16-bit pairs and
/// multiplied by a pair of low (then high) weight parts, so one instruction does two taps of
/// four lanes. The sums are rebuilt as `low + high << 11 + 2^21` in wrapping 32-bit lanes,
/// shifted right by 22 and saturated to 0…255 by the packing instructions — the same values,
/// bit for bit, as the scalar passes.
extension ResampleTaps {
    @inline(__always)
    private static func load32(_ p: UnsafePointer<UInt8>) -> __m128i {
        _mm_cvtsi32_si128(Int32(bitPattern: UnsafeRawPointer(p).loadUnaligned(as: UInt32.self)))
    }

    @inline(__always)
    private static func load128(_ p: UnsafePointer<UInt8>) -> __m128i {
        UnsafeRawPointer(p).loadUnaligned(as: __m128i.self)
    }

    /// `(low + high << 11) >> 22`, four lanes.
    @inline(__always)
    private static func finish(_ low: __m128i, _ high: __m128i) -> __m128i {
        _mm_srai_epi32(_mm_add_epi32(low, _mm_slli_epi32(high, ResampleTaps.lowBits)),
                       ResampleCoefficients.precisionBits)
    }

    /// Writes the first three bytes of `v` (the last pixel of a row: no byte past it).
    @inline(__always)
    private static func store3(_ v: UInt32, _ dst: UnsafeMutablePointer<UInt8>) {
        dst[0] = UInt8(truncatingIfNeeded: v)
        dst[1] = UInt8(truncatingIfNeeded: v >> 8)
        dst[2] = UInt8(truncatingIfNeeded: v >> 16)
    }

    /// Horizontal pass over interleaved RGB, two rows at a time. Each tap reads four bytes
    /// (the pixel and one byte after it, multiplied by nothing that is kept), so a row is taken
    /// here only when that byte lies before `sourceEnd`; other rows go to the scalar loop.
    func horizontalSSE2(source: UnsafePointer<UInt8>, sourceRowBytes: Int, sourceEnd: UnsafePointer<UInt8>,
                        columnOffset: Int, firstRow: Int, rows: Int, firstColumn: Int, columns: Int,
                        destination: UnsafeMutablePointer<UInt8>, destinationRowBytes: Int) {
        let lastColumn = firstColumn + columns - 1
        // Bytes read past a row's start by the last output column.
        let rowReach = (Int(start[lastColumn]) - columnOffset + taps) * 3 + 1
        pairWeights.withUnsafeBufferPointer { wBuf in
            start.withUnsafeBufferPointer { startBuf in
                let w = UnsafeRawPointer(wBuf.baseAddress!)
                var r = 0
                while r < rows {
                    let row0 = source + (firstRow + r) * sourceRowBytes
                    // A lone last row is run as a pair with itself.
                    let second = r + 1 < rows ? 1 : 0
                    let row1 = row0 + second * sourceRowBytes
                    let dst0 = destination + r * destinationRowBytes
                    let dst1 = dst0 + second * destinationRowBytes
                    if row1 + rowReach <= sourceEnd {
                        horizontalRowPair(row0, row1, weights: w, start: startBuf.baseAddress!,
                                          columnOffset: columnOffset, firstColumn: firstColumn,
                                          lastColumn: lastColumn, dst0, dst1)
                    } else {
                        horizontalRowScalar(row0, columnOffset: columnOffset, firstColumn: firstColumn,
                                            columns: columns, dst0)
                        if second == 1 {
                            horizontalRowScalar(row1, columnOffset: columnOffset, firstColumn: firstColumn,
                                                columns: columns, dst1)
                        }
                    }
                    r += 2
                }
            }
        }
    }

    @inline(__always)
    private func horizontalRowPair(_ row0: UnsafePointer<UInt8>, _ row1: UnsafePointer<UInt8>,
                                   weights: UnsafeRawPointer, start: UnsafePointer<Int32>,
                                   columnOffset: Int, firstColumn: Int, lastColumn: Int,
                                   _ dst0: UnsafeMutablePointer<UInt8>, _ dst1: UnsafeMutablePointer<UInt8>) {
        let zero = _mm_setzero_si128()
        let half = _mm_set1_epi32(1 << (ResampleCoefficients.precisionBits - 1))
        let fullPairs = taps / 2, odd = taps & 1 == 1
        let pairBytes = pairs * 32
        var d0 = dst0, d1 = dst1
        for x in firstColumn...lastColumn {
            let off = (Int(start[x]) - columnOffset) * 3
            var p = row0 + off, q = row1 + off
            var k = weights + x * pairBytes
            var l0 = half, h0 = zero, l1 = half, h1 = zero
            for _ in 0..<fullPairs {
                // R G B · of taps t and t+1 interleaved into 16-bit pairs (Rt Rt+1 Gt Gt+1 …).
                let a = _mm_unpacklo_epi8(_mm_unpacklo_epi8(Self.load32(p), Self.load32(p + 3)), zero)
                let b = _mm_unpacklo_epi8(_mm_unpacklo_epi8(Self.load32(q), Self.load32(q + 3)), zero)
                let wl = k.load(as: __m128i.self), wh = k.load(fromByteOffset: 16, as: __m128i.self)
                l0 = _mm_add_epi32(l0, _mm_madd_epi16(a, wl))
                h0 = _mm_add_epi32(h0, _mm_madd_epi16(a, wh))
                l1 = _mm_add_epi32(l1, _mm_madd_epi16(b, wl))
                h1 = _mm_add_epi32(h1, _mm_madd_epi16(b, wh))
                p += 6; q += 6; k += 32
            }
            if odd {
                let a = _mm_unpacklo_epi8(_mm_unpacklo_epi8(Self.load32(p), zero), zero)
                let b = _mm_unpacklo_epi8(_mm_unpacklo_epi8(Self.load32(q), zero), zero)
                let wl = k.load(as: __m128i.self), wh = k.load(fromByteOffset: 16, as: __m128i.self)
                l0 = _mm_add_epi32(l0, _mm_madd_epi16(a, wl))
                h0 = _mm_add_epi32(h0, _mm_madd_epi16(a, wh))
                l1 = _mm_add_epi32(l1, _mm_madd_epi16(b, wl))
                h1 = _mm_add_epi32(h1, _mm_madd_epi16(b, wh))
            }
            // Bytes 0–3: row 0's R G B ·, bytes 4–7: row 1's.
            let packed = _mm_packus_epi16(_mm_packs_epi32(Self.finish(l0, h0), Self.finish(l1, h1)), zero)
            let both = UInt64(bitPattern: _mm_cvtsi128_si64(packed))
            let v0 = UInt32(truncatingIfNeeded: both), v1 = UInt32(truncatingIfNeeded: both >> 32)
            if x < lastColumn {
                // The fourth byte lands on the next pixel, which overwrites it.
                UnsafeMutableRawPointer(d0).storeBytes(of: v0, as: UInt32.self)
                UnsafeMutableRawPointer(d1).storeBytes(of: v1, as: UInt32.self)
            } else {
                Self.store3(v0, d0)
                Self.store3(v1, d1)
            }
            d0 += 3; d1 += 3
        }
    }

    /// Vertical pass, sixteen bytes of a row at a time with every tap in registers; the last
    /// block of a row overlaps the one before it (same values written twice).
    func verticalSSE2(source: UnsafePointer<UInt8>, sourceRowBytes: Int, sourceRowOffset: Int,
                      sourceByteOffset: Int, rowBytes: Int, firstRow: Int, rows: Int,
                      destination: UnsafeMutablePointer<UInt8>, destinationRowBytes: Int) {
        guard rowBytes >= 16 else {
            verticalScalar(source: source, sourceRowBytes: sourceRowBytes, sourceRowOffset: sourceRowOffset,
                           sourceByteOffset: sourceByteOffset, rowBytes: rowBytes, firstRow: firstRow,
                           rows: rows, destination: destination, destinationRowBytes: destinationRowBytes)
            return
        }
        let zero = _mm_setzero_si128()
        let half = _mm_set1_epi32(1 << (ResampleCoefficients.precisionBits - 1))
        let fullPairs = taps / 2, odd = taps & 1 == 1
        let pairBytes = pairs * 32
        pairWeights.withUnsafeBufferPointer { wBuf in
            let weights = UnsafeRawPointer(wBuf.baseAddress!)
            for r in 0..<rows {
                let yy = firstRow + r
                let base = source + (Int(start[yy]) - sourceRowOffset) * sourceRowBytes + sourceByteOffset
                let kRow = weights + yy * pairBytes
                let dst = destination + r * destinationRowBytes
                var i = 0
                while true {
                    var p = base + i
                    var k = kRow
                    var l0 = half, l1 = half, l2 = half, l3 = half
                    var h0 = zero, h1 = zero, h2 = zero, h3 = zero
                    for j in 0..<(fullPairs + (odd ? 1 : 0)) {
                        let a = Self.load128(p)
                        let b = j < fullPairs ? Self.load128(p + sourceRowBytes) : zero
                        let lo = _mm_unpacklo_epi8(a, b), hi = _mm_unpackhi_epi8(a, b)
                        let x0 = _mm_unpacklo_epi8(lo, zero), x1 = _mm_unpackhi_epi8(lo, zero)
                        let x2 = _mm_unpacklo_epi8(hi, zero), x3 = _mm_unpackhi_epi8(hi, zero)
                        let wl = k.load(as: __m128i.self), wh = k.load(fromByteOffset: 16, as: __m128i.self)
                        l0 = _mm_add_epi32(l0, _mm_madd_epi16(x0, wl))
                        l1 = _mm_add_epi32(l1, _mm_madd_epi16(x1, wl))
                        l2 = _mm_add_epi32(l2, _mm_madd_epi16(x2, wl))
                        l3 = _mm_add_epi32(l3, _mm_madd_epi16(x3, wl))
                        h0 = _mm_add_epi32(h0, _mm_madd_epi16(x0, wh))
                        h1 = _mm_add_epi32(h1, _mm_madd_epi16(x1, wh))
                        h2 = _mm_add_epi32(h2, _mm_madd_epi16(x2, wh))
                        h3 = _mm_add_epi32(h3, _mm_madd_epi16(x3, wh))
                        p += 2 * sourceRowBytes
                        k += 32
                    }
                    let out = _mm_packus_epi16(_mm_packs_epi32(Self.finish(l0, h0), Self.finish(l1, h1)),
                                               _mm_packs_epi32(Self.finish(l2, h2), Self.finish(l3, h3)))
                    UnsafeMutableRawPointer(dst + i).storeBytes(of: out, as: __m128i.self)
                    if i + 16 >= rowBytes { break }
                    i = min(i + 16, rowBytes - 16)
                }
            }
        }
    }
}
#endif

extension ResampleTaps {
    @inline(__always)
    static func clip8(_ s: Int32) -> UInt8 {
        let v = s >> ResampleCoefficients.precisionBits
        return v <= 0 ? 0 : (v >= 255 ? 255 : UInt8(truncatingIfNeeded: v))
    }

    /// One row of the horizontal pass in plain integer code (rows whose last read would pass
    /// the end of the source).
    func horizontalRowScalar(_ row: UnsafePointer<UInt8>, columnOffset: Int, firstColumn: Int, columns: Int,
                             _ dst: UnsafeMutablePointer<UInt8>) {
        let half: Int32 = 1 << (ResampleCoefficients.precisionBits - 1)
        weights.withUnsafeBufferPointer { k in
            var d = dst
            for x in firstColumn..<(firstColumn + columns) {
                var p = row + (Int(start[x]) - columnOffset) * 3
                var s0 = half, s1 = half, s2 = half
                for t in 0..<taps {
                    let w = k[x * taps + t]
                    s0 &+= Int32(p[0]) &* w
                    s1 &+= Int32(p[1]) &* w
                    s2 &+= Int32(p[2]) &* w
                    p += 3
                }
                d[0] = Self.clip8(s0); d[1] = Self.clip8(s1); d[2] = Self.clip8(s2)
                d += 3
            }
        }
    }

    /// The vertical pass in plain integer code (rows narrower than one vector).
    func verticalScalar(source: UnsafePointer<UInt8>, sourceRowBytes: Int, sourceRowOffset: Int,
                        sourceByteOffset: Int, rowBytes: Int, firstRow: Int, rows: Int,
                        destination: UnsafeMutablePointer<UInt8>, destinationRowBytes: Int) {
        let half: Int32 = 1 << (ResampleCoefficients.precisionBits - 1)
        weights.withUnsafeBufferPointer { k in
            for r in 0..<rows {
                let yy = firstRow + r
                let base = source + (Int(start[yy]) - sourceRowOffset) * sourceRowBytes + sourceByteOffset
                let dst = destination + r * destinationRowBytes
                for i in 0..<rowBytes {
                    var s = half
                    for t in 0..<taps {
                        s &+= Int32(base[t * sourceRowBytes + i]) &* k[yy * taps + t]
                    }
                    dst[i] = Self.clip8(s)
                }
            }
        }
    }
}
