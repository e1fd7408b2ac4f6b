/// How an untagged plain scalar resolves under the YAML 1.2 core schema,
/// narrowed the way seatctl wants (only `true` and `false` are booleans).
///
/// Works on the scalar's UTF-8 bytes, so the composed tree (`String` text)
/// and the event fast path (libyaml's buffer, no `String`) share one
/// definition and cannot disagree about what `~`, `12` or `.5` mean.
enum PlainScalar {
    enum Kind: Equatable {
        case null
        case bool(Bool)
        case integer
        case float
        case string
    }

    @inline(__always)
    static func kind(of utf8: some Collection<UInt8>) -> Kind {
        switch utf8.count {
        case 0: return .null
        case 1 where utf8.first == UInt8(ascii: "~"): return .null
        case 4:
            if utf8.elementsEqual("null".utf8) || utf8.elementsEqual("Null".utf8) || utf8.elementsEqual("NULL".utf8) {
                return .null
            }
            if utf8.elementsEqual("true".utf8) { return .bool(true) }
        case 5:
            if utf8.elementsEqual("false".utf8) { return .bool(false) }
        default:
            break
        }
        // Words and addresses, the common case, cannot be numbers.
        if let first = utf8.first, !startsNumber(first) { return .string }
        if isInteger(utf8) { return .integer }
        if isFloat(utf8) { return .float }
        return .string
    }

    /// Whether a number can start with `byte`: a digit, a sign or a dot.
    @inline(__always)
    private static func startsNumber(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
    }

    /// `12`, `-3`, `+0`: an optional sign and at least one digit.
    static func isInteger(_ utf8: some Collection<UInt8>) -> Bool {
        var digits = 0
        for (offset, byte) in utf8.enumerated() {
            if offset == 0 && (byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")) { continue }
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return false }
            digits += 1
        }
        return digits > 0
    }

    /// `2.5`, `-1e3`, `.5`, `.inf`, `.nan`: what YAML would read as a float.
    static func isFloat(_ utf8: some Collection<UInt8>) -> Bool {
        if utf8.contains(UInt8(ascii: ".")) && utf8.count <= 5 {
            switch String(decoding: utf8, as: UTF8.self).lowercased() {
            case ".inf", "+.inf", "-.inf", ".nan": return true
            default: break
            }
        }
        var digits = 0, dots = 0, exponent = false, exponentDigits = 0
        var previous: UInt8 = 0
        for (offset, byte) in utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if exponent { exponentDigits += 1 } else { digits += 1 }
            case UInt8(ascii: "-"), UInt8(ascii: "+"):
                guard offset == 0 || previous == UInt8(ascii: "e") || previous == UInt8(ascii: "E") else { return false }
            case UInt8(ascii: "."):
                dots += 1
                guard dots == 1, !exponent else { return false }
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                guard !exponent, digits > 0 else { return false }
                exponent = true
            default:
                return false
            }
            previous = byte
        }
        return digits > 0 && (!exponent || exponentDigits > 0)
    }
}
