/// Checks on single values that both file formats share. They work on
/// Unicode scalars and bytes directly: they run once per user of a file that
/// may hold 100,000, so no regular expressions or Foundation per value.
enum Validation {
    /// An account slug or plan id: lowercase ASCII letters, digits and
    /// hyphens, starting with a letter or digit, at most 63 characters.
    static func isSlug(_ text: String) -> Bool {
        var count = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): break
            case UInt8(ascii: "-") where count > 0: break
            default: return false
            }
            count += 1
        }
        return (1...63).contains(count)
    }

    /// Why `email` (already lower-cased) is not a usable address, or nil.
    static func emailProblem(_ email: String) -> String? {
        var atCount = 0
        var localCount = 0
        for scalar in email.unicodeScalars {
            switch classify(scalar) {
            case .whitespace: return "it contains whitespace"
            case .control: return "it contains a control character"
            case .other: break
            }
            if scalar == "@" {
                atCount += 1
            } else if atCount == 0 {
                localCount += 1
            }
        }
        if atCount == 0 { return "it has no \"@\"" }
        if atCount > 1 { return "it has more than one \"@\"" }
        if localCount == 0 { return "nothing comes before the \"@\"" }
        let domain = String(email.unicodeScalars[email.unicodeScalars.firstIndex(of: "@")!...].dropFirst())
        if domain.isEmpty { return "no domain comes after the \"@\"" }
        if let problem = domainProblem(domain) { return problem }
        if email.utf8.count > 254 { return "it is longer than 254 characters" }
        return nil
    }

    /// Why `domain` is not a dotted domain name, or nil.
    static func domainProblem(_ domain: String) -> String? {
        var sawDot = false
        var labelLength = 0
        for scalar in domain.unicodeScalars {
            if classify(scalar) != .other || scalar == "@" {
                return "the domain \(quoted(domain)) is not valid"
            }
            if scalar == "." {
                if labelLength == 0 { return "the domain \(quoted(domain)) has an empty label" }
                sawDot = true
                labelLength = 0
            } else {
                labelLength += 1
            }
        }
        if labelLength == 0 && sawDot { return "the domain \(quoted(domain)) has an empty label" }
        if !sawDot { return "the domain \(quoted(domain)) has no dot" }
        return nil
    }

    enum ScalarClass { case whitespace, control, other }

    /// Whitespace (tab and newline included) or another control or
    /// formatting character that has no place in an address.
    @inline(__always)
    static func classify(_ scalar: Unicode.Scalar) -> ScalarClass {
        if scalar.isASCII {
            switch scalar.value {
            case 0x09...0x0D, 0x20: return .whitespace
            case 0x00...0x1F, 0x7F: return .control
            default: return .other
            }
        }
        if scalar.properties.isWhitespace { return .whitespace }
        if needsTerminalEscape(scalar) || scalar.properties.generalCategory == .control
            || scalar.properties.generalCategory == .format {
            return .control
        }
        return .other
    }

    /// `2500`, `2500.00`: digits, optionally a dot and more digits. No sign,
    /// no exponent, no separators.
    static func isDecimalAmount(_ text: String) -> Bool {
        var digitsBefore = 0, digitsAfter = 0, dots = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                dots += 1
                if dots > 1 { return false }
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                if dots == 0 { digitsBefore += 1 } else { digitsAfter += 1 }
            } else {
                return false
            }
        }
        return digitsBefore > 0 && (dots == 0 || digitsAfter > 0)
    }
}
