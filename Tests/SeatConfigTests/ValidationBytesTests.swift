import SeatTestSupport
import Testing
@testable import SeatConfig

/// The byte-level checks the fast path uses must say "valid" exactly when
/// the full `String` checks say so, for every ASCII input.
struct ValidationBytesTests {
    @Test func asciiEmailCheckAgreesWithTheFullCheck() {
        var random = SplitMix64(seed: 7)
        let alphabet = Array("ab.@-+_\"'x0Z9 \t.@!{~".unicodeScalars)
        var valid = 0
        for _ in 0..<50_000 {
            var email = String(String.UnicodeScalarView(random.text(from: alphabet, length: 0...20)))
            if Bool.random(using: &random) { email += "@corp.example" }
            let lower = email.lowercased()
            let fast = Array(lower.utf8).withUnsafeBufferPointer(Validation.isValidASCIIEmail)
            #expect(fast == (Validation.emailProblem(lower) == nil), "\(lower)")
            if fast { valid += 1 }
        }
        for edge in [String(repeating: "a", count: 64) + "@x.io", String(repeating: "a", count: 65) + "@x.io",
                     "a@" + String(repeating: "b", count: 63) + ".io", "a@" + String(repeating: "b", count: 64) + ".io",
                     String(repeating: "a", count: 64) + "@" + String(repeating: "b.", count: 94) + "io",
                     String(repeating: "a", count: 64) + "@" + String(repeating: "b.", count: 95) + "io",
                     "a@-b.io", "a@b-.io", "a@b..io", "a@b.io.", "a@.b.io", "a@bio", ".a@b.io", "a.@b.io", "a..b@b.io",
                     "\"a\"@b.io", "a@b@c.io", "@b.io", "a@", "a b@c.io", "a\u{7F}@b.io", "{a}|~@b.io"] {
            let fast = Array(edge.utf8).withUnsafeBufferPointer(Validation.isValidASCIIEmail)
            #expect(fast == (Validation.emailProblem(edge) == nil), "\(edge)")
        }
        #expect(valid > 1_000)
    }

    @Test func asciiNameCheckAgreesWithTheFullCheck() {
        for byte in UInt8(0)...UInt8(0x7F) {
            let name = "A" + String(UnicodeScalar(byte)) + "b"
            let fast = Array(name.utf8).withUnsafeBufferPointer(Validation.isValidASCIIName)
            #expect(fast == (Validation.nameProblem(name) == nil), "byte \(byte)")
        }
        for length in [0, 255, 256, 257] {
            let name = String(repeating: "n", count: length)
            let fast = Array(name.utf8).withUnsafeBufferPointer(Validation.isValidASCIIName)
            #expect(fast == (Validation.nameProblem(name) == nil), "length \(length)")
        }
    }
}
