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
    ///
    /// Stricter than RFC 5322 on purpose: an address is compared, matched
    /// against domain lists and shown to people, so forms that read as one
    /// thing and mean another are refused. The part before the `@` may hold
    /// letters of any script (RFC 6531), digits and the RFC's unquoted
    /// punctuation, with single dots between atoms; no quoted forms. The
    /// domain must be ASCII letters, digits and hyphens (an internationalized
    /// domain is written in its `xn--` form), so a look-alike such as a
    /// Cyrillic "а" in "gmаil.com" cannot slip past the domain rules.
    static func emailProblem(_ email: String) -> String? {
        var atCount = 0
        var localCount = 0
        for scalar in email.unicodeScalars {
            switch classify(scalar) {
            case .whitespace: return "it contains whitespace"
            case .control: return "it contains the control or invisible character \(codePoint(scalar))"
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
        guard let at = email.unicodeScalars.firstIndex(of: "@") else { return "it has no \"@\"" }
        if let problem = localPartProblem(email.unicodeScalars[..<at]) { return problem }
        let domain = String(email.unicodeScalars[at...].dropFirst())
        if domain.isEmpty { return "no domain comes after the \"@\"" }
        if let problem = domainProblem(domain) { return problem }
        if email.utf8.count > 254 { return "it is longer than 254 characters" }
        return nil
    }

    /// ASCII punctuation an unquoted local part may hold (RFC 5322 `atext`).
    private static let localPunctuation = Set("!#$%&'*+-/=?^_`{|}~".unicodeScalars)

    /// Why the part before the `@` is not a plain dot-separated local part.
    private static func localPartProblem(_ local: String.UnicodeScalarView.SubSequence) -> String? {
        if local.first == "\"" { return "quoted local parts (\"…\"@domain) are not supported" }
        var previousWasDot = true   // a leading dot counts as following a dot
        for scalar in local {
            if scalar == "." {
                if previousWasDot {
                    return local.first == "." ? "the part before the \"@\" starts with a dot"
                                              : "the part before the \"@\" has two dots in a row"
                }
                previousWasDot = true
                continue
            }
            previousWasDot = false
            if scalar.isASCII, !(scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)),
               !localPunctuation.contains(scalar) {
                return "the part before the \"@\" contains \(quoted(String(scalar))), which an address may not hold"
            }
        }
        if previousWasDot { return "the part before the \"@\" ends with a dot" }
        if local.count > 64 { return "the part before the \"@\" is longer than 64 characters" }
        return nil
    }

    /// Why `domain` is not a dotted domain name of ASCII letters, digits and
    /// hyphens, or nil.
    static func domainProblem(_ domain: String) -> String? {
        var sawDot = false
        var label: [UInt8] = []
        func labelProblem() -> String? {
            if label.isEmpty { return "the domain \(quoted(domain)) has an empty label" }
            if label.first == UInt8(ascii: "-") || label.last == UInt8(ascii: "-") {
                return "a label of the domain \(quoted(domain)) starts or ends with a hyphen"
            }
            if label.count > 63 { return "a label of the domain \(quoted(domain)) is longer than 63 characters" }
            return nil
        }
        for scalar in domain.unicodeScalars {
            if classify(scalar) != .other || scalar == "@" {
                return "the domain \(quoted(domain)) is not valid"
            }
            guard scalar.isASCII else {
                return "the domain \(quoted(domain)) contains \(quoted(String(scalar))) (\(codePoint(scalar))), which is not an ASCII"
                    + " letter, digit or hyphen; write an internationalized domain in its \"xn--\" form"
            }
            if scalar == "." {
                if let problem = labelProblem() { return problem }
                sawDot = true
                label.removeAll(keepingCapacity: true)
            } else if ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-" {
                label.append(UInt8(scalar.value))
            } else {
                return "the domain \(quoted(domain)) contains \(quoted(String(scalar))), which a domain may not hold"
            }
        }
        if label.isEmpty && sawDot { return "the domain \(quoted(domain)) ends with a dot" }
        if let problem = labelProblem() { return problem }
        if !sawDot { return "the domain \(quoted(domain)) has no dot" }
        return nil
    }

    /// The longest display name (of an account, a user or a catalog plan) accepted.
    static let maxNameLength = 256

    /// Why `name` cannot be a display name, or nil: names are shown on one
    /// line of plans, status and history, so they hold no line breaks,
    /// control or invisible characters, and stay short.
    static func nameProblem(_ name: String) -> String? {
        var count = 0
        for scalar in name.unicodeScalars {
            if scalar != " ", classify(scalar) != .other || needsTerminalEscape(scalar) {
                return "contains the control or invisible character \(codePoint(scalar))"
            }
            count += 1
        }
        if count > maxNameLength { return "is \(count) characters long, more than \(maxNameLength)" }
        return nil
    }

    /// `U+200B`: how messages name a character that cannot be shown.
    static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
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
