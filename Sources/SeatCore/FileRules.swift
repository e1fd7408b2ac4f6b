/// The rules that need only the desired-state file and the catalog: what
/// `seatctl validate` checks, and the first thing the planner checks.
public enum FileRules {
    /// Checks `desired` against `catalog`. `checksAssignedCounts` and
    /// `checksAdministrators` are off when the planner will check the same
    /// things with the ledger's unmanaged users taken into account.
    public static func check(_ desired: DesiredState, catalog: Catalog,
                             checksAssignedCounts: Bool = true, checksAdministrators: Bool = true) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let kind = desired.kind.value
        let declared = Dictionary(desired.plans.map { ($0.id.value, $0) }, uniquingKeysWith: { a, _ in a })
        let offeredIDs = catalog.plans.filter { $0.isOffered(to: kind) }.map(\.id)

        func checkOffered(_ id: Located<String>) -> Bool {
            guard let plan = catalog[id.value] else {
                let suggestion = Suggestion.nearest(to: id.value, in: offeredIDs)
                diagnostics.append(.error(.planNotOffered, "plan \"\(id.value)\" is not in the catalog", at: id.location,
                                          hint: suggestion.map { "did you mean \"\($0)\"?" } ?? "run `seatctl catalog show` to list the plans"))
                return false
            }
            guard plan.isOffered(to: kind) else {
                let offered = plan.offeredTo.map(\.rawValue).sorted().joined(separator: ", ")
                diagnostics.append(.error(.planNotOffered, "plan \"\(id.value)\" is not offered to \(kind.rawValue) accounts (only to \(offered))",
                                          at: id.location))
                return false
            }
            return true
        }

        for plan in desired.plans {
            guard checkOffered(plan.id), let entry = catalog[plan.id.value] else { continue }
            if case .exact(let n) = plan.licenses.value, n < entry.minLicenses || n > entry.maxLicenses {
                diagnostics.append(.error(.licenseLimits,
                    "plan \"\(entry.id)\" allows \(entry.minLicenses) to \(entry.maxLicenses) licenses, not \(n)", at: plan.licenses.location))
            }
        }

        var holders: [String: Int] = [:]
        // Plan ids already found offered and declared: 100,000 users name a
        // few dozen plans, so most checks are one set lookup, not a copy of
        // the catalog's and the file's entries.
        var offeredAndDeclared: Set<String> = []
        for user in desired.users {
            if user.isExternal.value {
                if let first = user.plans.first {
                    diagnostics.append(.error(.externalNoLicense,
                        "\(user.email) is external and uses no license, so it may hold no plans",
                        at: first.location, hint: "remove its plans, or drop `external: true`"))
                }
            }
            // A user lists a handful of plans: scanning them beats building
            // a set for each of 100,000 users; a long list gets the set.
            var seen: Set<String> = []
            let isShort = user.plans.count <= 16
            for (index, plan) in user.plans.enumerated() {
                let isRepeat = isShort ? user.plans[..<index].contains { $0.value == plan.value } : !seen.insert(plan.value).inserted
                guard !isRepeat else {
                    diagnostics.append(Diagnostic(.error, code: RuleCode.invalidValue.rawValue,
                        "plan \"\(plan.value)\" is listed twice for \(user.email)", at: plan.location))
                    continue
                }
                if !offeredAndDeclared.contains(plan.value) {
                    guard checkOffered(plan) else { continue }
                    if declared[plan.value] == nil {
                        diagnostics.append(.error(.assignedLicense,
                            "\(user.email) holds plan \"\(plan.value)\", which is not declared under plans:",
                            at: plan.location, hint: "add `\(plan.value): {licenses: auto}` under plans:"))
                    } else {
                        offeredAndDeclared.insert(plan.value)
                    }
                }
                // Counted only for the check below (a plan counts the ledger's holders itself).
                if checksAssignedCounts && !user.isExternal.value { holders[plan.value, default: 0] += 1 }
            }
            duplicateProducts(user, catalog: catalog, into: &diagnostics)
        }

        if checksAssignedCounts {
            for plan in desired.plans {
                guard case .exact(let n) = plan.licenses.value, let held = holders[plan.id.value], held > n else { continue }
                diagnostics.append(assignedCount(plan: plan.id.value, declared: n, holders: held, unmanaged: 0, at: plan.licenses.location))
            }
        }

        if kind == .enterprise {
            diagnostics += corporateEmails(desired)
            if desired.closeAccount.value {
                diagnostics.append(Diagnostic(.error, code: RuleCode.invalidValue.rawValue,
                    "closeAccount applies to self-employed accounts only", at: desired.closeAccount.location))
            }
            if checksAdministrators && !desired.users.contains(where: { $0.role.value == .administrator && !$0.isPaused.value }) {
                diagnostics.append(.error(.lastAdministrator,
                    "an enterprise account needs at least one active administrator, and this file declares none",
                    at: desired.usersLocation ?? desired.account.location, hint: "give a user `role: administrator`"))
            }
        } else {
            diagnostics += selfEmployedShape(desired)
        }
        return diagnostics
    }

    /// The `assigned_license` error for a plan declared with too few licenses.
    static func assignedCount(plan: String, declared: Int, holders: Int, unmanaged: Int, at location: SourceLocation?) -> Diagnostic {
        let who = unmanaged == 0 ? "\(holders) user\(holders == 1 ? "" : "s") in this file hold it"
            : "\(holders) user\(holders == 1 ? "" : "s") hold it (\(unmanaged) of them not in this file, kept because prune is false)"
        return .error(.assignedLicense, "plan \"\(plan)\" declares \(declared) license\(declared == 1 ? "" : "s") but \(who)",
                      at: location, hint: "raise licenses to \(holders), or write `licenses: auto`")
    }

    /// Whether two different plans of the user include the same product,
    /// without allocating: the common case is a few plans with none shared.
    static func mayShareProducts(_ user: DesiredUser, catalog: Catalog) -> Bool {
        guard user.plans.count > 1, catalog.plansShareProducts else { return false }
        guard user.plans.count <= 8 else { return true }
        for (index, first) in user.plans.enumerated() {
            guard let a = catalog[first.value] else { continue }
            for second in user.plans[(index + 1)...] where second.value != first.value {
                guard let b = catalog[second.value] else { continue }
                if a.products.contains(where: b.products.contains) { return true }
            }
        }
        return false
    }

    /// Appends a `duplicate_product` warning for each pair of the user's
    /// plans that share a product.
    static func duplicateProducts(_ user: DesiredUser, catalog: Catalog, into diagnostics: inout [Diagnostic]) {
        guard mayShareProducts(user, catalog: catalog) else { return }
        var owner: [String: String] = [:]
        var reported: Set<String> = []
        for planID in user.plans {
            guard let plan = catalog[planID.value] else { continue }
            for product in plan.products {
                if let other = owner[product], other != plan.id {
                    let pair = [other, plan.id].sorted().joined(separator: "|")
                    if reported.insert(pair).inserted {
                        diagnostics.append(.warning(.duplicateProduct,
                            "\(user.email) holds \"\(other)\" and \"\(plan.id)\", which both include \(product)", at: planID.location))
                    }
                } else {
                    owner[product] = plan.id
                }
            }
        }
    }

    static func corporateEmails(_ desired: DesiredState) -> [Diagnostic] {
        var blocked = PublicEmailDomains.all
        for domain in desired.blockedDomains { blocked.insert(domain.value.lowercased()) }
        let allowed = desired.emailDomains.map { $0.value.lowercased() }
        var diagnostics: [Diagnostic] = []
        // Most users of a file share a domain: judge a domain once per run of
        // users. The domain is found and compared as bytes: searching and
        // comparing Characters took most of the rules' time at 100,000 users.
        var last: (domain: [UInt8], match: String?, isAllowed: Bool)?
        for user in desired.users {
            var email = user.email
            let isNewDomain = email.withUTF8 { bytes -> Bool? in
                guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return nil }
                let tail = UnsafeBufferPointer(rebasing: bytes[(at + 1)...])
                if let last, last.domain.hasSameBytes(as: tail) { return false }
                last = (Array(tail), nil, false)
                return true
            }
            guard let isNewDomain, var verdict = last else { continue }
            if isNewDomain {
                let domain = String(decoding: verdict.domain, as: UTF8.self)
                verdict.match = PublicEmailDomains.matches(domain, in: blocked)
                verdict.isAllowed = allowed.isEmpty || allowed.contains(where: { domain == $0 || domain.hasSuffix("." + $0) })
                last = verdict
            }
            if let match = verdict.match {
                diagnostics.append(.error(.corporateEmail,
                    "\(user.email) uses \(match), a public mail domain; enterprise accounts need corporate addresses",
                    at: user.location, hint: "use the person's work address"))
            } else if !verdict.isAllowed, !user.isExternal.value {
                diagnostics.append(.error(.corporateEmail,
                    "\(user.email) is not in the account's email domains (\(allowed.joined(separator: ", ")))",
                    at: user.location, hint: "add its domain to emailDomains, or mark an outside consultant `external: true`"))
            }
        }
        return diagnostics
    }

    static func selfEmployedShape(_ desired: DesiredState) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        func fixed(_ message: String, at location: SourceLocation?, hint: String? = nil) {
            diagnostics.append(.error(.selfEmployedFixed, message, at: location, hint: hint))
        }
        if desired.closeAccount.value {
            if let user = desired.users.first {
                fixed("closeAccount: true deactivates the account's one user, but the file still lists \(user.email)",
                      at: user.location, hint: "remove the user to close the account, or drop closeAccount")
            }
            return diagnostics
        }
        if desired.users.isEmpty {
            fixed("a self-employed account has exactly one user, and this file declares none",
                  at: desired.usersLocation ?? desired.account.location,
                  hint: "add the account holder, or set `closeAccount: true` to close the account")
        }
        for extra in desired.users.dropFirst() {
            fixed("a self-employed account has exactly one user; \(extra.email) cannot be added", at: extra.location)
        }
        if let user = desired.users.first {
            if user.role.location != nil && user.role.value != .administrator {
                fixed("the one user of a self-employed account is its administrator", at: user.role.location,
                      hint: "write `role: administrator` or leave role out")
            }
            if user.isExternal.value {
                fixed("the one user of a self-employed account cannot be external", at: user.isExternal.location)
            }
            if user.plans.count != 1 || desired.plans.count != 1 || user.plans.first?.value != desired.plans.first?.id.value {
                fixed("a self-employed account holds exactly one license of one self-employed plan, assigned to its user",
                      at: user.plans.dropFirst().first?.location ?? user.plans.first?.location ?? user.location,
                      hint: "declare one plan with `licenses: 1` and list it under the user's plans")
            }
        }
        if desired.plans.count > 1 {
            for plan in desired.plans.dropFirst() {
                fixed("a self-employed account holds exactly one plan; \"\(plan.id.value)\" cannot be added", at: plan.id.location)
            }
        }
        for plan in desired.plans {
            if case .exact(let n) = plan.licenses.value, n != 1 {
                fixed("a self-employed account holds exactly one license, not \(n)", at: plan.licenses.location,
                      hint: "write `licenses: 1`")
            }
        }
        return diagnostics
    }
}
