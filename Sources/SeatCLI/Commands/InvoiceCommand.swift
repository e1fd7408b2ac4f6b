import ArgumentParser
import Foundation
import SeatCore
import SeatStore

/// `seatctl invoice preview|issue|list|send|pay`: the account's billing documents.
struct InvoiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoice",
        abstract: "Preview, issue, list, send and record payment of invoices.",
        subcommands: [Preview.self, Issue.self, List.self, Send.self, Pay.self])

    /// At most this many licenses per `invoice send` (`invoice_batch`).
    static let sendLimit = 20

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "preview",
            abstract: "Show the next invoice: recurring lines, adjustments since the last invoice, credit applied, total and date.")
        @OptionGroup var options: GlobalOptions
        @Option(name: .long, help: "The account (optional when the ledger has one).") var account: String?

        func run() throws {
            let session = try Session(options)
            let context = try BillingContext(session: session, account: account)
            let invoice = InvoiceBuilder(catalog: context.catalog).next(account: context.account.id, billing: context.billing,
                                                                        licenses: context.snapshot.licenses)
            switch options.format {
            case .json: Console.out(InvoiceView.json(invoice, versioned: true).serialized())
            case .text, .markdown: Console.out(InvoiceView.document(invoice, title: "Invoice preview", account: context.account))
            }
        }
    }

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "issue",
            abstract: "Issue every invoice due up to --now: closes the periods that ended and marks the licenses invoiced.")
        @OptionGroup var options: GlobalOptions
        @Option(name: .long, help: "The account (optional when the ledger has one).") var account: String?
        @Option(name: .long, help: "Who the journal names (else SEATCTL_ACTOR, else the OS user).") var actor: String?

        func run() throws {
            let session = try Session(options)
            let actor = try Session.actor(self.actor)
            let context = try BillingContext(session: session, account: account)
            let builder = InvoiceBuilder(catalog: context.catalog)
            let catalog = context.catalog
            let issued = try context.store.issueInvoices(account: context.account.id, actor: actor, at: session.now) { snapshot in
                guard let account = snapshot.account else { throw BillingStoreError.noAccount(context.account.id) }
                let billing = snapshot.billing ?? .initial(for: account, currency: catalog.currency)
                return builder.due(account: account.id, billing: billing, licenses: snapshot.licenses,
                                   through: Day(session.now, inZoneNamed: account.timezone))
            }
            switch options.format {
            case .json:
                Console.out(JSONValue.object([("format_version", .string(JSONPlanView.formatVersion)),
                                              ("issued", .array(issued.map { InvoiceView.json($0) }))]).serialized())
            case .text, .markdown:
                if issued.isEmpty {
                    Console.out("No invoice is due: the next one is on \(context.billing.nextInvoiceDate).\n")
                }
                for invoice in issued {
                    Console.out("Issued \(invoice.id): \(invoice.total.formatted) (\(Self.lines(invoice))).\n")
                }
            }
        }

        static func lines(_ invoice: Invoice) -> String {
            let count = invoice.lines.filter { $0.kind == .recurring }.reduce(0) { $0 + $1.count }
            return "\(count) license\(count == 1 ? "" : "s") billed, \(invoice.creditApplied.formatted) credit applied"
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the account's issued invoices, oldest first.")
        @OptionGroup var options: GlobalOptions
        @Option(name: .long, help: "The account (optional when the ledger has one).") var account: String?

        func run() throws {
            let session = try Session(options)
            let context = try BillingContext(session: session, account: account)
            let invoices = try context.store.invoices(account: context.account.id)
            switch options.format {
            case .json:
                Console.out(JSONValue.object([("format_version", .string(JSONPlanView.formatVersion)),
                                              ("invoices", .array(invoices.map { InvoiceView.json($0) }))]).serialized())
            case .text, .markdown:
                guard !invoices.isEmpty else {
                    Console.out("No invoices yet for \(context.account.id); the first is due on \(context.billing.nextInvoiceDate).\n")
                    return
                }
                let rows = invoices.map { [$0.id, $0.date.description, $0.total.formatted, $0.status.rawValue, $0.sentAt == nil ? "no" : "yes"] }
                Console.out(sanitizedForDisplay(Table.render(header: ["invoice", "date", "total", "status", "sent"], rows: rows,
                                                             rightAligned: [2])))
            }
        }
    }

    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send",
            abstract: "Send the invoices of up to 20 licenses assigned to users: prints each as a document and records it was sent.")
        @OptionGroup var options: GlobalOptions
        @Option(name: .long, help: "The account (optional when the ledger has one).") var account: String?
        @Option(name: .long, help: "Who the journal names (else SEATCTL_ACTOR, else the OS user).") var actor: String?
        @Argument(help: "License codes (at most 20).") var codes: [String] = []

        func run() throws {
            let session = try Session(options)
            let actor = try Session.actor(self.actor)
            let codes = codes.map { $0.uppercased() }
            guard !codes.isEmpty else {
                throw CLIError.message("name at least one license code", hint: "seatctl invoice send CODE… (at most \(InvoiceCommand.sendLimit))")
            }
            guard codes.count <= InvoiceCommand.sendLimit else {
                throw CLIError.rule(.invoiceBatch, "invoices are sent for at most \(InvoiceCommand.sendLimit) licenses at once; \(codes.count) were given",
                                    hint: "send them in batches of \(InvoiceCommand.sendLimit)")
            }
            let context = try BillingContext(session: session, account: account)
            let byCode = Dictionary(context.snapshot.licenses.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
            var byInvoice: [String: [License]] = [:]
            var problems: [String] = []
            for code in Set(codes).sorted() {
                guard let license = byCode[code], license.status != .removed else {
                    problems.append("license \(code) is not a license of account \(context.account.id)")
                    continue
                }
                guard license.assignedTo != nil else {
                    problems.append("license \(code) is not assigned to a user; invoices are sent only for licenses assigned to users")
                    continue
                }
                guard let invoice = context.billing.licenses[code]?.invoice else {
                    problems.append("license \(code) has not been invoiced yet (run `seatctl invoice issue`)")
                    continue
                }
                byInvoice[invoice, default: []].append(license)
            }
            guard problems.isEmpty else {
                throw CLIError.rule(.invoiceBatch, problems.joined(separator: "\n  "), hint: "nothing was sent")
            }
            var documents: [String] = []
            var sent: [(Invoice, [License])] = []
            for (id, licenses) in byInvoice.sorted(by: { $0.key < $1.key }) {
                guard let invoice = try context.store.invoice(id: id) else { throw BillingStoreError.noInvoice(id) }
                sent.append((invoice, licenses))
                documents.append(InvoiceView.document(invoice, title: "Invoice", account: context.account, recipients: licenses.map {
                    "license \($0.code) (\($0.plan)), held by \($0.assignedTo ?? "-"): \(context.billing.licenses[$0.code]?.paid.formatted ?? "-")"
                }))
            }
            for (invoice, licenses) in sent {
                try context.store.recordDelivery(invoice: invoice.id, licenses: licenses.map(\.code), actor: actor, at: session.now)
            }
            switch options.format {
            case .json:
                Console.out(JSONValue.object([("format_version", .string(JSONPlanView.formatVersion)),
                                              ("sent", .array(sent.map { invoice, licenses in
                                                  .object([("invoice", InvoiceView.json(invoice)),
                                                           ("licenses", .array(licenses.map { .string($0.code) }))])
                                              }))]).serialized())
            case .text, .markdown:
                Console.out(documents.joined(separator: "\n"))
                Console.out("\nSent \(sent.count) invoice\(sent.count == 1 ? "" : "s") for \(codes.count) license\(codes.count == 1 ? "" : "s").\n")
            }
        }
    }

    struct Pay: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pay",
            abstract: "Record the payment of an issued invoice with the payment method's opaque reference; marks it and its licenses paid.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The invoice id, as `invoice list` shows it.") var invoice: String
        @Option(name: .long, help: "The payment method's opaque reference from the payment provider (never a card number).") var reference: String
        @Option(name: .long, help: "Who the journal names (else SEATCTL_ACTOR, else the OS user).") var actor: String?

        func run() throws {
            try CardNumberGuard.check(flag: "--reference", value: reference)
            guard !reference.isEmpty, reference.count <= 200, reference.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }) else {
                throw CLIError.message("--reference must be 1 to 200 printable ASCII characters without spaces",
                                       hint: "use the payment method's id from your payment provider, e.g. pm_1NqKq2LkdIwHu7ix")
            }
            let session = try Session(options)
            let actor = try Session.actor(self.actor)
            guard let store = try session.requiredStore() as? BillingStore else { throw CLIError.message("this ledger keeps no invoices") }
            let paid = try store.recordPayment(invoice: invoice, reference: reference, actor: actor, at: session.now)
            switch options.format {
            case .json: Console.out(InvoiceView.json(paid, versioned: true).serialized())
            case .text, .markdown:
                Console.out(sanitizedForDisplay("Invoice \(paid.id) paid: \(paid.total.formatted) (payment method \(PaymentReference.masked(reference))).\n"))
            }
        }
    }
}

/// What the invoice and usage commands read: the store, the account, its
/// snapshot, billing records and the catalog.
struct BillingContext {
    let store: any BillingStore
    let account: LedgerAccount
    let snapshot: LedgerSnapshot
    let billing: AccountBilling
    let catalog: Catalog

    init(session: Session, account flag: String?) throws {
        guard let store = try session.requiredStore() as? BillingStore else { throw CLIError.message("this ledger keeps no invoices") }
        let id: String
        if let flag {
            id = flag
        } else {
            let ids = try store.accountIDs()
            guard ids.count == 1 else {
                throw CLIError.message(ids.isEmpty ? "the ledger has no accounts yet" : "the ledger has \(ids.count) accounts; say which",
                                       hint: ids.isEmpty ? "run `seatctl apply FILE` first" : "add --account " + ids.prefix(5).joined(separator: "|"))
            }
            id = ids[0]
        }
        snapshot = try store.snapshot(account: id)
        guard let account = snapshot.account else { throw CLIError.message("no account \"\(id)\" in the ledger") }
        self.store = store
        self.account = account
        catalog = try session.catalog(from: store)
        billing = snapshot.billing ?? .initial(for: account, currency: catalog.currency)
    }
}
