import SeatCore

/// Writes a ``DesiredState`` as a desired-state YAML file that the loader
/// reads back to the same state: keys in the order DESIGN.md shows them,
/// plans and users in the order given, every scalar plain only when plain
/// YAML cannot misread it, else double-quoted with escapes.
public enum DesiredStateWriter {
    /// The file's text; `header` lines become `#` comments at the top.
    public static func yaml(_ state: DesiredState, header: [String] = []) -> String {
        var out = ""
        for line in header { out += line.isEmpty ? "#\n" : "# " + line.replacingOccurrences(of: "\n", with: " ") + "\n" }
        out += "account: \(scalar(state.account.value))\n"
        out += "kind: \(state.kind.value.rawValue)\n"
        if let name = state.name { out += "name: \(scalar(name.value))\n" }
        if !state.emailDomains.isEmpty { out += "emailDomains: \(list(state.emailDomains.map(\.value)))\n" }
        if !state.blockedDomains.isEmpty { out += "blockedDomains: \(list(state.blockedDomains.map(\.value)))\n" }
        out += "timezone: \(scalar(state.timezone.value))\n"
        if state.prune.value { out += "prune: true\n" }
        if state.closeAccount.value { out += "closeAccount: true\n" }
        out += state.plans.isEmpty ? "plans: {}\n" : "plans:\n"
        for plan in state.plans {
            out += "  \(scalar(plan.id.value)):\n"
            switch plan.licenses.value {
            case .exact(let n): out += "    licenses: \(n)\n"
            case .auto: out += "    licenses: auto\n"
            }
            if plan.headroom.value != 0 { out += "    headroom: \(plan.headroom.value)\n" }
        }
        out += state.users.isEmpty ? "users: {}\n" : "users:\n"
        for user in state.users {
            var fields: [String] = []
            if let name = user.name { fields.append("name: \(scalar(name.value))") }
            if user.role.value != .user { fields.append("role: \(user.role.value.rawValue)") }
            if !user.plans.isEmpty { fields.append("plans: \(list(user.plans.map(\.value)))") }
            if user.isPaused.value { fields.append("paused: true") }
            if user.isExternal.value { fields.append("external: true") }
            out += "  \(scalar(user.email)):" + (fields.isEmpty ? " {}\n" : "\n" + fields.map { "    \($0)\n" }.joined())
        }
        return out
    }

    static func list(_ items: [String]) -> String {
        "[" + items.map(scalar).joined(separator: ", ") + "]"
    }

    /// Words YAML 1.1 or 1.2 reads as booleans or null.
    static let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"]

    /// `text` plain when it is a safe word (letters, digits and `._@+/-`,
    /// starting with a letter or digit, not a number, boolean or null), else
    /// double-quoted.
    public static func scalar(_ text: String) -> String {
        let safe = !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._@+/-".unicodeScalars.contains(scalar))
        }
        let first = text.unicodeScalars.first
        let startsWell = first.map { $0.properties.isAlphabetic || ("0"..."9").contains($0) } ?? false
        let numeric = text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || "._+-eE".unicodeScalars.contains($0) }
        if safe && startsWell && !numeric && !reserved.contains(text.lowercased()) { return text }
        return quoted(text)
    }

    /// A YAML double-quoted scalar.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
