import Foundation
import SeatCore

/// Checks a composed desired-state document against the schema in
/// DESIGN.md ("Desired-state file") and builds the `DesiredState`.
struct DesiredStateReader {
    static let topLevelKeys = DesiredStateKey.TopLevel.names
    static let planKeys = DesiredStateKey.Plan.names
    static let userKeys = DesiredStateKey.User.names
    static let guardKeys = DesiredStateKey.Guard.names

    /// Declared counts above this are refused as typos rather than passed on.
    static let countRange = 0...1_000_000

    static let kinds: [(String, AccountKind)] = AccountKind.allCases.map { ($0.rawValue, $0) }
    static let roles: [(String, Role)] = Role.allCases.map { ($0.rawValue, $0) }

    private var reader: SchemaReader
    private let file: String

    private init(document: YAMLDocument, file: String) {
        self.reader = SchemaReader(document: document, file: file)
        self.file = file
    }

    static func read(_ document: YAMLDocument, file: String) -> (DesiredState?, [Diagnostic]) {
        var state = DesiredStateReader(document: document, file: file)
        let result = state.readRoot(document.root)
        return (result, state.reader.diagnostics)
    }

    private mutating func readRoot(_ root: Int32) -> DesiredState? {
        guard reader.expectRoot(root, isCatalogExpected: false, what: "a desired-state file",
                                 example: "lines of \"key: value\", starting with \"account: acme\" and \"kind: enterprise\"")
        else { return nil }

        let fields = reader.fields(of: root, names: Self.topLevelKeys, context: "at the top level")

        var account: Located<String>?
        if let node = fields.value("account") {
            if let text = reader.string(node, field: "account", isRequired: true) {
                if Validation.isSlug(text.value) {
                    account = text
                } else {
                    reader.report(.invalidSlug(what: "account slug", value: text.value), at: node)
                }
            }
        } else {
            reader.reportMissing("account", in: fields, context: nil,
                                 example: "\"account: <slug>\", e.g. \"account: acme\"", at: root)
        }

        var kind: Located<AccountKind>?
        if let node = fields.value("kind") {
            kind = reader.choice(node, field: "kind", what: "account kind", options: Self.kinds, isRequired: true)
        } else {
            reader.reportMissing("kind", in: fields, context: nil,
                                 example: "\"kind: enterprise\" or \"kind: self-employed\"", at: root)
        }

        let name = fields.value("name").flatMap { reader.displayName($0, field: "name") }
        let emailDomains = fields.value("emailDomains").map { domains($0, field: "emailDomains") } ?? []
        let blockedDomains = fields.value("blockedDomains").map { domains($0, field: "blockedDomains") } ?? []
        let timezone = fields.value("timezone").flatMap { timeZone($0) }
        let prune = fields.value("prune").flatMap { reader.bool($0, field: "prune") }
        let closeAccount = fields.value("closeAccount").flatMap { reader.bool($0, field: "closeAccount") }
        let guards = fields.value("guards").map { readGuards($0) } ?? Guards()
        let plans = fields.value("plans").map { readPlans($0) } ?? []
        let users = fields.value("users").map { readUsers($0) } ?? []

        guard reader.diagnostics.isEmpty, let account, let kind else { return nil }
        return DesiredState(
            file: file, account: account, kind: kind, name: name,
            emailDomains: emailDomains, blockedDomains: blockedDomains,
            timezone: timezone ?? Located("UTC"), prune: prune ?? Located(false),
            closeAccount: closeAccount ?? Located(false), guards: guards,
            plans: plans, users: users,
            usersLocation: fields.key("users").map { reader.location($0) },
            plansLocation: fields.key("plans").map { reader.location($0) })
    }

    // MARK: Top-level values

    private mutating func domains(_ node: Int32, field: String) -> [Located<String>] {
        guard let items = reader.stringList(node, field: field) else { return [] }
        let entries = reader.document.entries(of: reader.document.resolved(node))
        var result: [Located<String>] = []
        for (item, itemNode) in zip(items, entries) {
            let domain = item.value.lowercased()
            if Validation.domainProblem(domain) != nil {
                reader.report(.invalidDomain(field: field, domain: item.value), at: itemNode)
            } else {
                result.append(Located(domain, at: item.location))
            }
        }
        return result
    }

    private mutating func timeZone(_ node: Int32) -> Located<String>? {
        guard let text = reader.string(node, field: "timezone") else { return nil }
        if TimeZone(identifier: text.value) != nil { return text }
        let suggestion = Suggestion.nearest(to: text.value, in: TimeZone.knownTimeZoneIdentifiers)
        reader.report(.unknownTimeZone(value: text.value, suggestion: suggestion), at: node)
        return nil
    }

    private mutating func readGuards(_ node: Int32) -> Guards {
        if reader.isNull(node) { return Guards() }
        guard reader.expectMapping(node, what: "guards", example: "guards: {maxUnassignments: 25, maxChargeNow: \"2500.00\"}")
        else { return Guards() }
        let fields = reader.fields(of: node, names: Self.guardKeys, context: "in guards")
        let maxUnassignments = fields.value("maxUnassignments").flatMap {
            reader.integer($0, field: "maxUnassignments", range: Self.countRange)
        }
        let maxChargeNow = fields.value("maxChargeNow").flatMap { amount($0, field: "maxChargeNow") }
        return Guards(maxUnassignments: maxUnassignments, maxChargeNow: maxChargeNow)
    }

    /// A decimal amount written as a quoted string, kept as written (the
    /// currency, and so the allowed decimals, come from the catalog).
    private mutating func amount(_ node: Int32, field: String) -> Located<String>? {
        let resolved = reader.document.resolved(node)
        if resolved.kind == .scalar, resolved.tag != .custom {
            switch reader.value(of: resolved) {
            case .integer(let text), .float(let text):
                reader.report(.unquotedAmount(field: field, text: text), at: node)
                return nil
            default:
                break
            }
        }
        guard let text = reader.string(node, field: field) else { return nil }
        if Validation.isDecimalAmount(text.value) { return text }
        if text.value.hasPrefix("-") && Validation.isDecimalAmount(String(text.value.dropFirst())) {
            reader.report(.negativeAmount(field: field, text: text.value), at: node)
        } else {
            reader.report(.notAnAmount(field: field, text: text.value), at: node)
        }
        return nil
    }

    // MARK: Plans

    private mutating func readPlans(_ node: Int32) -> [DesiredPlan] {
        if reader.isNull(node) { return [] }
        guard reader.expectMapping(node, what: "plans", example: "plans: {full-suite-monthly: {licenses: 12}}")
        else { return [] }
        let entries = reader.entries(of: node)
        var plans: [DesiredPlan] = []
        plans.reserveCapacity(entries.count)
        var seen: [String: Int32] = [:]
        for entry in entries {
            if let first = seen[entry.name] {
                reader.report(.duplicateKey(key: entry.name, firstLine: reader.line(first)), at: entry.key)
                continue
            }
            seen[entry.name] = entry.key
            var isValid = true
            if !Validation.isSlug(entry.name) {
                reader.report(.invalidSlug(what: "plan id", value: entry.name), at: entry.key)
                isValid = false
            }
            if let plan = readPlan(entry), isValid {
                plans.append(plan)
            }
        }
        return plans
    }

    private mutating func readPlan(_ entry: SchemaReader.Entry) -> DesiredPlan? {
        func context() -> String { "plan \(quoted(entry.name))" }
        let licensesExample = "\"licenses: <count>\" or \"licenses: auto\""
        if reader.isNull(entry.value) {
            reader.report(.missingKey(key: "licenses", context: context(), example: licensesExample), at: entry.key)
            return nil
        }
        guard reader.expectMapping(entry.value, what: context(), example: "\(entry.name): {licenses: 12}") else { return nil }
        let fields = reader.fields(of: entry.value, names: Self.planKeys, context: "in \(context())")

        var licenses: Located<LicenseCount>?
        if let node = fields.value("licenses") {
            let resolved = reader.document.resolved(node)
            if resolved.kind == .scalar && resolved.tag != .custom && reader.document.text(of: resolved) == "auto" {
                licenses = Located(.auto, at: reader.location(node))
            } else if let count = reader.integer(node, field: "licenses", range: Self.countRange,
                                                 expected: "a whole number or auto", isRequired: true) {
                licenses = Located(.exact(count.value), at: count.location)
            }
        } else {
            reader.reportMissing("licenses", in: fields, context: context(), example: licensesExample, at: entry.key)
        }
        let headroom = fields.value("headroom").flatMap {
            reader.integer($0, field: "headroom", range: Self.countRange)
        }
        guard let licenses else { return nil }
        return DesiredPlan(id: Located(entry.name, at: reader.location(entry.key)), licenses: licenses,
                           headroom: headroom ?? Located(0))
    }

    // MARK: Users

    private mutating func readUsers(_ node: Int32) -> [DesiredUser] {
        if reader.isNull(node) { return [] }
        guard reader.expectMapping(node, what: "users", example: "users: {alice@acme.com: {role: administrator}}")
        else { return [] }
        let entries = reader.entries(of: node)
        var users: [DesiredUser] = []
        users.reserveCapacity(entries.count)
        var seen: [String: (key: Int32, spelling: String)] = [:]
        seen.reserveCapacity(entries.count)
        for entry in entries {
            let email = entry.name.lowercasedIfNeeded()
            if let first = seen[email] {
                reader.report(.duplicateUser(email: entry.name, firstLine: reader.line(first.key),
                                             firstSpelling: first.spelling), at: entry.key)
                continue
            }
            seen[email] = (entry.key, entry.name)
            var isValid = true
            if let problem = Validation.emailProblem(email) {
                reader.report(.invalidEmail(email: entry.name, reason: problem), at: entry.key)
                isValid = false
            }
            if let user = readUser(entry, email: email), isValid {
                users.append(user)
            }
        }
        return users
    }

    private mutating func readUser(_ entry: SchemaReader.Entry, email: String) -> DesiredUser? {
        let location = reader.location(entry.key)
        if reader.isNull(entry.value) { return DesiredUser(email: email, at: location) }
        func context() -> String { "user \(quoted(entry.name))" }
        guard reader.expectMapping(entry.value, what: context(),
                                   example: "\(entry.name): {role: user, plans: [full-suite-monthly]}")
        else { return nil }
        let before = reader.diagnostics.count
        let fields = reader.fields(of: entry.value, names: Self.userKeys, context: "in \(context())")
        let name = fields.value("name").flatMap { reader.displayName($0, field: "name") }
        let role = fields.value("role").flatMap {
            reader.choice($0, field: "role", what: "role", options: Self.roles)
        }
        var plans: [Located<String>] = []
        if let node = fields.value("plans"), let items = reader.stringList(node, field: "plans") {
            // A user holds a handful of plans: a linear search beats hashing.
            // Without repeats (the normal case) the list is kept as read.
            let hasRepeats = items.indices.contains { i in items[..<i].contains { $0.value == items[i].value } }
            if !hasRepeats { plans = items }
            for item in items where hasRepeats {
                if let first = plans.first(where: { $0.value == item.value }) {
                    reader.report(.duplicateItem(item: item.value, field: "the plans of \(context())",
                                                 firstLine: first.location?.line ?? 0), at: item.location)
                    continue
                }
                plans.append(item)
            }
        }
        let paused = fields.value("paused").flatMap { reader.bool($0, field: "paused") }
        let external = fields.value("external").flatMap { reader.bool($0, field: "external") }
        guard reader.diagnostics.count == before else { return nil }
        return DesiredUser(email: email, at: location, name: name, role: role ?? Located(.user), plans: plans,
                           isPaused: paused ?? Located(false), isExternal: external ?? Located(false))
    }
}
