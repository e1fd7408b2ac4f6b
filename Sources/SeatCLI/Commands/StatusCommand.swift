import ArgumentParser
import Foundation
import SeatCore
import SeatStore

/// `seatctl status`: what each account holds, per plan.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Per plan: licenses owned, assigned, available, paused and expiring within 30 days; users and storage.")

    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "Only this account.") var account: String?

    func run() throws {
        let session = try Session(options)
        let store = try session.requiredStore()
        let catalog = try session.catalog(from: store)
        let ids = try account.map { [$0] } ?? store.accountIDs()
        var reports: [AccountStatus] = []
        for id in ids {
            let snapshot = try store.snapshot(account: id)
            guard snapshot.account != nil else { throw CLIError.message("no account \"\(id)\" in the ledger") }
            reports.append(AccountStatus(snapshot: snapshot, catalog: catalog, now: session.now))
        }
        switch options.format {
        case .json:
            Console.out(JSONValue.object([
                ("format_version", .string(JSONPlanView.formatVersion)),
                ("accounts", .array(reports.map(\.json))),
            ]).serialized())
        case .text, .markdown:
            if reports.isEmpty { Console.out("The ledger has no accounts yet.\n") }
            Console.out(sanitizedForDisplay(reports.map { $0.text(options.style) }.joined(separator: "\n")))
        }
    }
}

/// The figures `status` shows for one account, computed from a snapshot.
struct AccountStatus {
    struct PlanLine {
        var plan: String
        var owned = 0, assigned = 0, available = 0, paused = 0, expiring = 0, expired = 0
    }

    var account: LedgerAccount
    var plans: [PlanLine]
    var users: Int
    var administrators: Int
    var allowanceGB: Int
    var usageGB: Int?
    var creditBalance: Money
    var nextInvoice: Invoice
    var today: Day

    init(snapshot: LedgerSnapshot, catalog: Catalog, now: Date) {
        account = snapshot.account!
        today = Day(now, inZoneNamed: account.timezone)
        let horizon = today.adding(days: 30)
        var lines: [String: PlanLine] = [:]
        var allowance = 0
        for license in snapshot.licenses {
            let status = license.effectiveStatus(on: today)
            guard status != .removed else { continue }
            var line = lines[license.plan] ?? PlanLine(plan: license.plan)
            if status == .expired {
                line.expired += 1
            } else {
                line.owned += 1
                allowance += catalog[license.plan]?.storagePerLicenseGB ?? 0
                if license.assignedTo != nil { line.assigned += 1 } else if status == .active { line.available += 1 }
                if status == .paused { line.paused += 1 }
                if let end = license.endDate, end <= horizon { line.expiring += 1 }
            }
            lines[license.plan] = line
        }
        plans = lines.values.sorted { $0.plan < $1.plan }
        let active = snapshot.users.filter { $0.status == .active }
        users = active.count
        administrators = active.filter { $0.role == .administrator }.count
        allowanceGB = allowance
        let billing = snapshot.billing ?? .initial(for: account, currency: catalog.currency)
        usageGB = billing.usageGB
        creditBalance = billing.creditBalance
        nextInvoice = InvoiceBuilder(catalog: catalog).next(account: account.id, billing: billing, licenses: snapshot.licenses)
    }

    func text(_ style: Style) -> String {
        var out = style.bold("Account \(account.id)") + " (\(account.kind.rawValue)\(account.status == .closed ? ", closed" : ""))"
            + (account.name.map { " — \($0)" } ?? "") + "\n"
        out += "  serial \(account.serial), lineage \(account.lineage), timezone \(account.timezone), as of \(today)\n"
        out += "  users: \(users) active, \(administrators) administrator\(administrators == 1 ? "" : "s")\n"
        out += "  storage: \(usageGB.map { "\($0) GB used of" } ?? "usage not recorded,") \(allowanceGB) GB allowance"
            + (usageGB.map { $0 > allowanceGB ? " " + style.red("(over the allowance)") : "" } ?? "") + "\n"
        out += "  next invoice: \(nextInvoice.date), \(nextInvoice.total.formatted); credit balance \(creditBalance.formatted)\n\n"
        let header = ["plan", "owned", "assigned", "available", "paused", "expiring≤30d", "expired"]
        let rows = plans.map { [$0.plan, "\($0.owned)", "\($0.assigned)", "\($0.available)", "\($0.paused)", "\($0.expiring)", "\($0.expired)"] }
        out += Table.render(header: header, rows: rows, indent: "  ")
        return out
    }

    var json: JSONValue {
        .object([
            ("account", .string(account.id)),
            ("kind", .string(account.kind.rawValue)),
            ("status", .string(account.status.rawValue)),
            ("name", .optional(account.name)),
            ("ledger", .object([("lineage", .string(account.lineage)), ("serial", .int(account.serial))])),
            ("users", .object([("active", .int(users)), ("administrators", .int(administrators))])),
            ("storage", .object([("allowance_gb", .int(allowanceGB)), ("usage_gb", usageGB.map(JSONValue.int) ?? .null)])),
            ("credit_balance", BillingView.json(creditBalance)),
            ("next_invoice", .object([("date", .string(nextInvoice.date.description)), ("total", BillingView.json(nextInvoice.total))])),
            ("plans", .array(plans.map { line in
                .object([("plan", .string(line.plan)), ("owned", .int(line.owned)), ("assigned", .int(line.assigned)),
                         ("available", .int(line.available)), ("paused", .int(line.paused)),
                         ("expiring_within_30_days", .int(line.expiring)), ("expired", .int(line.expired))])
            })),
        ])
    }
}

/// Plain text tables with left-aligned first column and right-aligned numbers.
enum Table {
    static func render(header: [String], rows: [[String]], indent: String = "", rightAligned: Set<Int>? = nil) -> String {
        let columns = header.count
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < columns { widths[i] = max(widths[i], cell.count) } }
        let right = rightAligned ?? Set(1..<columns)
        func line(_ cells: [String]) -> String {
            var text = indent + cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return right.contains(i) ? pad + cell : cell + pad
            }.joined(separator: "  ")
            // Trailing blanks only: a regular expression per line is too slow for 100,000 rows.
            while text.last?.isWhitespace == true { text.removeLast() }
            return text + "\n"
        }
        return line(header) + rows.map(line).joined()
    }
}
