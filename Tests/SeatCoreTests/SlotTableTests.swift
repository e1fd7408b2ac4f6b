import SeatTestSupport
import Testing
@testable import SeatCore

/// The ledger index's e-mail table gives what a `Dictionary` of the same
/// keys gives: the same slot for the same key, nil for a key never added.
struct SlotTableTests {
    /// Keys that stress the table: short, exactly 32 bytes, longer ones that
    /// share their first 32 bytes, non-ASCII, the empty string.
    static func key(_ random: inout SplitMix64) -> String {
        let stem = String(repeating: "a", count: 32)
        switch Int.random(in: 0..<6, using: &random) {
        case 0: return "u\(Int.random(in: 0..<3_000, using: &random))@x.example"
        case 1: return String(format: "%032d", Int.random(in: 0..<3_000, using: &random))
        case 2: return stem + String(Int.random(in: 0..<3_000, using: &random))
        case 3: return "é\(Int.random(in: 0..<500, using: &random))@例え.example"
        case 4: return stem + "@" + String(repeating: "b", count: Int.random(in: 0...40, using: &random))
        default: return Int.random(in: 0..<50, using: &random) == 0 ? "" : "user\(Int.random(in: 0..<3_000, using: &random))"
        }
    }

    @Test(arguments: [0, 10, 5_000] as [Int])
    func behavesAsADictionary(capacity: Int) {
        var random = SplitMix64(seed: UInt64(capacity) + 7)
        var table = SlotTable(capacity: capacity)
        var reference: [String: Int] = [:]
        for _ in 0..<20_000 {
            let key = Self.key(&random)
            if Bool.random(using: &random) {
                let (slot, inserted) = table.insert(key)
                if let known = reference[key] {
                    #expect(!inserted && slot == known)
                } else {
                    #expect(inserted && slot == reference.count)
                    reference[key] = slot
                }
            } else {
                #expect(table.slot(of: key) == reference[key], "\(key)")
            }
        }
        #expect(table.count == reference.count)
        #expect(reference.count > 3_000)
        for (key, slot) in reference {
            #expect(table.slot(of: key) == slot)
            #expect(table.keys[slot] == key)
        }
        // Many keys at once give what each alone gives, nil (no key) as -1.
        var asked: [String?] = (0..<3_000).map { _ in Self.key(&random) }
        asked[7] = nil
        asked[asked.count - 1] = nil
        var order: [Int] = []
        let slots = asked.map { $0.map { Array($0.utf8) } }.withUnsafeBufferPointers { keys in
            table.slots(count: keys.count) { index in
                order.append(index)
                return keys[index]
            }
        }
        #expect(order == Array(asked.indices))
        #expect(slots == asked.map { key in key.flatMap { reference[$0] }.map(Int32.init) ?? -1 })
    }

    /// Keys equal in their first 32 bytes and their length are told apart
    /// by the rest, even when their hashes collide (every key's hash is 0
    /// here, so only the full comparison tells them apart).
    @Test func longKeysAreComparedInFull() {
        var table = SlotTable(hash: { _ in 0 })
        let stem = String(repeating: "x", count: 40)
        _ = table.insert(stem + "1")
        #expect(table.slot(of: stem + "2") == nil)
        let (slot, inserted) = table.insert(stem + "2")
        #expect(slot == 1 && inserted)
        #expect(table.slot(of: stem + "1") == 0)
    }

    /// The hash mixes in every byte, in every position, of keys of every
    /// length around its 8-byte steps: changing any one byte changes it.
    @Test func everyByteOfAKeyChangesItsHash() {
        for length in 1...41 {
            let key = (0..<length).map { UInt8(truncatingIfNeeded: 97 + $0 * 7) }
            let hash = key.withUnsafeBytes(SlotTable.seededHash)
            for position in 0..<length {
                var changed = key
                changed[position] &+= 1
                #expect(changed.withUnsafeBytes(SlotTable.seededHash) != hash, "length \(length), byte \(position)")
            }
            // A key and the same key with a zero byte more differ too.
            #expect((key + [0]).withUnsafeBytes(SlotTable.seededHash) != hash, "length \(length)")
        }
    }
}

private extension Array where Element == [UInt8]? {
    /// `body` given each element's bytes (nil for nil), valid during the call.
    func withUnsafeBufferPointers<Result>(_ body: ([UnsafeBufferPointer<UInt8>?]) -> Result) -> Result {
        let storage = map { $0.map { bytes -> UnsafeMutableBufferPointer<UInt8> in
            let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: Swift.max(bytes.count, 1))
            _ = copy.initialize(from: bytes)
            return copy
        } }
        defer { storage.forEach { $0?.deallocate() } }
        return body(zip(self, storage).map { bytes, copy in copy.map { UnsafeBufferPointer(rebasing: $0[..<bytes!.count]) } })
    }
}
