/// A set of license codes that every license of a large account is tested
/// against: the few codes a change set names or draws, against 200,000
/// licenses. A bit array over a cheap hash of each code answers "no" for
/// almost every license at the cost of reading the code's bytes; only the
/// codes whose bit is set are looked up in the set (a `Set<String>` hashes
/// every code it is asked about with SipHash).
struct CodeSet {
    private let codes: Set<String>
    private var bits: [UInt64]
    private let mask: Int

    init<Codes: Sequence>(_ codes: Codes) where Codes.Element == String {
        self.codes = Set(codes)
        // At least 16 bits per code: about one license in 16 passes the bits.
        var size = 1 << 12
        while size < 16 * self.codes.count { size <<= 1 }
        bits = Array(repeating: 0, count: size / 64)
        mask = size - 1
        for code in self.codes {
            let bit = Self.fingerprint(code) & mask
            bits[bit >> 6] |= 1 << UInt64(bit & 63)
        }
    }

    var isEmpty: Bool { codes.isEmpty }

    func contains(_ code: String) -> Bool {
        guard !codes.isEmpty else { return false }
        let bit = Self.fingerprint(code) & mask
        guard bits[bit >> 6] & (1 << UInt64(bit & 63)) != 0 else { return false }
        return codes.contains(code)
    }

    /// The code's bytes, eight at a time, mixed by multiplication. Not
    /// seeded: a code that collides only costs the set's own look-up.
    static func fingerprint(_ code: String) -> Int {
        var text = code
        return text.withUTF8 { bytes in
            let raw = UnsafeRawBufferPointer(bytes)
            let hash = raw.mixingWords(into: UInt64(raw.count)) { hash, word in (hash ^ word) &* 0x9E37_79B9_7F4A_7C15 }
            return Int(truncatingIfNeeded: hash ^ (hash >> 29))
        }
    }
}
