import SeatTestSupport
@testable import SeatConfig

/// Random desired-state files for comparing the fast path with the reference
/// reader: valid files in every style the format allows (quoting, flow and
/// block, comments, nulls, unicode, a byte order mark, CRLF), and in about
/// half of them some mistakes or constructs the fast path leaves to the
/// composer (anchors, aliases, tags, unknown and repeated keys, wrong types,
/// invalid values, a second document, syntax errors, tight limits).
struct RandomDesiredFile {
    private var random: SplitMix64
    /// How likely each piece is to be a mistake in the current file.
    private var mistakeRate = 0.0
    private var emails: [String] = []
    private var planIDs: [String] = []

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    mutating func next() -> (text: String, limits: LoaderLimits) {
        mistakeRate = chance(0.5) ? 0 : pick([0.02, 0.05, 0.15])
        emails = []
        planIDs = []
        var fields: [String] = []
        fields.append(field("account", mistake: ["Acme", "~", "[acme]", "\"\"", "-acme"]) ?? "account: " + pick(["acme", "bench-1", "\"acme\"", "'a1'"]))
        fields.append(field("kind", mistake: ["corporate", "~", "{a: b}", "true"]) ?? "kind: " + pick(["enterprise", "self-employed", "'enterprise'", "\"self-employed\""]))
        if chance(0.5) { fields.append("name: " + scalar(pick(Self.names))) }
        if chance(0.5) { fields.append("emailDomains: " + domainList()) }
        if chance(0.3) { fields.append("blockedDomains: " + domainList()) }
        if chance(0.4) {
            fields.append(field("timezone", mistake: ["Mars/Base", "true", "[UTC]"])
                ?? "timezone: " + pick(["UTC", "Europe/London", "~", "America/New_York", "'Asia/Tokyo'"]))
        }
        for flag in ["prune", "closeAccount"] where chance(0.4) {
            fields.append(field(flag, mistake: ["yes", "\"false\"", "1", "[true]"]) ?? "\(flag): " + pick(["true", "false", "~", ""]))
        }
        if chance(0.4) { fields.append(guards()) }
        if chance(0.9) { fields.append(plans()) }
        if chance(0.95) { fields.append(users()) }
        if isMistake() { fields.append(pick(["acount: acme", "currency: USD", "<<: {a: b}", "users: {}", "? [a]\n: b", "~: x"])) }
        if chance(0.2) { shuffle(&fields) }
        // A missing account or kind is a mistake too.
        if isMistake() { fields.removeFirst() }

        var text = fields.joined(separator: "\n") + "\n"
        if chance(0.2) { text = "# A desired-state file.\n\n" + text }
        if chance(0.1) { text = "---\n" + text + (chance(0.5) ? "...\n" : "") }
        if chance(0.05) { text = "%YAML 1.1\n---\n" + text }
        if isMistake() {
            text += pick(["---\naccount: other\n", "  bad: 'unclosed\n", "\tname: tab\n", "users: [\n", "*undefined\n"])
        }
        if chance(0.1) { text = text.replacingOccurrences(of: "\n", with: "\r\n") }
        if chance(0.1) { text = "\u{FEFF}" + text }

        var limits = LoaderLimits.standard
        if chance(0.1) {
            limits = LoaderLimits(maxBytes: 1 << 20, maxDepth: Int.random(in: 1...6, using: &random),
                                  maxNodes: Int.random(in: 5...300, using: &random))
        }
        return (text, limits)
    }

    // MARK: Top level

    /// A mistaken `key: value` line, or nil (the caller writes a valid one).
    private mutating func field(_ key: String, mistake values: [String]) -> String? {
        isMistake() ? "\(key): " + pick(values) : nil
    }

    private mutating func domainList() -> String {
        if isMistake() { return pick(["[bad domain]", "[x]", "[-a.example]", "corp.example", "[~]", "[{a: b}]"]) }
        let domains = (0..<Int.random(in: 0...3, using: &random)).map { _ in
            scalar(pick(["corp.example", "Other.Example", "xn--bcher-kva.example", "a-b.c.example"]))
        }
        return pick(["[\(domains.joined(separator: ", "))]", "~", ""] + (domains.isEmpty ? [] : [
            "\n" + domains.map { "  - \($0)" }.joined(separator: "\n"),
        ]))
    }

    private mutating func guards() -> String {
        if isMistake() {
            return "guards: " + pick(["{maxChargeNow: 2500}", "{maxUnassignments: -1}", "{maxChargeNow: \"-5\"}",
                                      "{maxx: 1}", "{maxChargeNow: \"12.5.1\"}", "[1]", "{maxUnassignments: 1.5}",
                                      "{maxUnassignments: 1, maxUnassignments: 2}"])
        }
        return "guards: " + pick(["{maxUnassignments: 25, maxChargeNow: \"2500.00\"}", "~", "{}",
                                  "\n  maxUnassignments: 0\n  maxChargeNow: '10'", "{maxChargeNow: ~}",
                                  "{maxUnassignments: 1000000}"])
    }

    private mutating func plans() -> String {
        if chance(0.05) { return "plans: " + pick(["~", "{}", ""]) }
        let count = Int.random(in: 1...4, using: &random)
        var lines = ["plans:"]
        for index in 0..<count {
            var id = pick(["full-suite", "p-\(index)", "bench-plan-0\(index)", "project-time-yearly", "9lives"])
            if planIDs.contains(id) { id += "-\(index)" }
            if isMistake() { id = pick(["Bad_Id", "null", "~", "-x", planIDs.first ?? "p"]) }
            planIDs.append(id)
            let key = isMistake() ? pick(["\"\(id)\"", "'\(id)'", "? \(id)\n   "]) : scalar(id)
            var plan: [String] = []
            if !isMistake() || chance(0.5) {
                plan.append("licenses: " + (isMistake() ? pick(["\"12\"", "1.5", "-1", "2000000", "~", "[1]", "true", "'x'"])
                                                        : pick(["0", "12", "auto", "\"auto\"", "'auto'", "1000000", "+3", "007"])))
            }
            if chance(0.3) {
                plan.append("headroom: " + (isMistake() ? pick(["x", "-2", "\"2\""]) : pick(["0", "2", "~"])))
            }
            if isMistake() { plan.append(pick(["licences: 3", "licenses: 4", "headroom: 1\n    headroom: 2"])) }
            if isMistake() {
                lines.append("  \(key): " + pick(["~", "", "12", "[a]"]))
            } else if chance(0.4) {
                lines.append("  \(key): {\(plan.joined(separator: ", "))}")
            } else {
                lines.append("  \(key):" + plan.map { "\n    \($0)" }.joined())
            }
        }
        return lines.joined(separator: "\n")
    }

    // MARK: Users

    private mutating func users() -> String {
        if chance(0.05) { return "users: " + pick(["~", "{}", "", "[]"]) }
        let count = Int.random(in: 1...12, using: &random)
        let isFlow = chance(0.15)
        var entries: [String] = []
        var anchored: String?
        for index in 0..<count {
            let key = emailKey(index)
            var value = user(isFlow: isFlow)
            if isMistake() {
                if let name = anchored {
                    value = " *\(name)"
                } else {
                    anchored = "u\(index)"
                    value = " &u\(index)" + value
                }
            }
            if isMistake() { value = " " + pick(["!!map {role: user}", "!custom {}", "!!null", "[a]", "12", "{<<: {role: user}}"]) }
            entries.append(key + ":" + value)
        }
        if isFlow { return "users: {" + entries.joined(separator: ", ") + "}" }
        return "users:\n" + entries.map { entry in
            (chance(0.1) ? "  # a comment\n" : "") + "  " + entry
        }.joined(separator: "\n")
    }

    private mutating func emailKey(_ index: Int) -> String {
        var email: String
        if isMistake() {
            email = pick(["no-at-\(index)", "a..b\(index)@x.example", ".a\(index)@x.example", "a\(index)@x", "a\(index)@-x.example",
                          "\"q\(index)\"@x.example", "a\(index)@bücher.example", "a b\(index)@x.example",
                          String(repeating: "l", count: 65) + "@x.example", "", "~", "null", "<<",
                          "tab\t\(index)@x.example", "z\u{200B}\(index)@x.example",
                          // Spelled differently, the same address as an earlier one.
                          emails.last.map { $0.uppercased() } ?? "A@x.example",
                          emails.last.map { $0.replacingOccurrences(of: "\u{E9}", with: "e\u{301}") } ?? "b@x.example",
                          emails.last ?? "c@x.example"])
        } else {
            let local = pick(["user\(index)", "First.Last\(index)", "a+tag\(index)", "o'neil\(index)", "zo\u{EB}\(index)",
                              "JOS\u{C9}\(index)", "jos\u{E9}\(index)", "\u{674E}\(index)", "x_y-z\(index)", "{curly}\(index)",
                              "Mixed.Case\(index)", String(repeating: "l", count: 60) + "\(index)"])
            email = local + "@" + pick(["corp.example", "Corp.Example", "xn--bcher-kva.example", "a-b.c.example"])
        }
        emails.append(email)
        if chance(0.05) { return "? " + scalar(email) + "\n  " }
        return scalar(email)
    }

    /// `:` and what follows a user's key.
    private mutating func user(isFlow: Bool) -> String {
        if chance(0.15) { return pick(["", " ~", " null", " {}"]) }
        if isFlow || chance(0.3) { return " " + flowUser() }
        var lines = userFields().map { "    \($0.key): \($0.value)" }
        if chance(0.2) { lines.insert("    # notes", at: 0) }
        if chance(0.1) { lines = lines.map { $0 + "   # trailing" } }
        return lines.isEmpty ? " {}" : "\n" + lines.joined(separator: "\n")
    }

    private mutating func flowUser() -> String {
        "{" + userFields(isFlow: true).map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
    }

    private mutating func userFields(isFlow: Bool = false) -> [(key: String, value: String)] {
        var fields: [(key: String, value: String)] = []
        if chance(0.7) {
            fields.append(("name", isMistake() ? pick(["true", "[x]", scalar("bad\u{1}name"), scalar("zero\u{200B}width"),
                                                       scalar(String(repeating: "n", count: 257)), "\"line\\nbreak\"",
                                                       "!!str tagged"])
                                               : scalar(pick(Self.names))))
        }
        if chance(0.5) {
            fields.append(("role", isMistake() ? pick(["admin", "[user]", "!custom user", "\"\"", "5"])
                                               : pick(["administrator", "manager", "user", "~", "'manager'", "\"user\""])))
        }
        if chance(0.8) { fields.append(("plans", planList(isFlow: isFlow))) }
        for flag in ["paused", "external"] where chance(0.2) {
            fields.append((flag, isMistake() ? pick(["yes", "\"true\"", "0", "[true]"]) : pick(["true", "false", "~", "null"])))
        }
        if isMistake() {
            let extra: [(key: String, value: String)] = [("rol", "user"), ("name", "Again"), ("plans", "[x]"),
                                                         ("Name", "Capital"), ("<<", "{role: user}")]
            fields.append(pick(extra))
        }
        if chance(0.3) { shuffle(&fields) }
        return fields
    }

    private mutating func planList(isFlow: Bool) -> String {
        if isMistake() { return pick(["a", "{a: b}", "[~]", "[[a]]", "[true]", "[x, x]", "&p [a]", "!!seq [a]"]) }
        var ids: [String] = []
        for _ in 0..<Int.random(in: 0...3, using: &random) {
            let id = planIDs.isEmpty || chance(0.1) ? pick(["undeclared", "12", "1.5"]) : pick(planIDs)
            if !ids.contains(id) { ids.append(id) }
        }
        let items = ids.map { scalar($0) }
        if chance(0.1) { return pick(["~", "[]", ""]) }
        if isFlow || items.isEmpty || chance(0.7) { return "[" + items.joined(separator: ", ") + "]" }
        return items.map { "\n      - \($0)" }.joined()
    }

    static let names = ["Ada Lovelace", "Zo\u{EB} \u{DC}nal", "\u{674E}\u{96F7}", "Ren\u{E9}e O'Neil", "42", "1.5e3", ".inf",
                        "User 7", "\u{3A9}mega", "\u{645}\u{631}\u{62D}\u{628}\u{627}", "\u{1F642} smile", "  padded",
                        "a: b", "x # not a comment", "~", "null", ""]

    // MARK: Scalars and chance

    /// `text` as a YAML scalar in a random style; plain only where it reads
    /// back as written (numbers, `null` and `true` keep their YAML meaning,
    /// on purpose).
    private mutating func scalar(_ text: String) -> String {
        let isPlainSafe = !text.isEmpty && !text.hasSuffix(" ") && text.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-@+' ".unicodeScalars.contains(scalar)
        } && text.unicodeScalars.first.map { $0.properties.isAlphabetic || ("0"..."9").contains($0) } == true
        let hasControl = text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
        switch Int.random(in: 0..<(isPlainSafe ? 5 : 3), using: &random) {
        case 0 where !hasControl:
            return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
        case 0, 1, 2:
            return DesiredStateWriter.quoted(text)
        default:
            return text
        }
    }

    private mutating func isMistake() -> Bool { chance(mistakeRate) }

    private mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &random) < probability
    }

    private mutating func pick<T>(_ items: [T]) -> T {
        items[Int.random(in: 0..<items.count, using: &random)]
    }

    private mutating func shuffle<T>(_ items: inout [T]) {
        items.shuffle(using: &random)
    }
}
