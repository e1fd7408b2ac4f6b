import Foundation
import SeatCore

/// One license as the portal's views show it: every field as text, so that
/// filters, the keyword search and both output formats read the same values.
struct LicenseRow {
    var code: String
    var account: String
    var plan: String
    var planName: String?
    var user: String?
    var userName: String?
    /// The status today: an active or paused license past its end date is expired.
    var status: LicenseStatus
    var created: Date
    var activated: Date?
    var endDate: Day?
    /// The plan's price per license per billing period.
    var price: Money?
    var billing: BillingPeriod?

    /// `45.00 USD per month`, or `-` for a plan no longer in the catalog.
    var amountText: String {
        guard let price, let billing else { return "-" }
        return "\(price.formatted) per \(Self.unit(billing))"
    }

    static func unit(_ period: BillingPeriod) -> String {
        switch period {
        case .daily: return "day"
        case .monthly: return "month"
        case .yearly: return "year"
        }
    }

    /// Whether `needle` (lower-cased) appears in any field, case-insensitively.
    func contains(_ needle: String, texts: LicenseTexts) -> Bool {
        // Codes are upper case, emails and plan ids lower case, the rest is
        // lower-cased once per plan or per instant by `texts`.
        code.lowercased().contains(needle) || account.contains(needle) || (user ?? "unassigned").contains(needle)
            || userName?.lowercased().contains(needle) == true || status.rawValue.contains(needle)
            || texts.plan(self).contains(needle) || texts.searchable(created).contains(needle)
            || activated.map { texts.searchable($0).contains(needle) } == true
            || endDate?.description.contains(needle) == true
    }

    var json: JSONValue {
        .object([
            ("code", .string(code)),
            ("account", .string(account)),
            ("plan", .string(plan)),
            ("plan_name", .optional(planName)),
            ("user", .optional(user)),
            ("status", .string(status.rawValue)),
            ("created", .string(Clock.format(created))),
            ("activated", .optional(activated.map(Clock.format))),
            ("end_date", .optional(endDate?.description)),
            ("amount", price.map { price in
                .object([("amount", .string(price.decimalString)), ("currency", .string(price.currency)),
                         ("period", .string(billing?.rawValue ?? ""))])
            } ?? .null),
        ])
    }
}

/// Builds rows for one account's snapshot.
struct LicenseRows {
    let snapshot: LedgerSnapshot
    let catalog: Catalog
    let today: Day
    let names: [String: String]

    init(snapshot: LedgerSnapshot, catalog: Catalog, now: Date) {
        self.snapshot = snapshot
        self.catalog = catalog
        today = Day(now, inZoneNamed: snapshot.account?.timezone ?? "UTC")
        var names: [String: String] = [:]
        for user in snapshot.users { if let name = user.name { names[user.email] = name } }
        self.names = names
    }

    func row(_ license: License) -> LicenseRow {
        let plan = catalog[license.plan]
        return LicenseRow(code: license.code, account: snapshot.account?.id ?? "", plan: license.plan, planName: plan?.name,
                          user: license.assignedTo, userName: license.assignedTo.flatMap { names[$0] },
                          status: license.effectiveStatus(on: today), created: license.createdAt,
                          activated: license.activatedAt, endDate: license.endDate, price: plan?.price, billing: plan?.billing)
    }
}

/// Texts many rows share, built once each: formatted instants (licenses
/// bought together share theirs) and each plan's searchable fields.
final class LicenseTexts {
    private var instants: [Date: String] = [:]
    private var searchableInstants: [Date: String] = [:]
    private var plans: [String: String] = [:]

    func instant(_ date: Date) -> String {
        if let text = instants[date] { return text }
        let text = Clock.format(date)
        instants[date] = text
        return text
    }

    /// The instant as the search sees it: lower-cased.
    func searchable(_ date: Date) -> String {
        if let text = searchableInstants[date] { return text }
        let text = instant(date).lowercased()
        searchableInstants[date] = text
        return text
    }

    /// Plan id, plan name and amount, lower-cased.
    func plan(_ row: LicenseRow) -> String {
        if let text = plans[row.plan] { return text }
        let text = [row.plan, row.planName ?? "", row.amountText].joined(separator: "\u{1F}").lowercased()
        plans[row.plan] = text
        return text
    }
}
