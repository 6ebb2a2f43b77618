/// Packs documents into fixed-length sequences without splitting any: a decreasing fit over a
/// bounded, seeded shuffle buffer that completes one sequence at a time.
///
/// Documents arrive in input order and collect in a buffer of `buffer` documents. A full buffer is
/// shuffled with the seeded generator (ties between equal lengths follow the shuffle), then each
/// sequence — the ones still open first, then new ones — is filled: while more than half of it is
/// free and every document left is at most a quarter of it, with a random document of the buffer
/// (so sequences mix tasks); otherwise with the longest document that fits and still leaves a room
/// the buffer can close well (about full, room for two documents, or one document that nearly
/// fills it); once the room is under three shortest documents, the best single document or pair
/// closes it. This beats best-fit decreasing, whose last small documents
/// leave gaps no document fits (98.7 % vs ≥ 99 % fill at 8192 on a stage-2 mix). Sequences whose
/// room is smaller than the shortest document seen so far are closed and emitted; the rest stay
/// open for the next buffer, at most `maxOpen` of them (the fullest are closed first). At the end
/// the documents of sequences still open with room are packed again with the last buffer. A
/// document longer than the sequence is dropped and counted (`too-long`).
/// - Complexity: O(log L) per fitting step and O(k log L) per completion, k distinct lengths ≤ L.
///
/// `strategy: .bestFitDecreasing` is the textbook variant instead (each document of the sorted
/// buffer into the open sequence with the least room that fits it), kept for comparison.
public struct Packer {
    /// How a buffer is packed.
    public enum Strategy: String, Sendable, CaseIterable {
        /// Sequence by sequence: longest fitting document with gap-aware choices, then a best single/pair completion (default).
        case completion
        /// Classic best-fit decreasing.
        case bestFitDecreasing = "bfd"
    }

    public let sequenceLength: Int
    public let strategy: Strategy
    public let buffer: Int
    public let maxOpen: Int
    private var rng: SeededGenerator
    private var pending: [PackDocument] = []
    private var open: [Bin] = []
    private var shortest = Int.max
    private var nextBin = 0
    /// Documents dropped, by reason word.
    public private(set) var dropped: [String: Int] = [:]

    /// A sequence being filled.
    public struct Bin {
        public var id: Int
        public var documents: [PackDocument] = []
        public var used = 0
    }

    public init(sequenceLength: Int, buffer: Int = 1000, maxOpen: Int = 64, seed: UInt64 = 0, strategy: Strategy = .completion) {
        self.sequenceLength = sequenceLength
        self.strategy = strategy
        self.buffer = max(1, buffer)
        self.maxOpen = max(1, maxOpen)
        self.rng = SeededGenerator(seed: seed ^ 0x5041_434B)
    }

    /// Adds one document; returns the sequences this closed (possibly none).
    public mutating func add(_ document: PackDocument) -> [Bin] {
        if document.length > sequenceLength {
            dropped["too-long", default: 0] += 1
            return []
        }
        if document.length == 0 { return [] }
        shortest = min(shortest, document.length)
        pending.append(document)
        return pending.count >= buffer ? flushBuffer(final: false) : []
    }

    /// Packs what is left and closes every open sequence.
    public mutating func finish() -> [Bin] {
        // Sequences still open with room for a document are unpacked and packed again with the
        // last buffer, so the run ends with at most a few partly filled sequences.
        let capacity = sequenceLength, shortest = self.shortest
        var full: [Bin] = []
        for bin in open {
            if capacity - bin.used < shortest { full.append(bin) } else { pending += bin.documents }
        }
        open = []
        return full.sorted { $0.id < $1.id } + flushBuffer(final: true)
    }

    /// Packs the buffer; the closed sequences come out in a seeded random order, so that the
    /// long-documents-first order of the fit does not become the training order.
    private mutating func flushBuffer(final: Bool) -> [Bin] {
        var closed = strategy == .completion ? flushByCompletion(final: final) : flushBestFit(final: final)
        closed.shuffle(using: &rng)
        return closed
    }

    private mutating func flushBestFit(final: Bool) -> [Bin] {
        let capacity = sequenceLength
        func room(_ b: Bin) -> Int { capacity - b.used }
        let shortest = self.shortest
        var docs = pending
        pending = []
        docs.shuffle(using: &rng)
        // Stable sort, longest first: equal lengths keep the shuffled order.
        let order = docs.indices.sorted { docs[$0].length != docs[$1].length ? docs[$0].length > docs[$1].length : $0 < $1 }
        // Open sequences sorted by room ascending; best fit = the first with room >= length.
        var bins = open.sorted { room($0) != room($1) ? room($0) < room($1) : $0.id < $1.id }
        for i in order {
            let n = docs[i].length
            var lo = 0, hi = bins.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if room(bins[mid]) >= n { hi = mid } else { lo = mid + 1 }
            }
            var bin: Bin
            if lo < bins.count { bin = bins.remove(at: lo) } else { bin = Bin(id: nextBin); nextBin += 1 }
            bin.documents.append(docs[i])
            bin.used += n
            let r = room(bin)
            var at = 0, top = bins.count
            while at < top {
                let mid = (at + top) / 2
                if room(bins[mid]) < r || (room(bins[mid]) == r && bins[mid].id < bin.id) { at = mid + 1 } else { top = mid }
            }
            bins.insert(bin, at: at)
        }
        var closed: [Bin] = []
        if final {
            closed = bins
            bins = []
        } else {
            closed = bins.filter { room($0) < shortest }
            bins.removeAll { room($0) < shortest }
            if bins.count > maxOpen {
                closed += bins.prefix(bins.count - maxOpen)
                bins.removeFirst(bins.count - maxOpen)
            }
        }
        open = bins
        return closed.sorted { $0.id < $1.id }
    }

    private mutating func flushByCompletion(final: Bool) -> [Bin] {
        let capacity = sequenceLength
        var docs = pending
        pending = []
        docs.shuffle(using: &rng)
        var pool = LengthPool(capacity: capacity)
        // Pushed in reverse, so each length's stack pops in shuffled order.
        for i in docs.indices.reversed() { pool.push(docs[i].length, i) }
        let s = shortest == Int.max ? capacity : shortest
        let tolerance = max(1, capacity / 512)

        /// A room that the pool can still close well: about full, room for two or more documents,
        /// or one document that nearly fills it.
        func good(_ room: Int, after taken: Int) -> Bool {
            if room <= tolerance || room >= 2 * s { return true }
            if let l = pool.largest(atMost: room, excludingOne: taken) { return room - l <= tolerance }
            return false
        }

        func fill(_ bin: inout Bin) {
            while let largest = pool.largest(atMost: capacity - bin.used) {
                let room = capacity - bin.used
                var take = [largest]
                if room < 3 * s {
                    // Completion: the best single document or pair.
                    var best = largest
                    for a in pool.lengths(atMost: room / 2) {
                        guard let b = pool.largest(atMost: room - a, excludingOne: a) else { continue }
                        if a + b > best { best = a + b; take = [a, b] }
                        if best == room { break }
                    }
                } else if room > capacity / 2 && pool.count > 1 && pool.largest(atMost: capacity)! <= capacity / 4 {
                    // The first half of a sequence, when every document is short next to it: a
                    // random document of the buffer (seeded), so sequences mix tasks and lengths
                    // instead of taking the longest documents first (with long documents the
                    // decreasing order matters for the fill and stays).
                    var pick = pool.random(atMost: room, using: &rng)
                    if !good(room - pick, after: pick) { pick = largest }
                    take = [pick]
                } else {
                    // Largest document that leaves a room we can still close well.
                    var candidate: Int? = largest
                    var tries = 0
                    while let c = candidate, tries < 64 {
                        if good(room - c, after: c) { take = [c]; break }
                        candidate = pool.largest(atMost: c - 1)
                        tries += 1
                    }
                }
                for l in take {
                    let d = docs[pool.pop(l)]
                    bin.documents.append(d)
                    bin.used += d.length
                }
            }
        }

        var closed: [Bin] = []
        var stillOpen: [Bin] = []
        for var bin in open.sorted(by: { $0.id < $1.id }) {
            fill(&bin)
            if final || capacity - bin.used < s { closed.append(bin) } else { stillOpen.append(bin) }
        }
        while !pool.isEmpty {
            var bin = Bin(id: nextBin)
            nextBin += 1
            fill(&bin)
            if final || capacity - bin.used < s { closed.append(bin) } else { stillOpen.append(bin) }
        }
        if stillOpen.count > maxOpen {
            stillOpen.sort { $0.used != $1.used ? $0.used > $1.used : $0.id < $1.id }
            closed += stillOpen.prefix(stillOpen.count - maxOpen)
            stillOpen.removeFirst(stillOpen.count - maxOpen)
        }
        open = stillOpen
        // Emit in the order the sequences were opened.
        return closed.sorted { $0.id < $1.id }
    }
}

/// Document indices by length, with "largest length ≤ x" in O(log capacity) (a Fenwick tree over
/// the counts per length).
struct LengthPool {
    private var tree: [Int]
    private var stacks: [Int: [Int]] = [:]
    private(set) var count = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        tree = Array(repeating: 0, count: capacity + 1)
    }

    var isEmpty: Bool { count == 0 }

    private mutating func update(_ length: Int, _ delta: Int) {
        var i = length
        while i <= capacity { tree[i] += delta; i += i & -i }
    }

    private func prefix(_ x: Int) -> Int {
        var i = min(x, capacity), sum = 0
        while i > 0 { sum += tree[i]; i -= i & -i }
        return sum
    }

    /// The smallest length whose prefix count reaches k (k ≥ 1).
    private func kth(_ k: Int) -> Int {
        var pos = 0, rest = k
        var step = 1
        while step * 2 <= capacity { step *= 2 }
        while step > 0 {
            if pos + step <= capacity && tree[pos + step] < rest { pos += step; rest -= tree[pos] }
            step /= 2
        }
        return pos + 1
    }

    /// A length drawn with probability proportional to its document count, among lengths ≤ x.
    func random(atMost x: Int, using rng: inout SeededGenerator) -> Int {
        kth(rng.int(in: 1...prefix(x)))
    }

    mutating func push(_ length: Int, _ index: Int) {
        stacks[length, default: []].append(index)
        update(length, 1)
        count += 1
    }

    mutating func pop(_ length: Int) -> Int {
        let index = stacks[length]!.removeLast()
        update(length, -1)
        count -= 1
        return index
    }

    func largest(atMost x: Int) -> Int? {
        guard x >= 1 else { return nil }
        let k = prefix(x)
        return k == 0 ? nil : kth(k)
    }

    /// Largest length ≤ x, not counting one document of length `a`.
    func largest(atMost x: Int, excludingOne a: Int) -> Int? {
        guard let top = largest(atMost: x) else { return nil }
        if top != a || (stacks[a]?.count ?? 0) >= 2 { return top }
        return largest(atMost: a - 1)
    }

    /// The distinct lengths present, ascending, up to x.
    func lengths(atMost x: Int) -> [Int] {
        var out: [Int] = []
        let total = prefix(x)
        var k = 1
        while k <= total {
            let l = kth(k)
            out.append(l)
            k = prefix(l) + 1
        }
        return out
    }
}

/// The plain baseline the benchmark compares with: greedy first-fit in arrival order (no sort,
/// no buffer): each document goes into the first sequence with room, a new one when none has.
public struct GreedyPacker {
    public let sequenceLength: Int
    private var rooms: [Int] = []
    public private(set) var positions = 0

    public init(sequenceLength: Int) { self.sequenceLength = sequenceLength }

    public var sequences: Int { rooms.count }

    public mutating func add(length: Int) {
        guard length <= sequenceLength, length > 0 else { return }
        positions += length
        if let i = rooms.firstIndex(where: { $0 >= length }) { rooms[i] -= length } else { rooms.append(sequenceLength - length) }
    }

    /// Fill = documents' positions / (sequences × length).
    public func fill() -> Double { rooms.isEmpty ? 0 : Double(positions) / Double(rooms.count * sequenceLength) }
}
