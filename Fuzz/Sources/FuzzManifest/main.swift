#if canImport(Glibc)
import Glibc
#endif
import FuzzSupport
import SynergenPrep

/// Manifest text → shard locations (brace ranges, lists, `pipe:`, `file:`, URLs, path
/// normalisation), plus `BraceExpansion.expand` alone with a small limit and every location's stem.
///
/// Inputs whose brace groups could expand to more than `maxNames` names are not run (see
/// `estimatedNames`): expanding up to the library's 10-million-name limit is legitimate but slow.
/// (`BraceExpansion` once listed a range before checking the limit; it now refuses from the
/// bounds.) `SYNERGEN_FUZZ_NO_SKIP=1` runs them anyway.
let maxNames = 2_000
let skipHuge = getenv("SYNERGEN_FUZZ_NO_SKIP").map { String(cString: $0) != "1" } ?? true

/// An upper bound of the names one line expands to, the way `BraceExpansion` reads brace groups
/// (nil when it overflows). Unbalanced or nested braces count 1: the expansion refuses them.
func estimatedNames(_ line: Substring) -> Int? {
    var total = 1
    var rest = line
    while let open = rest.firstIndex(of: "{") {
        guard let close = rest[open...].firstIndex(of: "}") else { return total }
        let body = rest[rest.index(after: open)..<close]
        var choices = 1
        if let range = body.range(of: "..") {
            if let a = Int(body[..<range.lowerBound]), let b = Int(body[range.upperBound...]) {
                let (d, o) = b.subtractingReportingOverflow(a)
                if o || d == Int.min { return nil }
                let (c, o2) = d.magnitude.addingReportingOverflow(1)
                if o2 || c > UInt(Int.max) { return nil }
                choices = Int(c)
            }
        } else if body.contains(",") {
            choices = body.split(separator: ",", omittingEmptySubsequences: false).count
        }
        let (t, o) = total.multipliedReportingOverflow(by: choices)
        if o { return nil }
        total = t
        rest = rest[rest.index(after: close)...]
    }
    return total
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    // Every line on its own, and their sum, must stay under the cap (a manifest is one list).
    var sum = 0
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) where skipHuge {
        guard let n = estimatedNames(line), n <= maxNames else { return -1 }
        sum += n
        if sum > maxNames { return -1 }
    }
    if let manifest = FuzzLog.attempt("manifest", { try Manifest.parse(text, name: "fuzz.txt", folder: "/data/manifests") }) {
        FuzzLog.note("\(manifest.shards.count) shards: \(manifest.shards.prefix(4).map { "\($0) (\($0.stem))" })")
        for shard in manifest.shards {
            _ = shard.stem
            _ = shard.description
        }
    }
    for line in text.split(separator: "\n") {
        _ = try? BraceExpansion.expand(String(line), limit: 64)
    }
    return 0
}
