import ArgumentParser
import Foundation
import SeatCore
import SeatStore

/// `seatctl license list`: the portal's license list, with its filters and
/// a keyword search over every field. One snapshot read per account; the
/// filtering is done in memory.
struct LicenseListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List licenses, filtered by account, plan, user, status, expiry, or a keyword in any field.",
        discussion: "Removed licenses are listed only with --status removed.")

    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "Only this account.") var account: String?
    @Option(name: .long, help: "Only this plan.") var plan: String?
    @Option(name: .long, help: "Only licenses assigned to this user.") var user: String?
    @Option(name: .long, help: "Only this status: active, paused, expired, removed.") var status: String?
    @Option(name: .long, help: ArgumentHelp("Only licenses whose end date is within this many days.", valueName: "days"))
    var expiringWithin: Int?
    @Flag(name: .long, help: "Only expired licenses.") var expired = false
    @Option(name: .long, help: "Only licenses with this text (any case) in any field: code, plan, plan name, user, status, dates, amount.")
    var search: String?

    func validate() throws {
        if let status, LicenseStatus(rawValue: status) == nil {
            throw ValidationError("--status \"\(sanitizedForDisplay(status))\" is not a license status (active, paused, expired, removed)")
        }
        if let expiringWithin, expiringWithin < 0 {
            throw ValidationError("--expiring-within must be 0 or more days, not \(expiringWithin)")
        }
    }

    /// The filters as one predicate over a row; `today` is the row's account's day.
    func matches(_ row: LicenseRow, today: Day, texts: LicenseTexts) -> Bool {
        let wanted = status.flatMap(LicenseStatus.init(rawValue:))
        if wanted == .removed ? row.status != .removed : row.status == .removed { return false }
        if let wanted, row.status != wanted { return false }
        if let plan, row.plan != plan { return false }
        if let user, row.user != user.lowercased() { return false }
        if expired, row.status != .expired { return false }
        if let days = expiringWithin {
            guard row.status == .active || row.status == .paused, let end = row.endDate, end >= today, end <= today.adding(days: days)
            else { return false }
        }
        if let search, !search.isEmpty, !row.contains(search.lowercased(), texts: texts) { return false }
        return true
    }

    func run() throws {
        let session = try Session(options)
        let store = try session.requiredStore()
        let catalog = try session.catalog(from: store)
        let ids = try account.map { [$0] } ?? store.accountIDs()
        var rows: [LicenseRow] = []
        let texts = LicenseTexts()
        for id in ids {
            let snapshot = try store.snapshot(account: id)
            guard snapshot.account != nil else {
                throw CLIError.message("there is no account \"\(id)\" in the ledger [not_found]", hint: "`seatctl status` lists the accounts")
            }
            let builder = LicenseRows(snapshot: snapshot, catalog: catalog, now: session.now)
            for license in snapshot.licenses {
                let row = builder.row(license)
                if matches(row, today: builder.today, texts: texts) { rows.append(row) }
            }
        }
        switch options.format {
        case .json:
            Console.out(JSONValue.object([
                ("format_version", .string(JSONPlanView.formatVersion)),
                ("count", .int(rows.count)),
                ("licenses", .array(rows.map(\.json))),
            ]).serialized())
        case .text, .markdown:
            guard !rows.isEmpty else { Console.out("No licenses match.\n"); return }
            let table = Table.render(
                header: ["code", "account", "plan", "user", "status", "created", "activated", "end date", "amount"],
                rows: rows.map { row in
                    [row.code, row.account, row.plan, row.user ?? "-", row.status.rawValue, texts.instant(row.created),
                     row.activated.map(texts.instant) ?? "-", row.endDate?.description ?? "-", row.amountText]
                },
                rightAligned: [])
            Console.out(sanitizedForDisplay(table + "\(rows.count) license\(rows.count == 1 ? "" : "s").\n"))
        }
    }
}
