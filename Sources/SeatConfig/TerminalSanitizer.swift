/// Replaces every character that a terminal would act on instead of showing
/// with a visible escape such as `\u{1B}`: C0 controls (tab and newline
/// included), DEL, C1 controls, the bidirectional formatting characters
/// that can reorder what a reader sees, and invisible characters. Everything a file or a user supplied
/// goes through this before it reaches standard error, so a name or email
/// carrying `ESC [ 31 m` cannot recolour, move or hide output.
public func sanitizedForTerminal(_ s: String) -> String {
    // Fast path: most strings have nothing to escape, and building a new one
    // per diagnostic line is wasted work.
    guard s.unicodeScalars.contains(where: needsTerminalEscape) else { return s }
    var result = String.UnicodeScalarView()
    for scalar in s.unicodeScalars {
        if needsTerminalEscape(scalar) {
            result.append(contentsOf: terminalEscape(scalar).unicodeScalars)
        } else {
            result.append(scalar)
        }
    }
    return String(result)
}

/// True for the scalars `sanitizedForTerminal` escapes; every output format
/// (text, JSON) escapes the same set.
public func needsTerminalEscape(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F: return true          // C0, DEL, C1 (ESC, CSI, OSC, ...)
    case 0x061C, 0x200E, 0x200F: return true            // ALM, LRM, RLM
    case 0x202A...0x202E, 0x2066...0x2069: return true  // bidi embeddings, overrides, isolates
    case 0x2028, 0x2029: return true                    // line and paragraph separators
    // Invisible characters that make two strings look alike: soft hyphen,
    // Mongolian vowel separator, zero-width space, word joiner and invisible
    // operators, byte order mark. (ZWJ and ZWNJ stay: scripts and emoji need them.)
    case 0x00AD, 0x180E, 0x200B, 0x2060...0x2064, 0xFEFF: return true
    default: return false
    }
}

/// `\u{1B}`: the form Swift source uses, unambiguous and copy-pasteable.
func terminalEscape(_ scalar: Unicode.Scalar) -> String {
    "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
}
