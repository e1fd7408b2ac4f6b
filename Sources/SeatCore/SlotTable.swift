/// Strings (e-mail addresses) to the slots 0, 1, 2, … they were added as:
/// the ledger index's map of 100,000 and more e-mails, looked up once per
/// license and once per user of the file. A store that reads a ledger
/// builds it as it reads (see ``SnapshotEmails``), looking keys up by
/// their UTF-8 bytes, before any `String` is made of them.
///
/// Open addressing over entries that hold each key's hash, length and first
/// 32 bytes, so that a lookup reads one entry, and the key's own storage
/// only to confirm a key longer than that. (A `Dictionary` also reads the
/// key's `String` and, for a string longer than 15 bytes, its storage on
/// the heap: two more cache misses per lookup, most of an index's time.)
/// The hash is seeded per process like a `Dictionary`'s (see
/// ``seededHash(_:)``); tests give another to make keys collide.
public struct SlotTable: Sendable {
    private struct Entry: Sendable {
        /// The key's hash; 0 marks an empty entry (a key whose hash is 0 is stored as 1).
        var hash: UInt64 = 0
        var slot: Int32 = 0
        var length: Int32 = 0
        var head: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    }

    private static let inlineBytes = 32
    private var entries: [Entry]
    private var mask: Int
    private let hash: @Sendable (UnsafeRawBufferPointer) -> Int
    /// The keys by slot.
    public private(set) var keys: [String] = []

    /// A table sized for `capacity` keys (it grows past them as needed).
    public init(capacity: Int = 0) {
        self.init(capacity: capacity, hash: SlotTable.seededHash)
    }

    init(capacity: Int = 0, hash: @escaping @Sendable (UnsafeRawBufferPointer) -> Int) {
        self.hash = hash
        var size = 16
        while size * 3 < capacity * 4 { size *= 2 }
        entries = Array(repeating: Entry(), count: size)
        mask = size - 1
        keys.reserveCapacity(capacity)
    }

    public var count: Int { keys.count }

    /// The slot of `key`, if it was added.
    public func slot(of key: String) -> Int? {
        var text = key
        return text.withUTF8 { slot(ofUTF8: $0) }
    }

    /// The slot of the key whose UTF-8 is `bytes`, if it was added.
    public func slot(ofUTF8 bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let found = find(bytes)
        return found.isFound ? Int(entries[found.index].slot) : nil
    }

    /// The slots of `count` keys, looked up in one loop: `key(i)` gives
    /// the UTF-8 of key *i* (nil for none), and is asked for each *i* in
    /// order; -1 for a key not added. The entries of a large table are far
    /// apart in memory: looked up one after the other with nothing between,
    /// and within one access to the table's storage (no reference counted
    /// per key, an atomic operation that makes the next lookup wait), the
    /// processor waits for several of them at once.
    public func slots(count: Int, ofUTF8 key: (Int) -> UnsafeBufferPointer<UInt8>?) -> [Int32] {
        var slots = [Int32](repeating: -1, count: count)
        entries.withUnsafeBufferPointer { entries in
            for index in 0..<count {
                guard let bytes = key(index) else { continue }
                let found = find(bytes, in: entries)
                if found.isFound { slots[index] = entries[found.index].slot }
            }
        }
        return slots
    }

    /// The slot of `key`, added as the next slot when new.
    public mutating func insert(_ key: String) -> (slot: Int, inserted: Bool) {
        var text = key
        return text.withUTF8 { insert(utf8: $0) { key } }
    }

    /// The slot of the key whose UTF-8 is `bytes`, added as the next slot
    /// when new, with the key `make()` returns (which must be that UTF-8):
    /// a key already in the table is found without making a `String`.
    public mutating func insert(utf8 bytes: UnsafeBufferPointer<UInt8>, _ make: () -> String) -> (slot: Int, inserted: Bool) {
        // At most three quarters full: probes stay short and mostly within a cache line or two.
        if (keys.count + 1) * 4 > entries.count * 3 { grow() }
        let found = find(bytes)
        if found.isFound { return (Int(entries[found.index].slot), false) }
        entries[found.index] = found.entry
        keys.append(make())
        return (keys.count - 1, true)
    }

    /// Where the key whose UTF-8 is `bytes` is, or the empty entry where it
    /// belongs, and the entry it is stored as when added next.
    private func find(_ bytes: UnsafeBufferPointer<UInt8>) -> (index: Int, isFound: Bool, entry: Entry) {
        entries.withUnsafeBufferPointer { find(bytes, in: $0) }
    }

    private func find(_ bytes: UnsafeBufferPointer<UInt8>, in entries: UnsafeBufferPointer<Entry>) -> (index: Int, isFound: Bool, entry: Entry) {
        let (hash, head) = digest(bytes)
        let entry = Entry(hash: hash, slot: Int32(keys.count), length: Int32(bytes.count), head: head)
        var index = Int(truncatingIfNeeded: hash) & mask
        while entries[index].hash != 0 {
            if matches(entries[index], entry, bytes) { return (index, true, entry) }
            index = (index + 1) & mask
        }
        return (index, false, entry)
    }

    /// True when `stored` holds the key of `probe`, whose UTF-8 is `bytes`.
    private func matches(_ stored: Entry, _ probe: Entry, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard stored.hash == probe.hash, stored.length == probe.length, stored.head == probe.head else { return false }
        // The first 32 bytes are equal: a longer key is compared in full.
        return bytes.count <= Self.inlineBytes || keys[Int(stored.slot)].utf8.elementsEqual(bytes)
    }

    private mutating func grow() {
        let old = entries
        entries = Array(repeating: Entry(), count: old.count * 2)
        mask = entries.count - 1
        for entry in old where entry.hash != 0 {
            var index = Int(truncatingIfNeeded: entry.hash) & mask
            while entries[index].hash != 0 { index = (index + 1) & mask }
            entries[index] = entry
        }
    }

    /// A hash of the bytes seeded per process: each 8 bytes are mixed in
    /// with a 128-bit multiply folded to 64 bits (as foldhash and wyhash
    /// do). A 25-byte e-mail takes a few dozen instructions, against a few
    /// hundred for SipHash (Swift's `Hasher`), and a table of 100,000
    /// e-mails is looked up 400,000 times in a plan. The random seed keeps
    /// keys that collide from being chosen ahead.
    static func seededHash(_ bytes: UnsafeRawBufferPointer) -> Int {
        @inline(__always) func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let product = a.multipliedFullWidth(by: b)
            return product.high ^ product.low
        }
        let (seed, key) = hashSeed
        let hash = bytes.mixingWords(into: seed ^ UInt64(bytes.count)) { hash, word in fold(hash ^ word, key) }
        return Int(truncatingIfNeeded: fold(hash, seed ^ 0x9E37_79B9_7F4A_7C15))
    }

    /// The seed and the multiplier of ``seededHash(_:)``, drawn once per
    /// process; the multiplier is odd, so no bits are lost to it.
    private static let hashSeed: (UInt64, UInt64) = {
        var random = SystemRandomNumberGenerator()
        return (random.next(), random.next() | 1)
    }()

    /// The key's hash (never 0) and its first 32 bytes, zero-padded.
    private func digest(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, (UInt64, UInt64, UInt64, UInt64)) {
        let hash = UInt64(bitPattern: Int64(self.hash(UnsafeRawBufferPointer(bytes))))
        var head: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &head) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes).prefix(Self.inlineBytes))) }
        return (hash == 0 ? 1 : hash, head)
    }
}
