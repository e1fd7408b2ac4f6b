import Foundation

/// Turns a ``PortalOperation`` into a ``PortalPlan`` for one account: checks
/// the business rules against the ledger snapshot and builds the changes
/// that carry the operation out.
///
/// The portal applies what it is told at once, so a rule that the planner
/// reports as a deferral for a file (a removal before a contract renews) is
/// an error here: nothing would apply it later.
///
/// Choices are deterministic: removals take unassigned licenses newest
/// first; assignments take the oldest unassigned active license (else the
/// oldest paused one) and buy one when none is free. Pausing is per user, as
/// in the desired-state file: pausing one license pauses its holder, and a
/// license assigned to a paused user is paused too, so every user is either
/// wholly paused or wholly active (and `seatctl export` can write it).
///
/// The ledger does not record the file's `emailDomains` or `blockedDomains`,
/// so `corporate_email` checks only the public mail domains here.
public struct PortalPlanner: Sendable {
    public var catalog: Catalog

    public init(catalog: Catalog) {
        self.catalog = catalog
    }

    public func plan(_ operation: PortalOperation, against ledger: LedgerSnapshot, account: String, now: Date) -> PortalPlan {
        var work = PortalWork(operation: operation, ledger: ledger, account: account, catalog: catalog, now: now)
        work.run()
        return work.result()
    }
}

private struct PortalWork {
    let operation: PortalOperation
    let ledger: LedgerSnapshot
    let accountID: String
    let catalog: Catalog
    let now: Date
    let today: Day

    var diagnostics: [Diagnostic] = []
    var changes: [Change] = []
    var notes: [String] = []

    var users: [String: LedgerUser] = [:]
    /// Non-expired licenses held, by user.
    var held: [String: [License]] = [:]
    /// Expired licenses still assigned, by user.
    var expiredHeld: [String: [License]] = [:]
    /// Active or paused licenses, by plan.
    var owned: [String: [License]] = [:]
    var byCode: [String: License] = [:]

    init(operation: PortalOperation, ledger: LedgerSnapshot, account: String, catalog: Catalog, now: Date) {
        self.operation = operation
        self.ledger = ledger
        self.accountID = account
        self.catalog = catalog
        self.now = now
        self.today = Day(now, inZoneNamed: ledger.account?.timezone ?? "UTC")
    }

    var kind: AccountKind { ledger.account?.kind ?? .enterprise }

    mutating func fail(_ code: RuleCode, _ message: String, hint: String? = nil) {
        diagnostics.append(.error(code, message, hint: hint))
    }

    mutating func run() {
        guard let account = ledger.account else {
            fail(.notFound, "there is no account \"\(accountID)\" in the ledger",
                 hint: "accounts are created by `seatctl apply FILE`; `seatctl status` lists the accounts")
            return
        }
        guard account.status == .open else {
            fail(.accountClosed, "account \"\(account.id)\" is closed; the portal cannot change it")
            return
        }
        index()
        switch operation {
        case let .buy(plan, count): buy(plan, count)
        case let .remove(plan, count): remove(plan, count)
        case let .pause(code): pauseOrResume(code, pausing: true)
        case let .resume(code): pauseOrResume(code, pausing: false)
        case let .addUser(email, name, role): addUser(email, name: name, role: role)
        case let .assign(email, plan): assign(email, plan)
        case let .unassign(email, plan): unassign(email, plan)
        case let .terminate(email, lastWorkDay): terminate(email, lastWorkDay)
        }
    }

    mutating func index() {
        users.reserveCapacity(ledger.users.count)
        for user in ledger.users { users[user.email] = user }
        for license in ledger.licenses {
            byCode[license.code] = license
            switch license.effectiveStatus(on: today) {
            case .active, .paused:
                owned[license.plan, default: []].append(license)
                if let holder = license.assignedTo { held[holder, default: []].append(license) }
            case .expired:
                if let holder = license.assignedTo { expiredHeld[holder, default: []].append(license) }
            case .removed:
                break
            }
        }
    }

    // MARK: Shared checks

    /// The catalog entry of a plan offered to this account, or nil after
    /// reporting `plan_not_offered`.
    mutating func offeredPlan(_ id: String) -> CatalogPlan? {
        guard let plan = catalog[id] else {
            let suggestion = Suggestion.nearest(to: id, in: catalog.plans.filter { $0.isOffered(to: kind) }.map(\.id))
            fail(.planNotOffered, "plan \"\(id)\" is not in the catalog",
                 hint: suggestion.map { "did you mean \"\($0)\"?" } ?? "run `seatctl catalog show` to list the plans")
            return nil
        }
        guard plan.isOffered(to: kind) else {
            let offered = plan.offeredTo.map(\.rawValue).sorted().joined(separator: ", ")
            fail(.planNotOffered, "plan \"\(id)\" is not offered to \(kind.rawValue) accounts (only to \(offered))")
            return nil
        }
        return plan
    }

    /// The active user with this email, or nil after reporting it.
    mutating func activeUser(_ email: String) -> LedgerUser? {
        guard let user = users[email] else {
            fail(.notFound, "\(email) is not a user of account \"\(accountID)\"",
                 hint: "add it with `seatctl user add \(email) --account \(accountID)`")
            return nil
        }
        guard user.status == .active else {
            fail(.notFound, "\(email) was terminated from account \"\(accountID)\"",
                 hint: "bring it back with `seatctl user add \(email) --account \(accountID)`")
            return nil
        }
        return user
    }

    mutating func selfEmployedFixed(_ message: String, hint: String? = nil) -> Bool {
        guard kind == .selfEmployed else { return false }
        fail(.selfEmployedFixed, message, hint: hint)
        return true
    }

    /// Whether `user` counts as an active administrator while holding `licenses`.
    static func isActiveAdministrator(_ user: LedgerUser, holding licenses: [License]) -> Bool {
        user.status == .active && user.role == .administrator && (licenses.isEmpty || licenses.contains { $0.status != .paused })
    }

    /// `last_administrator`: fails when `email` is the enterprise account's
    /// only active administrator and would stop being one.
    mutating func keepsAnAdministrator(losing email: String, _ what: String) -> Bool {
        guard kind == .enterprise else { return true }
        let others = users.values.contains { user in
            user.email != email && Self.isActiveAdministrator(user, holding: held[user.email] ?? [])
        }
        guard !others else { return true }
        fail(.lastAdministrator, "\(email) is the last active administrator of account \"\(accountID)\" and cannot be \(what)",
             hint: "make another user an administrator first")
        return false
    }

    /// Licenses of `plan` a buy may add, or nil after reporting `license_limits`.
    mutating func checkLimit(_ plan: CatalogPlan, adding count: Int) -> Bool {
        let have = owned[plan.id]?.count ?? 0
        guard have + count > plan.maxLicenses else { return true }
        fail(.licenseLimits, "plan \"\(plan.id)\" allows at most \(plan.maxLicenses) licenses; the account has \(have), so \(count) more would be \(have + count)")
        return false
    }

    // MARK: Licenses

    mutating func buy(_ id: String, _ count: Int) {
        if selfEmployedFixed("a self-employed account holds exactly one license; licenses cannot be added") { return }
        guard let plan = offeredPlan(id), checkLimit(plan, adding: count) else { return }
        let have = owned[id]?.count ?? 0
        changes.append(.buy(plan: id, count: count, from: have, to: have + count))
    }

    mutating func remove(_ id: String, _ count: Int) {
        if selfEmployedFixed("a self-employed account holds exactly one license; licenses cannot be removed") { return }
        let licenses = owned[id] ?? []
        guard !licenses.isEmpty else {
            fail(.notFound, "account \"\(accountID)\" holds no licenses of plan \"\(id)\"")
            return
        }
        guard count <= licenses.count else {
            fail(.invalidValue, "account \"\(accountID)\" holds \(licenses.count) license\(licenses.count == 1 ? "" : "s") of plan \"\(id)\", fewer than \(count)")
            return
        }
        if let entry = catalog[id], licenses.count - count < entry.minLicenses {
            fail(.licenseLimits, "plan \"\(id)\" needs at least \(entry.minLicenses) licenses; removing \(count) of \(licenses.count) would leave \(licenses.count - count)")
            return
        }
        if let until = ContractTerm.hold(plan: id, catalog: catalog, ledger: ledger, today: today) {
            fail(.contractTerm, "licenses of contracted plan \"\(id)\" cannot be removed before the contract renews on \(until)",
                 hint: "remove them on \(until), or lower the count in the desired-state file so the apply on or after \(until) removes them")
            return
        }
        // Removals take unassigned licenses, newest first.
        let free = licenses.filter { $0.assignedTo == nil }.sorted(by: License.olderFirst)
        guard free.count >= count else {
            fail(.assignedLicense, "plan \"\(id)\" has \(free.count) unassigned license\(free.count == 1 ? "" : "s"), fewer than the \(count) to remove; an assigned license cannot be removed",
                 hint: "unassign users first with `seatctl user unassign EMAIL --account \(accountID) --plan \(id)`")
            return
        }
        let chosen = free.suffix(count).reversed().map(\.code)
        changes.append(.remove(plan: id, count: count, from: licenses.count, to: licenses.count - count, licenses: chosen))
    }

    mutating func pauseOrResume(_ code: String, pausing: Bool) {
        let verb = pausing ? "pause" : "resume"
        guard let license = byCode[code] else {
            fail(.notFound, "account \"\(accountID)\" has no license \(code)")
            return
        }
        switch license.effectiveStatus(on: today) {
        case .removed:
            fail(.invalidValue, "license \(code) was removed\(license.endDate.map { " on \($0)" } ?? ""); it cannot be \(pausing ? "paused" : "resumed")")
            return
        case .expired:
            fail(.licenseExpired, "license \(code) expired\(license.endDate.map { " on \($0)" } ?? ""); it cannot be \(pausing ? "paused" : "resumed")")
            return
        case .active, .paused:
            break
        }
        guard let email = license.assignedTo, let user = users[email], user.status == .active else {
            fail(.invalidValue, "license \(code) is not assigned to a user; pausing suspends a user's access, so only an assigned license can be \(pausing ? "paused" : "resumed")",
                 hint: pausing ? "to stop paying for an unused license, remove it with `seatctl license remove`" : nil)
            return
        }
        let licenses = held[email] ?? []
        let flipping = licenses.filter { $0.status == (pausing ? .active : .paused) }
        guard !flipping.isEmpty else {
            notes.append("license \(code) of \(email) is \(pausing ? "paused" : "active") already; nothing to do")
            return
        }
        if pausing, Self.isActiveAdministrator(user, holding: licenses), !keepsAnAdministrator(losing: email, "paused") { return }
        let plans = Array(Set(flipping.map(\.plan))).sorted()
        changes.append(pausing ? .pause(email: email, plans: plans) : .resume(email: email, plans: plans))
        let others = flipping.map(\.code).filter { $0 != code }.sorted()
        if !others.isEmpty {
            notes.append("a user is \(pausing ? "paused" : "resumed") as a whole: \(verb) also \(email)'s other license\(others.count == 1 ? "" : "s") \(others.joined(separator: ", "))")
        }
    }

    // MARK: Users

    mutating func addUser(_ email: String, name: String?, role: Role) {
        if let existing = users[email], existing.status == .active {
            fail(.invalidValue, "\(email) is a user of account \"\(accountID)\" already")
            return
        }
        if selfEmployedFixed("a self-employed account has exactly one user; \(email) cannot be added") { return }
        if kind == .enterprise, let at = email.lastIndex(of: "@"),
           let match = PublicEmailDomains.matches(String(email[email.index(after: at)...]), in: PublicEmailDomains.all) {
            fail(.corporateEmail, "\(email) uses \(match), a public mail domain; enterprise accounts need corporate addresses",
                 hint: "use the person's work address")
            return
        }
        if users[email] != nil { notes.append("\(email) was terminated before; the user is brought back") }
        changes.append(.addUser(email: email, UserAttributes(name: name, role: role, isExternal: false)))
    }

    mutating func assign(_ email: String, _ id: String) {
        guard let user = activeUser(email) else { return }
        if selfEmployedFixed("the license of a self-employed account cannot be moved to another plan or user") { return }
        if user.isExternal {
            fail(.externalNoLicense, "\(email) is external and uses no license, so it may hold no plans")
            return
        }
        guard let plan = offeredPlan(id) else { return }
        let licenses = held[email] ?? []
        if let holding = licenses.first(where: { $0.plan == id }) {
            notes.append("\(email) holds license \(holding.code) of \"\(id)\" already; nothing to do")
            return
        }
        for license in (expiredHeld[email] ?? []).filter({ $0.plan == id }).sorted(by: License.olderFirst) {
            diagnostics.append(.warning(.licenseExpired,
                "license \(license.code) of plan \"\(id)\" held by \(email) expired\(license.endDate.map { " on \($0)" } ?? ""); it is unassigned and another license of the plan is assigned"))
            changes.append(.unassign(email: email, plan: id, license: license.code))
        }
        // The oldest unassigned active license, else the oldest paused one.
        let free = (owned[id] ?? []).filter { $0.assignedTo == nil }.sorted(by: License.assignmentOrder)
        if let oldest = free.first {
            changes.append(.assign(email: email, plan: id, license: oldest.code))
        } else {
            guard checkLimit(plan, adding: 1) else { return }
            let have = owned[id]?.count ?? 0
            changes.append(.buy(plan: id, count: 1, from: have, to: have + 1))
            changes.append(.assign(email: email, plan: id, license: nil))
            notes.append("no unassigned license of \"\(id)\" was free, so one was bought")
        }
        if !licenses.isEmpty, licenses.allSatisfy({ $0.status == .paused }) {
            changes.append(.pause(email: email, plans: [id]))
            notes.append("\(email) is paused, so the new license is paused too")
        }
        for product in plan.products {
            if let other = licenses.first(where: { $0.plan != id && catalog[$0.plan]?.products.contains(product) == true }) {
                diagnostics.append(.warning(.duplicateProduct, "\(email) holds \"\(other.plan)\" and \"\(id)\", which both include \(product)"))
                break
            }
        }
    }

    mutating func unassign(_ email: String, _ id: String) {
        guard let user = activeUser(email) else { return }
        if selfEmployedFixed("the license of a self-employed account cannot be unassigned") { return }
        let current = held[email] ?? []
        let leaving = (current + (expiredHeld[email] ?? [])).filter { $0.plan == id }.sorted(by: License.olderFirst)
        guard !leaving.isEmpty else {
            notes.append("\(email) holds no license of \"\(id)\"; nothing to do")
            return
        }
        let remaining = current.filter { $0.plan != id }
        if Self.isActiveAdministrator(user, holding: current), !Self.isActiveAdministrator(user, holding: remaining),
           !keepsAnAdministrator(losing: email, "left with paused licenses only") { return }
        for license in leaving { changes.append(.unassign(email: email, plan: id, license: license.code)) }
    }

    mutating func terminate(_ email: String, _ lastWorkDay: Day?) {
        if let lastWorkDay, lastWorkDay > today {
            fail(.invalidValue, "the last work day \(lastWorkDay) is after today (\(today)); a user is terminated on or after the last work day",
                 hint: "run the termination on \(lastWorkDay) or later")
            return
        }
        if let user = users[email], user.status == .terminated {
            notes.append("\(email) was terminated already; nothing to do")
            return
        }
        guard let user = activeUser(email) else { return }
        if selfEmployedFixed("terminating the one user of self-employed account \"\(accountID)\" closes the account",
                             hint: "close it with `closeAccount: true` in its desired-state file and `seatctl apply`") { return }
        if Self.isActiveAdministrator(user, holding: held[email] ?? []), !keepsAnAdministrator(losing: email, "terminated") { return }
        for license in ((held[email] ?? []) + (expiredHeld[email] ?? [])).sorted(by: License.olderFirst) {
            changes.append(.unassign(email: email, plan: license.plan, license: license.code))
        }
        changes.append(.terminateUser(email: email))
    }

    // MARK: Result

    func result() -> PortalPlan {
        let hasErrors = diagnostics.hasErrors
        // Recorded deferrals are kept as they are: a portal operation neither
        // reports nor cancels them.
        let kept = ledger.deferrals.map { Deferral(action: .remove, plan: $0.plan, count: 0, code: .contractTerm, until: $0.until) }
        let changeSet = ChangeSet(account: accountID, lineage: ledger.account?.lineage, serial: ledger.account?.serial ?? 0,
                                  now: now, changes: hasErrors ? [] : changes, deferred: kept, diagnostics: diagnostics)
        return PortalPlan(operation: operation, changeSet: changeSet, notes: hasErrors ? [] : notes)
    }
}
