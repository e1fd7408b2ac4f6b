import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why a change set cannot be applied to a ledger snapshot. Seeing one means
/// the ledger is not what the change set was planned against, or the change
/// set was edited: nothing is written.
public struct ApplyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The 1-based step that failed, or 0 for the change set as a whole.
    public var step: Int
    public var reason: String
    /// Set when a business rule would break after this step.
    public var code: RuleCode?

    public init(step: Int, reason: String, code: RuleCode? = nil) {
        self.step = step
        self.reason = reason
        self.code = code
    }

    public var description: String {
        step == 0 ? reason : "step \(step): \(reason)"
    }
}

/// Computes the rows an apply writes: executes a change set, step by step,
/// on an in-memory copy of the snapshot it was planned against, checking
/// after every step that each change still fits (the license is free, the
/// user exists, the account keeps an administrator).
///
/// It runs inside the store's write transaction, so stores stay thin and
/// every store writes exactly the same rows.
public struct ApplyEngine {
    /// Who the journal names.
    public var actor: String
    public var now: Date
    /// Draws a candidate license code; the engine retries until the store
    /// says the code is free and it is not used in this apply already.
    public var drawCode: () -> String
    /// Draws a new account's lineage.
    public var drawLineage: () -> String
    /// Prices purchases and removals (charges, credits) and checks
    /// `storage_allowance`; nil records no billing.
    public var catalog: Catalog?

    public init(actor: String, now: Date, catalog: Catalog? = nil, drawCode: @escaping () -> String = LicenseCode.randomSource(),
                drawLineage: @escaping () -> String = LicenseCode.randomLineage) {
        self.actor = actor
        self.now = now
        self.catalog = catalog
        self.drawCode = drawCode
        self.drawLineage = drawLineage
    }

    /// The rows applying `changeSet` to `snapshot` writes. `isCodeFree` is
    /// asked about every license code drawn.
    public func writes(for changeSet: ChangeSet, on snapshot: LedgerSnapshot,
                       isCodeFree: (String) throws -> Bool) throws -> LedgerWrites {
        try withoutActuallyEscaping(isCodeFree) { isCodeFree in
            try writes(for: changeSet, on: snapshot, codes: LicenseCodeCheck(isFree: isCodeFree))
        }
    }

    /// The rows applying `changeSet` to `snapshot` writes, with license codes
    /// that neither the snapshot nor (as `codes` says) any account of the
    /// ledger uses: the codes are drawn, then checked in one batch; should
    /// any be taken, the change set is worked out again without them.
    public func writes(for changeSet: ChangeSet, on snapshot: LedgerSnapshot, codes: LicenseCodeCheck) throws -> LedgerWrites {
        var excluded: Set<String> = []
        for _ in 0..<8 {
            let writes = try compute(changeSet, on: snapshot) { code in
                try !excluded.contains(code) && codes.isFree(code)
            }
            let taken = writes.boughtCodes.isEmpty ? []
                : try Self.collisions(writes.boughtCodes, in: snapshot).union(codes.taken(writes.boughtCodes))
            if taken.isEmpty { return writes }
            excluded.formUnion(taken)
        }
        throw ApplyError(step: 0, reason: "could not draw unused license codes")
    }

    /// Which of `codes` a license of `snapshot` has: one pass over the
    /// snapshot, which is not indexed by code as a whole.
    static func collisions(_ codes: [String], in snapshot: LedgerSnapshot) -> Set<String> {
        guard !snapshot.licenses.isEmpty else { return [] }
        let drawn = CodeSet(codes)
        var found: Set<String> = []
        // By index: each license's code is read in place, not the license copied.
        for index in snapshot.licenses.indices where drawn.contains(snapshot.licenses[index].code) {
            found.insert(snapshot.licenses[index].code)
        }
        return found
    }

    private func compute(_ changeSet: ChangeSet, on snapshot: LedgerSnapshot,
                         isCodeFree: (String) throws -> Bool) throws -> LedgerWrites {
        var state = try EngineState(changeSet: changeSet, snapshot: snapshot, actor: actor, now: now, lineage: drawLineage)
        state.logAccountChange(changeSet.accountChange, previous: snapshot.account)
        for (index, change) in changeSet.changes.enumerated() {
            do {
                try state.apply(change) { isUsed in try self.freshCode(isCodeFree: isCodeFree, isUsed: isUsed) }
            } catch let error as ApplyError {
                throw ApplyError(step: index + 1, reason: error.reason, code: error.code)
            }
        }
        var writes = state.finish(deferred: changeSet.deferred, recorded: snapshot.deferrals, closes: changeSet.accountChange?.closes == true)
        if let catalog {
            try state.checkStorage(usage: snapshot.billing?.usageGB, catalog: catalog, snapshot: snapshot)
            var recorder = BillingRecorder(catalog: catalog, account: state.account, billing: snapshot.billing, today: state.today, now: now)
            recorder.reserveCapacity(state.billingEvents.reduce(0) { $0 + $1.codes.count })
            recorder.willRemove(state.billingEvents.lazy.filter(\.removes).flatMap(\.codes))
            for event in state.billingEvents {
                if event.removes { recorder.removed(plan: event.plan, codes: event.codes) } else { recorder.bought(plan: event.plan, codes: event.codes) }
            }
            writes.billing = recorder.writes
        }
        return writes
    }

    private func freshCode(isCodeFree: (String) throws -> Bool, isUsed: (String) -> Bool) throws -> String {
        for _ in 0..<1000 {
            let code = drawCode()
            if !isUsed(code), try isCodeFree(code) { return code }
        }
        throw ApplyError(step: 0, reason: "could not draw an unused license code")
    }
}

/// Random 64-bit words from the system's secure random source, read in blocks.
private final class SecureRandomWords {
    private var words = [UInt64](repeating: 0, count: 512)
    private var index = 512

    func next() -> UInt64 {
        if index == words.count {
            var generator = SystemRandomNumberGenerator()
            words.withUnsafeMutableBytes { buffer in
                #if canImport(Glibc)
                // getentropy(3) gives up to 256 bytes a call.
                var filled = 0
                while filled < buffer.count, getentropy(buffer.baseAddress! + filled, min(256, buffer.count - filled)) == 0 {
                    filled += min(256, buffer.count - filled)
                }
                if filled == buffer.count { return }
                #endif
                // Elsewhere (or should getentropy fail), a word at a time.
                for offset in stride(from: 0, to: buffer.count, by: 8) {
                    buffer.storeBytes(of: generator.next() as UInt64, toByteOffset: offset, as: UInt64.self)
                }
            }
            index = 0
        }
        defer { index += 1 }
        return words[index]
    }
}

/// License codes and lineages from the system's secure random source.
public enum LicenseCode {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    /// 8 characters, A–Z and 0–9, uniformly distributed: one 64-bit draw
    /// from the secure source per code (rejection-sampled, so no bias).
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return code(from: generator.next(upperBound: space))
    }

    /// 36^8 possible codes.
    static let space: UInt64 = 2_821_109_907_456

    /// A source of random codes that reads the system's secure random source
    /// 256 bytes at a time rather than once per code: a first apply of a
    /// large account draws 200,000 codes. Each source is for one thread.
    public static func randomSource() -> () -> String {
        let words = SecureRandomWords()
        // The largest multiple of `space` that fits: draws above it are
        // rejected, so every code is equally likely.
        let limit = UInt64.max - UInt64.max % space
        return {
            var word = words.next()
            while word >= limit { word = words.next() }
            return code(from: word % space)
        }
    }

    /// The code for a number in `0..<space`.
    static func code(from value: UInt64) -> String {
        var value = value
        var characters = [Character](repeating: "A", count: 8)
        for index in (0..<8).reversed() {
            characters[index] = alphabet[Int(value % 36)]
            value /= 36
        }
        return String(characters)
    }

    /// 32 lower-case hex digits.
    public static func randomLineage() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(generator.next(), radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// `count` codes from `draw`, without repeats, numbered in their order
    /// (shorter first: a plan's placeholders `~9`, `~10`, …, keep theirs).
    /// A purchase's licenses are numbered so, which makes the order of
    /// their rows that of the stores' indexes on codes: an apply fills the
    /// indexes page after page rather than all over them. `draw` is given
    /// the codes it must not return (empty but for a repeat).
    static func sortedUnique(count: Int, draw: (_ drawn: Set<String>) throws -> String) rethrows -> [String] {
        var codes: [String] = []
        codes.reserveCapacity(count)
        for _ in 0..<count { codes.append(try draw([])) }
        codes.sort(by: numberingOrder)
        // Two equal draws, which a source of random codes makes once in
        // trillions of pairs, are drawn again, against every code kept.
        while true {
            var unique: [String] = []
            unique.reserveCapacity(count)
            for code in codes where unique.last != code { unique.append(code) }
            if unique.count == codes.count { return codes }
            var taken = Set(unique)
            for _ in unique.count..<count {
                let code = try draw(taken)
                taken.insert(code)
                unique.append(code)
            }
            codes = unique.sorted(by: numberingOrder)
        }
    }

    /// Shorter codes first, then by their bytes.
    static func numberingOrder(_ a: String, _ b: String) -> Bool {
        let (left, right) = (a.utf8.count, b.utf8.count)
        return left != right ? left < right : a < b
    }

    /// True for a well-formed code.
    public static func isValid(_ code: String) -> Bool {
        code.utf8.count == 8 && code.utf8.allSatisfy { (65...90).contains($0) || (48...57).contains($0) }
    }
}

private struct EngineState {
    var account: LedgerAccount
    let isNewAccount: Bool
    let actor: String
    let now: Date
    let today: Day
    var users: [String: LedgerUser]
    var licenses: LicenseTable
    var changedUsers: Set<String> = []
    /// The same, in the order first changed: mostly the order `finish`
    /// sorts them in already, which the sort then merely confirms.
    var changedUserOrder: [String] = []
    var changedLicenseOrder: [String] = []
    /// Unassigned, non-expired, owned license codes by plan.
    var free: [String: Set<String>] = [:]
    /// Non-expired owned licenses held, by user. A user holds a handful, so
    /// an array each: a set per user costs 100,000 allocations in a large account.
    var held: [String: [String]] = [:]
    var owned: [String: Int] = [:]
    var contractStarts: [String: Day]
    var newContractStarts: [String: Day] = [:]
    var journal: [JournalEntry] = []
    var nextSequence: Int64
    var activeAdministrators = 0
    /// Purchases and removals in apply order, for billing.
    var billingEvents: [(removes: Bool, plan: String, codes: [String])] = []
    /// Free codes of a plan in assignment order (active before paused, oldest
    /// first), built when first needed and dropped when a license is freed.
    var queues: [String: (codes: [String], next: Int)] = [:]

    init(changeSet: ChangeSet, snapshot: LedgerSnapshot, actor: String, now: Date, lineage: () -> String) throws {
        if let existing = snapshot.account {
            guard existing.id == changeSet.account, existing.lineage == changeSet.lineage, existing.serial == changeSet.serial else {
                throw ApplyError(step: 0, reason: "the ledger is not the one the change set was planned against")
            }
            account = existing
            isNewAccount = false
            if let change = changeSet.accountChange {
                guard !change.isNew else { throw ApplyError(step: 0, reason: "account \"\(existing.id)\" exists already") }
                account.name = change.name
                account.timezone = change.timezone
            }
        } else {
            guard let change = changeSet.accountChange, change.isNew, changeSet.lineage == nil, changeSet.serial == 0 else {
                throw ApplyError(step: 0, reason: "account \"\(changeSet.account)\" does not exist")
            }
            account = LedgerAccount(id: change.id, kind: change.kind, name: change.name, timezone: change.timezone,
                                    lineage: lineage(), serial: 0, createdAt: now)
            isNewAccount = true
        }
        guard account.status == .open else { throw ApplyError(step: 0, reason: "account \"\(account.id)\" is closed", code: .accountClosed) }
        self.actor = actor
        self.now = now
        today = Day(now, inZoneNamed: account.timezone)
        // Only what the change set can touch is indexed: the users it names
        // and the administrators (for the last-administrator rule), the
        // licenses those users hold, the unassigned ones, and the ones it
        // names. A 1 % change to a 100,000-user account then hashes a few
        // thousand rows, not all 300,000; the maps are sized once for what
        // the change set adds (a first apply grows them from nothing).
        var bought = 0, added = 0
        var named: Set<String> = []
        var relevant: Set<String> = []
        // A ledger without users or licenses has nothing to index: the users
        // a change set names (every user, in an account's first apply) are
        // not gathered in a set, which at 1,000,000 users took 1.2 s.
        let hasRows = !snapshot.users.isEmpty || !snapshot.licenses.isEmpty
        for change in changeSet.changes {
            if hasRows, let user = change.user { relevant.insert(user) }
            switch change {
            case .buy(_, let count, _, _): bought += count
            case .addUser: added += 1
            case .assign(_, _, let code?), .unassign(_, _, let code): named.insert(code)
            case .remove(_, _, _, _, let codes): named.formUnion(codes)
            default: break
            }
        }
        for user in snapshot.users where user.role == .administrator { relevant.insert(user.email) }
        // Every user added is a relevant one when the ledger has rows.
        users = Dictionary(minimumCapacity: max(relevant.count, added))
        // With the store's table of the users' e-mails, the relevant users are
        // found by slot, and a license's holder checked by its slot too, not
        // by hashing each of 100,000 e-mails (see `SnapshotEmails`).
        let emails = snapshot.emails
        var relevantSlots: [Bool] = []
        if let emails {
            relevantSlots = Array(repeating: false, count: snapshot.users.count)
            for email in relevant {
                guard let slot = emails.users.slot(of: email) else { continue }
                relevantSlots[slot] = true
                users[email] = snapshot.users[slot]
            }
        } else {
            for user in snapshot.users where relevant.contains(user.email) && users[user.email] == nil { users[user.email] = user }
        }
        licenses = LicenseTable(capacity: bought + named.count)
        changedUsers.reserveCapacity(added)
        changedUserOrder.reserveCapacity(added)
        changedLicenseOrder.reserveCapacity(bought)
        // One entry per change, and a few for the account: 3,000,000 in a
        // first apply of 1,000,000 users, not copied at each doubling.
        journal.reserveCapacity(changeSet.changes.count + 4)
        held.reserveCapacity(max(relevant.count, added))
        contractStarts = snapshot.contractStarts
        var highest: Int64 = 0
        let namedCodes = CodeSet(named)
        var ownedCounts = RunCounts<String>()
        // Each license's fields are read where they are, and the license
        // copied only when indexed: a copy takes a reference to its holder's
        // string, a cache miss per license in a large account.
        let all = snapshot.licenses
        for index in all.indices {
            highest = max(highest, all[index].sequence)
            let code = all[index].code
            var isIndexed = namedCodes.contains(code)
            switch License.effectiveStatus(all[index].status, endDate: all[index].endDate, on: today) {
            case .active, .paused:
                ownedCounts.add(all[index].plan)
                let slot = emails.map { Int($0.holders[index]) } ?? -1
                if slot >= 0 {
                    // A holder who is a user of the ledger: its string is taken only when relevant.
                    if relevantSlots[slot] {
                        held[all[index].assignedTo!, default: []].appendIfMissing(code)
                        isIndexed = true
                    }
                } else if let holder = all[index].assignedTo {
                    if relevant.contains(holder) {
                        held[holder, default: []].appendIfMissing(code)
                        isIndexed = true
                    }
                } else {
                    free[all[index].plan, default: []].insert(code)
                    isIndexed = true
                }
            case .expired, .removed:
                break
            }
            if isIndexed { licenses.index(all[index]) }
        }
        owned = ownedCounts.totals
        nextSequence = highest + 1
        activeAdministrators = users.values.filter(isActiveAdministrator).count
    }

    func isActiveAdministrator(_ user: LedgerUser) -> Bool {
        guard user.status == .active, user.role == .administrator else { return false }
        let codes = held[user.email] ?? []
        return codes.isEmpty || codes.contains { licenses[$0]?.status != .paused }
    }

    mutating func log(_ action: ChangeAction, _ subject: String, from: String?, to: String?) {
        log(action.rawValue, subject, from: from, to: to)
    }

    /// Journals an action that is not a change of the change set:
    /// `create_account`, `update_account`, `close_account`, `defer`.
    mutating func log(_ action: String, _ subject: String, from: String?, to: String?) {
        journal.append(JournalEntry(at: now, account: account.id, actor: actor, action: action, subject: subject,
                                    from: from, to: to, serial: account.serial + 1))
    }

    mutating func logAccountChange(_ change: AccountChange?, previous: LedgerAccount?) {
        guard let change, !change.closes else { return }
        func describe(_ name: String?, _ timezone: String) -> String {
            (name.map { "name=\($0) " } ?? "") + "timezone=\(timezone)"
        }
        if let previous {
            log("update_account", account.id, from: describe(previous.name, previous.timezone), to: describe(change.name, change.timezone))
        } else {
            log("create_account", account.id, from: nil, to: "kind=\(change.kind.rawValue) " + describe(change.name, change.timezone))
        }
    }

    mutating func setUser(_ user: LedgerUser) {
        users[user.email] = user
        if changedUsers.insert(user.email).inserted { changedUserOrder.append(user.email) }
    }

    mutating func setLicense(_ license: License) {
        if licenses.change(license) { changedLicenseOrder.append(license.code) }
    }

    func activeUser(_ email: String) throws -> LedgerUser {
        guard let user = users[email], user.status == .active else { throw ApplyError(step: 0, reason: "user \(email) is not an active user of the account") }
        return user
    }

    /// `newCode` draws a license code that `isUsed` (its argument) refuses.
    mutating func apply(_ change: Change, newCode: ((String) -> Bool) throws -> String) throws {
        let subject = change.user.flatMap { users[$0] }
        let wasAdministrator = subject.map { isActiveAdministrator($0) } ?? false
        let adminsBefore = activeAdministrators
        switch change {
        case let .addUser(email, attributes):
            if let existing = users[email], existing.status == .active { throw ApplyError(step: 0, reason: "user \(email) exists already") }
            let previous = users[email]
            setUser(LedgerUser(email: email, name: attributes.name, role: attributes.role, isExternal: attributes.isExternal, status: .active))
            log(.addUser, email, from: previous.map { _ in "terminated" }, to: describe(attributes))

        case let .updateUser(email, from, to):
            var user = try activeUser(email)
            guard UserAttributes(name: user.name, role: user.role, isExternal: user.isExternal) == from else {
                throw ApplyError(step: 0, reason: "user \(email) changed since the plan was made")
            }
            user.name = to.name
            user.role = to.role
            user.isExternal = to.isExternal
            setUser(user)
            log(.updateUser, email, from: describe(from), to: describe(to))

        case let .buy(plan, count, from, to):
            guard owned[plan, default: 0] == from, to == from + count, count > 0 else {
                throw ApplyError(step: 0, reason: "plan \"\(plan)\" has \(owned[plan, default: 0]) licenses, not \(from)")
            }
            // Codes drawn earlier in this apply are keys of `licenses`; one
            // the snapshot holds already is found after drawing (`collisions`).
            let bought = try LicenseCode.sortedUnique(count: count) { drawn in try newCode { licenses[$0] != nil || drawn.contains($0) } }
            free[plan, default: []].reserveCapacity((free[plan]?.count ?? 0) + count)
            for code in bought {
                setLicense(License(code: code, plan: plan, status: .active, createdAt: now, sequence: nextSequence))
                nextSequence += 1
                free[plan, default: []].insert(code)
            }
            queues[plan] = nil
            owned[plan] = to
            billingEvents.append((false, plan, bought))
            if contractStarts[plan] == nil {
                contractStarts[plan] = today
                newContractStarts[plan] = today
            }
            log(.buy, plan, from: String(from), to: String(to))

        case let .assign(email, plan, code):
            _ = try activeUser(email)
            if (held[email] ?? []).contains(where: { licenses[$0]?.plan == plan }) {
                throw ApplyError(step: 0, reason: "\(email) holds a license of \"\(plan)\" already")
            }
            let chosen: String
            if let code {
                guard free[plan]?.contains(code) == true else { throw ApplyError(step: 0, reason: "license \(code) of \"\(plan)\" is not free") }
                chosen = code
            } else {
                guard let oldest = nextFree(plan) else { throw ApplyError(step: 0, reason: "no free license of \"\(plan)\" to assign to \(email)") }
                chosen = oldest
            }
            var license = licenses[chosen]!
            license.assignedTo = email
            license.status = .active
            if license.activatedAt == nil { license.activatedAt = now }
            setLicense(license)
            free[plan]?.remove(chosen)
            held[email, default: []].appendIfMissing(chosen)
            log(.assign, email, from: nil, to: "\(plan) (\(chosen))")

        case let .resume(email, _), let .pause(email, _):
            _ = try activeUser(email)
            let pausing = change.action == .pause
            var flipped: [String] = []
            for code in (held[email] ?? []).sorted() {
                guard var license = licenses[code], license.status == (pausing ? .active : .paused) else { continue }
                license.status = pausing ? .paused : .active
                setLicense(license)
                flipped.append("\(license.plan) (\(code))")
            }
            guard !flipped.isEmpty else { throw ApplyError(step: 0, reason: "\(email) holds no license to \(pausing ? "pause" : "resume")") }
            log(change.action, email, from: pausing ? "active" : "paused", to: (pausing ? "paused: " : "active: ") + flipped.joined(separator: ", "))

        case let .unassign(email, plan, code):
            guard var license = licenses[code], license.assignedTo == email, license.plan == plan else {
                throw ApplyError(step: 0, reason: "license \(code) of \"\(plan)\" is not assigned to \(email)")
            }
            license.assignedTo = nil
            let isOwned = license.effectiveStatus(on: today) == .active || license.effectiveStatus(on: today) == .paused
            if license.status == .paused { license.status = .active }
            setLicense(license)
            held[email]?.removeAll { $0 == code }
            if isOwned {
                free[plan, default: []].insert(code)
                queues[plan] = nil
            }
            log(.unassign, email, from: "\(plan) (\(code))", to: nil)

        case let .terminateUser(email):
            var user = try activeUser(email)
            if let codes = held[email], !codes.isEmpty { throw ApplyError(step: 0, reason: "\(email) still holds \(codes.count) license(s)") }
            user.status = .terminated
            setUser(user)
            log(.terminateUser, email, from: "active", to: "terminated")

        case let .remove(plan, count, from, to, codes):
            guard owned[plan, default: 0] == from, to == from - count, codes.count == count, Set(codes).count == count else {
                throw ApplyError(step: 0, reason: "plan \"\(plan)\" has \(owned[plan, default: 0]) licenses, not \(from)")
            }
            for code in codes {
                guard var license = licenses[code], license.plan == plan, free[plan]?.contains(code) == true else {
                    throw ApplyError(step: 0, reason: "license \(code) of \"\(plan)\" is assigned or not owned", code: .assignedLicense)
                }
                license.status = .removed
                license.endDate = today
                setLicense(license)
                free[plan]?.remove(code)
            }
            owned[plan] = to
            billingEvents.append((true, plan, codes))
            log(.remove, plan, from: String(from), to: String(to) + " (" + codes.joined(separator: ", ") + ")")
        }
        if account.kind == .enterprise, let email = change.user {
            let isAdministrator = users[email].map { isActiveAdministrator($0) } ?? false
            activeAdministrators += (isAdministrator ? 1 : 0) - (wasAdministrator ? 1 : 0)
            if adminsBefore > 0 && activeAdministrators == 0 {
                throw ApplyError(step: 0, reason: "the account would have no active administrator", code: .lastAdministrator)
            }
        }
    }

    /// `storage_allowance`: after removals, the allowance (the plans'
    /// `storagePerLicenseGB` over owned licenses) covers the recorded usage.
    func checkStorage(usage: Int?, catalog: Catalog, snapshot: LedgerSnapshot) throws {
        guard let usage, billingEvents.contains(where: \.removes) else { return }
        let after = snapshot.licenses.filter { !licenses.isChanged($0.code) } + changedLicenseOrder.compactMap { licenses[$0] }
        let allowance = StorageAllowance.gigabytes(of: after, catalog: catalog, on: today)
        if allowance < usage {
            throw ApplyError(step: 0, reason: "the removals would bring the storage allowance to \(allowance) GB, below the recorded usage of \(usage) GB",
                             code: .storageAllowance)
        }
    }

    /// The oldest unassigned active license of `plan`, else the oldest paused one.
    mutating func nextFree(_ plan: String) -> String? {
        if queues[plan] == nil {
            // Sorted by License.assignmentOrder's key, not whole licenses:
            // a first apply orders 200,000 free licenses.
            var ordered: [(Int, Date, Int64, String)] = []
            ordered.reserveCapacity(free[plan]?.count ?? 0)
            for code in free[plan] ?? [] {
                if let license = licenses[code] { ordered.append(license.assignmentKey) }
            }
            ordered.sort(by: <)
            queues[plan] = (ordered.map(\.3), 0)
        }
        while let queue = queues[plan], queue.next < queue.codes.count {
            let code = queue.codes[queue.next]
            queues[plan]!.next += 1
            if free[plan]?.contains(code) == true { return code }
        }
        return nil
    }

    func describe(_ attributes: UserAttributes) -> String {
        var parts = ["role=\(attributes.role.rawValue)"]
        if let name = attributes.name { parts.append("name=\(name)") }
        if attributes.isExternal { parts.append("external") }
        return parts.joined(separator: " ")
    }

    mutating func finish(deferred: [Deferral], recorded: [RecordedDeferral], closes: Bool) -> LedgerWrites {
        for deferral in deferred where !recorded.contains(RecordedDeferral(deferral)) {
            log("defer", deferral.plan, from: nil,
                to: "\(deferral.action.rawValue) \(deferral.count) until \(deferral.until) (\(deferral.code.rawValue))")
        }
        if closes { log("close_account", account.id, from: "open", to: "closed") }
        var account = self.account
        account.serial += 1
        if closes { account.status = .closed }
        return LedgerWrites(
            account: account, isNewAccount: isNewAccount,
            users: Self.rows(changedUserOrder.sorted()) { users[$0] },
            // Sequence numbers are unique within an account and follow
            // creation order; mostly the order changed already (a first
            // apply's 2,000,000 licenses are not copied to be sorted).
            licenses: Self.rows(changedLicenseOrder) { licenses[$0] }.sortedIfNeeded { $0.sequence < $1.sequence },
            contractStarts: newContractStarts,
            deferrals: deferred.map(RecordedDeferral.init),
            journal: journal,
            boughtCodes: billingEvents.flatMap { $0.removes ? [] : $0.codes })
    }
}

private extension EngineState {
    /// The rows `row` gives for `keys`, in that order, in an array sized
    /// once (a first apply changes 200,000 licenses).
    static func rows<Row>(_ keys: [String], _ row: (String) -> Row?) -> [Row] {
        var rows: [Row] = []
        rows.reserveCapacity(keys.count)
        for key in keys { if let row = row(key) { rows.append(row) } }
        return rows
    }
}

/// The engine's licenses by code, each marked once the apply changes it:
/// one look-up of the code per change, where a map and a set of the
/// changed codes took two (a first apply of 1,000,000 users changes
/// 2,000,000 licenses, twice each).
private struct LicenseTable {
    private struct Entry {
        var license: License
        var isChanged: Bool
    }

    private var entries: [String: Entry]

    init(capacity: Int = 0) {
        entries = Dictionary(minimumCapacity: capacity)
    }

    subscript(code: String) -> License? { entries[code]?.license }

    func isChanged(_ code: String) -> Bool { entries[code]?.isChanged == true }

    /// Adds a license of the snapshot, unchanged, unless it is there already.
    mutating func index(_ license: License) {
        if entries[license.code] == nil { entries[license.code] = Entry(license: license, isChanged: false) }
    }

    /// Sets `license`, changed; true when it was not changed before.
    mutating func change(_ license: License) -> Bool {
        func update(_ entry: inout Entry) -> Bool {
            defer { entry = Entry(license: license, isChanged: true) }
            return !entry.isChanged
        }
        return update(&entries[license.code, default: Entry(license: license, isChanged: false)])
    }
}

private extension Array where Element == String {
    mutating func appendIfMissing(_ code: String) {
        if !contains(code) { append(code) }
    }
}
