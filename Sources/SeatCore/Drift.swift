import Foundation

/// The actor prefix portal operations journal with: `portal:alice@acme.com`.
public enum PortalActor {
    public static let prefix = "portal:"

    public static func isPortal(_ actor: String) -> Bool { actor.hasPrefix(prefix) }
}

/// One thing that changed the ledger since the account's latest apply,
/// caused by something other than an apply: a portal operation (with its
/// actor and time from the journal) or a time event (a license's expiry, a
/// contract's renewal) derived from the ledger and the clock.
public struct DriftItem: Hashable, Sendable {
    /// What happened to the account.
    public enum Cause: String, Sendable {
        /// A portal operation, named by its journal entry.
        case portal
        /// The clock: an expiry or a renewal.
        case time
    }

    /// A ``ChangeAction`` raw value for portal operations; `expire` or
    /// `renew` for time events; any other journal action as it was recorded.
    public var action: String
    public var cause: Cause
    public var plan: String?
    public var user: String?
    /// Licenses for `buy`, `remove` and `expire`; nil otherwise.
    public var count: Int?
    /// `portal:<actor>` for portal operations, `time` for time events.
    public var actor: String
    public var at: Date
    /// The day the event happened, in the account's time zone.
    public var day: Day
    /// A short account of the change in the journal's words (`12 → 14`).
    public var detail: String?

    public init(action: String, cause: Cause, plan: String? = nil, user: String? = nil, count: Int? = nil,
                actor: String, at: Date, day: Day, detail: String? = nil) {
        self.action = action
        self.cause = cause
        self.plan = plan
        self.user = user
        self.count = count
        self.actor = actor
        self.at = at
        self.day = day
        self.detail = detail
    }

    /// One sentence: "2 licenses of full-suite-monthly bought by portal:alice@acme.com on 2026-11-20".
    public var sentence: String {
        func licenses(_ n: Int?) -> String { n.map { "\($0) license\($0 == 1 ? "" : "s")" } ?? "licenses" }
        let by = cause == .portal ? " by \(actor)" : ""
        let plan = self.plan ?? "?"
        let user = self.user ?? "?"
        switch action {
        case ChangeAction.buy.rawValue: return "\(licenses(count)) of \(plan) bought\(by) on \(day)"
        case ChangeAction.remove.rawValue: return "\(licenses(count)) of \(plan) removed\(by) on \(day)"
        case ChangeAction.assign.rawValue: return "\(plan) assigned to \(user)\(by) on \(day)"
        case ChangeAction.unassign.rawValue: return "\(plan) unassigned from \(user)\(by) on \(day)"
        case ChangeAction.addUser.rawValue: return "user \(user) added\(by) on \(day)"
        case ChangeAction.updateUser.rawValue: return "user \(user) updated\(by) on \(day)" + (detail.map { " (\($0))" } ?? "")
        case ChangeAction.terminateUser.rawValue: return "user \(user) terminated\(by) on \(day)"
        case ChangeAction.pause.rawValue: return "\(user)'s licenses paused\(by) on \(day)"
        case ChangeAction.resume.rawValue: return "\(user)'s licenses resumed\(by) on \(day)"
        case DriftDetector.expireAction: return "\(licenses(count)) of \(plan) expired on \(day)"
        case DriftDetector.renewAction: return "the contract for \(plan) renewed on \(day)" + (detail.map { "; \($0)" } ?? "")
        default: return "\(action) \(self.plan ?? self.user ?? "")\(by) on \(day)" + (detail.map { " (\($0))" } ?? "")
        }
    }
}

/// The journal of an account as drift needs it: its latest apply and every
/// entry written after it.
public struct DriftHistory: Hashable, Sendable {
    /// The actions an apply journals: every change, and what it does to the
    /// account itself. Other entries with a plain actor (invoices, usage)
    /// are not applies.
    public static let applyActions: Set<String> = Set(ChangeAction.allCases.map(\.rawValue))
        .union(["create_account", "update_account", "close_account", "defer"])

    /// True for an entry an apply wrote.
    public static func isApply(_ entry: JournalEntry) -> Bool {
        !PortalActor.isPortal(entry.actor) && applyActions.contains(entry.action)
    }

    /// The newest entry written by an apply (an actor without the `portal:`
    /// prefix, an apply's action); nil when no apply ever wrote to the account.
    public var latestApply: JournalEntry?
    /// Entries after ``latestApply``, oldest first.
    public var since: [JournalEntry]

    public init(latestApply: JournalEntry?, since: [JournalEntry]) {
        self.latestApply = latestApply
        self.since = since
    }

    /// Splits a whole journal (oldest first) at its latest apply.
    public init(journal: [JournalEntry]) {
        let index = journal.lastIndex(where: Self.isApply)
        latestApply = index.map { journal[$0] }
        since = Array(journal[(index.map { $0 + 1 } ?? 0)...])
    }
}

/// Finds drift, as the design's glossary defines it: what portal
/// operations and time events changed since the account's latest apply. A
/// pure function of the ledger, its journal, the catalog and the clock.
public struct DriftDetector: Sendable {
    public static let expireAction = "expire"
    public static let renewAction = "renew"
    /// The actor time events name.
    public static let timeActor = "time"

    public var catalog: Catalog

    public init(catalog: Catalog) {
        self.catalog = catalog
    }

    /// Portal operations in journal order, then time events by day and plan.
    public func detect(snapshot: LedgerSnapshot, history: DriftHistory, now: Date) -> [DriftItem] {
        guard let account = snapshot.account else { return [] }
        let zone = TimeZone(identifier: account.timezone) ?? TimeZone(identifier: "UTC")!
        let today = Day(now, in: zone)
        // The day the latest apply saw; time events after it are drift.
        let seen = Day(history.latestApply?.at ?? account.createdAt, in: zone)

        var items = history.since.filter { PortalActor.isPortal($0.actor) }.map { portalItem($0, zone: zone) }

        var timeItems: [DriftItem] = []
        // One pass over the owned licenses, each read in place, not copied
        // (see `InvoiceBuilder`):
        // - expiries: the first day a license counts as expired is the day
        //   after its end date;
        // - the plans held, for the renewals of contracted plans (only when
        //   the account has some); licenses bought together come one after
        //   another, so a plan is inserted once per run.
        var expired: [Day: [String: Int]] = [:]
        var held: Set<String> = []
        let needsHeld = !snapshot.contractStarts.isEmpty
        snapshot.licenses.withUnsafeBufferPointer { licenses in
            var last: String?
            for index in licenses.indices where licenses[index].status == .active || licenses[index].status == .paused {
                if needsHeld, licenses[index].plan != last {
                    held.insert(licenses[index].plan)
                    last = licenses[index].plan
                }
                guard let end = licenses[index].endDate else { continue }
                let first = end.adding(days: 1)
                guard seen < first, !(today < first) else { continue }
                expired[first, default: [:]][licenses[index].plan, default: 0] += 1
            }
        }
        for (day, plans) in expired {
            for (plan, count) in plans {
                timeItems.append(DriftItem(action: Self.expireAction, cause: .time, plan: plan, count: count,
                                           actor: Self.timeActor, at: day.start(in: zone), day: day))
            }
        }
        // Renewals of contracted plans the account holds licenses of.
        for (plan, start) in snapshot.contractStarts where held.contains(plan) {
            guard let months = catalog[plan]?.contractMonths, months > 0, catalog[plan]?.commitment == .contracted else { continue }
            var renewal = seen.nextRenewal(start: start, everyMonths: months, inclusive: false)
            while !(today < renewal) {
                let due = snapshot.deferrals.contains { $0.plan == plan && $0.until <= renewal }
                timeItems.append(DriftItem(action: Self.renewAction, cause: .time, plan: plan, actor: Self.timeActor,
                                           at: renewal.start(in: zone), day: renewal,
                                           detail: due ? "the deferred removal is now due" : nil))
                renewal = renewal.nextRenewal(start: start, everyMonths: months, inclusive: false)
            }
        }
        timeItems.sort { ($0.day, $0.plan ?? "", $0.action) < ($1.day, $1.plan ?? "", $1.action) }
        items += timeItems
        return items
    }

    /// One portal journal entry as a drift item; counts come from the
    /// entry's `from` and `to` (`12` → `14`, or `14` → `12 (CODES…)`).
    func portalItem(_ entry: JournalEntry, zone: TimeZone) -> DriftItem {
        var item = DriftItem(action: entry.action, cause: .portal, actor: entry.actor, at: entry.at, day: Day(entry.at, in: zone))
        func leadingInt(_ text: String?) -> Int? { text.flatMap { Int($0.prefix { $0.isNumber }) } }
        func planOf(_ text: String?) -> String? { text.map { String($0.prefix { $0 != " " }) } }
        switch ChangeAction(rawValue: entry.action) {
        case .buy?, .remove?:
            item.plan = entry.subject
            if let from = leadingInt(entry.from), let to = leadingInt(entry.to) { item.count = abs(to - from) }
        case .assign?:
            item.user = entry.subject
            item.plan = planOf(entry.to)
        case .unassign?:
            item.user = entry.subject
            item.plan = planOf(entry.from)
        case .addUser?, .updateUser?, .terminateUser?, .pause?, .resume?:
            item.user = entry.subject
            if entry.action == ChangeAction.updateUser.rawValue {
                item.detail = "\(entry.from ?? "-") → \(entry.to ?? "-")"
            }
        case nil:
            item.plan = entry.subject
            item.detail = [entry.from, entry.to].compactMap { $0 }.joined(separator: " → ")
        }
        return item
    }
}
