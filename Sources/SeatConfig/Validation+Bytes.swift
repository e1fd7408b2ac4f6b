/// Byte-level versions of `Validation`'s checks for the common all-ASCII
/// case, for the desired-state fast path: they answer only "valid or not",
/// exactly as the `String` checks would for the same ASCII text, without
/// making a `String` or looking up Unicode properties. Anything else (a
/// non-ASCII byte) is the caller's to hand to the full checks.
extension Validation {
    /// True when every byte is ASCII.
    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var union: UInt8 = 0
        for byte in bytes { union |= byte }
        return union < 0x80
    }

    /// `emailProblem(email) == nil` for an all-ASCII, already lower-cased address.
    static func isValidASCIIEmail(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count <= 254, let at = bytes.firstIndex(of: UInt8(ascii: "@")) else { return false }
        // The local part: 1 to 64 characters, with dots only between atoms.
        guard at > 0, at <= 64 else { return false }
        var previousWasDot = true
        for byte in bytes[..<at] {
            if byte == UInt8(ascii: ".") {
                if previousWasDot { return false }
                previousWasDot = true
            } else {
                guard isLocalPartByte(byte) else { return false }
                previousWasDot = false
            }
        }
        if previousWasDot { return false }
        // The domain: dotted labels of letters, digits and inner hyphens.
        var labelLength = 0, sawDot = false
        var first: UInt8 = 0, last: UInt8 = 0
        func isLabelValid() -> Bool {
            labelLength > 0 && labelLength <= 63 && first != UInt8(ascii: "-") && last != UInt8(ascii: "-")
        }
        for byte in bytes[(at + 1)...] {
            if byte == UInt8(ascii: ".") {
                guard isLabelValid() else { return false }
                sawDot = true
                labelLength = 0
                continue
            }
            guard isDomainByte(byte) else { return false }   // a second "@" too
            if labelLength == 0 { first = byte }
            last = byte
            labelLength += 1
        }
        return sawDot && isLabelValid()
    }

    /// `nameProblem(name) == nil` for an all-ASCII name: printable
    /// characters and spaces, at most `maxNameLength` of them.
    @inline(__always)
    static func isValidASCIIName(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count <= maxNameLength else { return false }
        for byte in bytes where byte < 0x20 || byte > 0x7E { return false }
        return true
    }

    /// ASCII letters, digits and the RFC 5322 `atext` punctuation.
    @inline(__always)
    private static func isLocalPartByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"),
             UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"),
             UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    @inline(__always)
    private static func isDomainByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}
