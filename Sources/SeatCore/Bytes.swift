import Foundation

extension Array where Element == UInt8 {
    /// True when the array holds exactly `bytes`: one `memcmp`. (A generic
    /// `elementsEqual` takes several times longer, which shows where a
    /// million values are compared, as in reading a large ledger.)
    public func hasSameBytes(as bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard count == bytes.count else { return false }
        return isEmpty || withUnsafeBufferPointer { memcmp($0.baseAddress!, bytes.baseAddress!, count) == 0 }
    }
}

extension UnsafeRawBufferPointer {
    /// The bytes as little-endian 64-bit words, the last one padded with
    /// zeros, each mixed into `hash` by `mix`: the loop of the byte hashes
    /// of the e-mail table (``SlotTable``) and the license-code filter.
    @inline(__always)
    func mixingWords(into hash: UInt64, _ mix: (_ hash: UInt64, _ word: UInt64) -> UInt64) -> UInt64 {
        var hash = hash
        var offset = 0
        while offset + 8 <= count {
            hash = mix(hash, loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        if offset < count {
            var tail: UInt64 = 0
            for index in offset..<count { tail |= UInt64(self[index]) << (8 * UInt64(index - offset)) }
            hash = mix(hash, tail)
        }
        return hash
    }
}
