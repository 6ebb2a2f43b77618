import Foundation
import Testing
@testable import SynergenPrep

@Suite("InternVL dynamic tiling matches the Python reference")
struct TilingTests {
    @Test("Candidate order reproduces CPython's set + stable sort for min 1…12, max ≤ 40")
    func candidateOrder() {
        guard let lines = ImageFixtures.lines("candidate_orders.txt") else { return }
        #expect(lines.count > 300)
        var mismatches = 0
        for line in lines {
            let parts = line.split(separator: " ")
            let mn = Int(parts[0])!, mx = Int(parts[1])!
            let expected = parts.dropFirst(2).map { p -> [Int] in p.split(separator: ",").map { Int($0)! } }
            let got = InternVLCandidateOrder.candidates(minTiles: mn, maxTiles: mx).map { [$0.cols, $0.rows] }
            if got != expected {
                mismatches += 1
                Issue.record("order for min \(mn) max \(mx): got \(got), expected \(expected)")
            }
        }
        print("tiling: compared candidate orders for \(lines.count) (min, max) ranges, \(mismatches) mismatches")
    }

    @Test("CPython tuple hash")
    func tupleHash() {
        // Values printed by CPython 3.11: hash((1, 2)), hash((3, 4)).
        #expect(Int64(bitPattern: InternVLCandidateOrder.tupleHash(1, 2)) == -3550055125485641917)
        #expect(InternVLCandidateOrder.tupleHash(3, 4) == 1079245023883434373)
    }

    @Test("Grid decisions equal the reference on the whole size grid (presets + explicit ranges)")
    func decisionsOnSizeGrid() throws {
        guard let lines = ImageFixtures.lines("tiling_decisions.txt") else { return }
        #expect(lines.count > 100_000)
        var mismatches = 0
        var sizes = Set<[Int]>()
        var candidateCache: [[Int]: [(cols: Int, rows: Int)]] = [:]
        for line in lines {
            let v = line.split(separator: " ").map { Int($0)! }
            let (w, h, s, mn, mx, th) = (v[0], v[1], v[2], v[3], v[4], v[5] != 0)
            sizes.insert([w, h])
            let key = [mn, mx]
            let cands = candidateCache[key] ?? InternVLCandidateOrder.candidates(minTiles: mn, maxTiles: mx)
            candidateCache[key] = cands
            let best = TileGrid.closest(width: w, height: h, tileSize: s, candidates: cands)
            let thumb = th && best.cols * best.rows != 1
            if best.cols != v[6] || best.rows != v[7] || thumb != (v[8] != 0) {
                mismatches += 1
                if mismatches <= 20 {
                    Issue.record("\(w)x\(h) S=\(s) tiles \(mn)...\(mx): got \(best), expected \(v[6])x\(v[7])")
                }
            }
        }
        print("tiling: compared \(lines.count) decisions over \(sizes.count) sizes, \(mismatches) mismatches")
        #expect(mismatches == 0)
        // The public entry point agrees with the internal one.
        let g = try TileGrid.choose(width: 1280, height: 512, config: TilingConfig(tileSize: 512, minTiles: 4, maxTiles: 4))
        #expect(g.cols * g.rows == 4)
    }

    @Test("Exact ties: equal-product candidates resolved in the reference's set order")
    func exactTies() throws {
        // W/H = 2.5 is exactly midway between 4:1 and 2:2 (and 1:4 is farther); only 4-tile grids.
        // CPython's order for min = max = 4 is (4,1), (1,4), (2,2): (2,2) comes later and wins
        // when the image is large enough (area > 0.5·S²·4), otherwise (4,1) stays.
        let order: [[Int]] = InternVLCandidateOrder.candidates(minTiles: 4, maxTiles: 4).map { [$0.cols, $0.rows] }
        #expect(order == [[4, 1], [1, 4], [2, 2]])
        let cfg = TilingConfig(tileSize: 512, minTiles: 4, maxTiles: 4)
        let big = try TileGrid.choose(width: 2560, height: 1024, config: cfg)
        #expect(big.cols == 2 && big.rows == 2)
        let small = try TileGrid.choose(width: 250, height: 100, config: cfg)
        #expect(small.cols == 4 && small.rows == 1)
    }

    @Test("Presets and validation")
    func presets() throws {
        #expect(TilingPreset.s1.config() == TilingConfig(tileSize: 512, minTiles: 1, maxTiles: 1, thumbnail: false))
        #expect(TilingPreset.s2.config().maxTiles == 6)
        #expect(TilingPreset.sft.config().maxTiles == 12)
        let one = try TileGrid.choose(width: 4000, height: 100, config: TilingPreset.s1.config())
        #expect(one.tileCount == 1 && !one.thumbnail && one.imageCount == 1)
        let wide = try TileGrid.choose(width: 3000, height: 500, config: TilingPreset.s2.config())
        #expect(wide.cols == 6 && wide.rows == 1 && wide.thumbnail && wide.imageCount == 7)
        #expect(wide.tileBoxes.last == PixelRect(x: 2560, y: 0, width: 512, height: 512))
        #expect(throws: ImageViewError.invalidTileRange(min: 3, max: 2)) {
            try TileGrid.choose(width: 10, height: 10, config: TilingConfig(minTiles: 3, maxTiles: 2))
        }
        #expect(throws: ImageViewError.emptyImage(width: 0, height: 5)) {
            try TileGrid.choose(width: 0, height: 5, config: TilingConfig())
        }
    }
}
