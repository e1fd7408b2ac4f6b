import ArgumentParser
import Foundation
import SeatCore
import SeatStore

/// `seatctl license show CODE`: one license's whole story.
struct LicenseShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one license: plan, user, status, dates, amount, invoices and its journal entries.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The license code.") var code: String

    func run() throws {
        let session = try Session(options)
        let store = try session.requiredStore()
        let (account, code) = try PortalRun.account(ofLicense: self.code, in: store)
        let snapshot = try store.snapshot(account: account)
        guard let license = snapshot.licenses.first(where: { $0.code == code }) else {
            throw CLIError.message("there is no license \(code) in the ledger [not_found]")
        }
        let row = LicenseRows(snapshot: snapshot, catalog: try session.catalog(from: store), now: session.now).row(license)
        let history = Self.history(of: license, in: try store.journal(account: account, since: nil), licenses: snapshot.licenses)
        let billing = snapshot.billing?.licenses[code]
        switch options.format {
        case .json:
            guard case .object(var pairs) = row.json else { return }
            pairs.append(("user_name", .optional(row.userName)))
            // The invoice of the license's current period, with its state (`invoiced`, `paid`).
            pairs.append(("invoices", .array(billing.flatMap { record in
                record.invoice.map { [.object([("id", .string($0)), ("state", .optional(record.invoiceState?.rawValue))])] }
            } ?? [])))
            pairs.append(("paid_until", .optional(billing.map { $0.billedUntil.adding(days: -1).description })))
            pairs.append(("history", .array(history.map(Self.entryJSON))))
            Console.out(JSONValue.object([("format_version", .string(JSONPlanView.formatVersion))] + pairs).serialized())
        case .text, .markdown:
            Console.out(sanitizedForDisplay(text(row, billing: billing, history: history)))
        }
    }

    func text(_ row: LicenseRow, billing: LicenseBilling?, history: [JournalEntry]) -> String {
        let fields: [(String, String)] = [
            ("account", row.account),
            ("plan", row.plan + (row.planName.map { " (\($0))" } ?? "")),
            ("user", (row.user ?? "unassigned") + (row.userName.map { " (\($0))" } ?? "")),
            ("status", row.status.rawValue),
            ("created", Clock.format(row.created)),
            ("activated", row.activated.map(Clock.format) ?? "-"),
            ("end date", row.endDate?.description ?? "-"),
            ("amount", row.amountText),
            ("invoices", billing.flatMap { record in
                record.invoice.map { "\($0) (\(record.invoiceState?.rawValue ?? "issued"))" }
            } ?? "none yet"),
            ("paid until", billing.map { $0.billedUntil.adding(days: -1).description } ?? "-"),
        ]
        var out = options.style.bold("License \(row.code)") + "\n"
        for (name, value) in fields { out += "  " + name.padding(toLength: 10, withPad: " ", startingAt: 0) + "  " + value + "\n" }
        out += "\nHistory:\n"
        if history.isEmpty { return out + "  No journal entries.\n" }
        out += Table.render(header: ["time", "actor", "action", "subject", "from → to"],
                            rows: history.map { e in [Clock.format(e.at), e.actor, e.action, e.subject, (e.from ?? "-") + " → " + (e.to ?? "-")] },
                            indent: "  ", rightAligned: [])
        return out
    }

    /// The journal entries about `license`: those that name its code, and
    /// the purchase that created it. A buy entry does not list codes, so the
    /// purchase is found by counting: the buys of its plan at its creation
    /// instant, in journal order, created its plan's licenses of that
    /// instant in creation order.
    static func history(of license: License, in journal: [JournalEntry], licenses: [License]) -> [JournalEntry] {
        let siblings = licenses.filter { $0.plan == license.plan && $0.createdAt == license.createdAt }.sorted { $0.sequence < $1.sequence }
        var position = siblings.firstIndex { $0.code == license.code } ?? 0
        var purchase: JournalEntry?
        for entry in journal where entry.action == ChangeAction.buy.rawValue && entry.subject == license.plan && entry.at == license.createdAt {
            let count = (Int(entry.to ?? "") ?? 0) - (Int(entry.from ?? "") ?? 0)
            if position < count { purchase = entry; break }
            position -= count
        }
        return journal.filter { entry in
            entry == purchase || [entry.subject, entry.from ?? "", entry.to ?? ""].contains { mentions($0, license.code) }
        }
    }

    /// `code` appears in `text` as a whole word (not inside a longer code).
    static func mentions(_ text: String, _ code: String) -> Bool {
        var searchRange = text.startIndex..<text.endIndex
        while let range = text.range(of: code, range: searchRange) {
            let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
            let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
            if !(before?.isLetter == true || before?.isNumber == true) && !(after?.isLetter == true || after?.isNumber == true) { return true }
            searchRange = range.upperBound..<text.endIndex
        }
        return false
    }

    static func entryJSON(_ e: JournalEntry) -> JSONValue {
        .object([("at", .string(Clock.format(e.at))), ("actor", .string(e.actor)), ("action", .string(e.action)),
                 ("subject", .string(e.subject)), ("from", .optional(e.from)), ("to", .optional(e.to)), ("serial", .int(e.serial))])
    }
}
