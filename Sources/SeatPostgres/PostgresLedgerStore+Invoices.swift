import Foundation
import PostgresNIO
import SeatCore
import SeatStore

/// Invoices, payments, deliveries and storage usage in PostgreSQL,
/// statement for statement as `SQLiteLedgerStore` keeps them.
extension PostgresLedgerStore: BillingStore {
    public func invoices(account: String) throws -> [Invoice] {
        try session.transaction(.readOnly) { session in
            let ids = try session.execute("SELECT id FROM invoices WHERE account = \(account) ORDER BY date").rows
                .map { try $0.decode(String.self) }
            return try ids.compactMap { try Self.readInvoice($0, session) }
        }
    }

    public func invoice(id: String) throws -> Invoice? {
        try session.transaction(.readOnly) { try Self.readInvoice(id, $0) }
    }

    public func issueInvoices(
        account: String, actor: String, at: Date,
        _ issue: (LedgerSnapshot) throws -> (invoices: [(invoice: Invoice, billed: [String: LicenseBilling])], billing: AccountBilling)
    ) throws -> [Invoice] {
        try session.transaction(.write) { session in
            try session.execute("SELECT 1 FROM accounts WHERE id = \(account) FOR UPDATE")
            let snapshot = try Self.readSnapshot(account: account, session)
            guard let ledgerAccount = snapshot.account else { throw BillingStoreError.noAccount(account) }
            let (issued, billing) = try issue(snapshot)
            guard !issued.isEmpty else { return [] }
            try session.execute("""
                INSERT INTO account_billing (account, anchor, currency, credit_balance_minor, last_invoice_date)
                VALUES (\(account), \(billing.anchor.description), \(billing.currency), \(billing.creditBalance.minorUnits),
                        \(billing.lastInvoiceDate?.description))
                ON CONFLICT (account) DO UPDATE SET credit_balance_minor = excluded.credit_balance_minor,
                    last_invoice_date = excluded.last_invoice_date
                """)
            var journal: [JournalEntry] = []
            for (index, entry) in issued.enumerated() {
                try Self.insertInvoice(entry.invoice, issuedAt: at, session)
                try Self.upsertLicenseBilling(LicenseRecords(entry.billed), account: account, session)
                if index == 0 {
                    // The first invoice lists every adjustment pending until now.
                    try session.execute("UPDATE adjustments SET invoice = \(entry.invoice.id) WHERE account = \(account) AND invoice IS NULL")
                }
                journal.append(JournalEntry(at: at, account: account, actor: actor, action: "issue_invoice", subject: entry.invoice.id,
                                            from: nil, to: entry.invoice.total.formatted, serial: ledgerAccount.serial))
            }
            try Self.appendJournal(journal, session)
            return issued.map(\.invoice)
        }
    }

    public func recordPayment(invoice id: String, reference: String, actor: String, at: Date) throws -> Invoice {
        try session.transaction(.write) { session in
            try session.execute("SELECT 1 FROM invoices WHERE id = \(id) FOR UPDATE")
            guard var invoice = try Self.readInvoice(id, session) else { throw BillingStoreError.noInvoice(id) }
            guard invoice.status == .open else { throw BillingStoreError.alreadyPaid(id) }
            try session.execute("""
                INSERT INTO payments (invoice, account, amount_minor, currency, method_reference, at, actor)
                VALUES (\(id), \(invoice.account), \(invoice.total.minorUnits), \(invoice.currency), \(reference), \(Self.milliseconds(at)), \(actor))
                """)
            try session.execute("UPDATE invoices SET status = 'paid' WHERE id = \(id)")
            try session.execute("UPDATE license_billing SET invoice_state = 'paid' WHERE invoice = \(id)")
            try Self.appendJournal([.paidInvoice(invoice, reference: reference, actor: actor, at: at,
                                                 serial: try Self.serial(of: invoice.account, session))], session)
            invoice.status = .paid
            invoice.paymentReference = reference
            return invoice
        }
    }

    public func recordDelivery(invoice id: String, licenses: [String], actor: String, at: Date) throws {
        try session.transaction(.write) { session in
            guard let invoice = try Self.readInvoice(id, session) else { throw BillingStoreError.noInvoice(id) }
            let json = String(decoding: try JSONEncoder().encode(licenses), as: UTF8.self)
            try session.execute("""
                INSERT INTO invoice_deliveries (invoice, license, at, actor)
                SELECT \(id), license, \(Self.milliseconds(at)), \(actor)
                FROM jsonb_array_elements_text(\(json)::jsonb) WITH ORDINALITY AS l(license, ord) ORDER BY ord
                """)
            try session.execute("UPDATE invoices SET sent_at = \(Self.milliseconds(at)) WHERE id = \(id)")
            let serial = try Self.serial(of: invoice.account, session)
            try Self.appendJournal(licenses.map {
                JournalEntry(at: at, account: invoice.account, actor: actor, action: "send_invoice", subject: id, from: nil, to: $0, serial: serial)
            }, session)
        }
    }

    public func recordUsage(account: String, gigabytes: Int, actor: String, at: Date) throws {
        try session.transaction(.write) { session in
            try session.execute("SELECT 1 FROM accounts WHERE id = \(account) FOR UPDATE")
            let snapshot = try Self.readSnapshot(account: account, session)
            guard let ledgerAccount = snapshot.account else { throw BillingStoreError.noAccount(account) }
            let billing = try snapshot.billing
                ?? AccountBilling.initial(for: ledgerAccount, currency: Self.readCatalog(session)?.currency ?? "USD")
            try session.execute("""
                INSERT INTO account_billing (account, anchor, currency, credit_balance_minor, usage_gb, usage_recorded_at)
                VALUES (\(account), \(billing.anchor.description), \(billing.currency), \(billing.creditBalance.minorUnits),
                        \(Int64(gigabytes)), \(Self.milliseconds(at)))
                ON CONFLICT (account) DO UPDATE SET usage_gb = excluded.usage_gb, usage_recorded_at = excluded.usage_recorded_at
                """)
            try Self.appendJournal([JournalEntry(at: at, account: account, actor: actor, action: "set_usage", subject: account,
                                                 from: billing.usageGB.map { "\($0) GB" }, to: "\(gigabytes) GB",
                                                 serial: ledgerAccount.serial)], session)
        }
    }

    // MARK: Invoices

    private struct InvoiceLineRow: Codable {
        var ord: Int?, kind: String, plan: String, count: Int, span_start: String, span_end: String, period_days: Int
        var amount_minor: Int64
    }

    static func serial(of account: String, _ session: PostgresSession) throws -> Int {
        Int(try session.execute("SELECT serial FROM accounts WHERE id = \(account)").rows.first?.decode(Int64.self) ?? 0)
    }

    static func insertInvoice(_ invoice: Invoice, issuedAt: Date, _ session: PostgresSession) throws {
        try session.execute("""
            INSERT INTO invoices (id, account, date, currency, subtotal_minor, credit_applied_minor, total_minor, status, issued_at)
            VALUES (\(invoice.id), \(invoice.account), \(invoice.date.description), \(invoice.currency), \(invoice.subtotal.minorUnits),
                    \(invoice.creditApplied.minorUnits), \(invoice.total.minorUnits), \(invoice.status.rawValue), \(milliseconds(issuedAt)))
            """)
        guard !invoice.lines.isEmpty else { return }
        let rows = invoice.lines.enumerated().map { position, line in
            InvoiceLineRow(ord: position, kind: line.kind.rawValue, plan: line.plan, count: line.count,
                           span_start: line.span.start.description, span_end: line.span.end.description,
                           period_days: line.periodDays, amount_minor: line.amount.minorUnits)
        }
        let json = String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
        try session.execute("""
            INSERT INTO invoice_lines (invoice, position, kind, plan, count, span_start, span_end, period_days, amount_minor)
            SELECT \(invoice.id), r.ord, r.kind, r.plan, r.count, r.span_start, r.span_end, r.period_days, r.amount_minor
            FROM jsonb_to_recordset(\(json)::jsonb) AS r(ord int, kind text, plan text, count int, span_start text, span_end text,
                period_days int, amount_minor bigint)
            """)
    }

    static func readInvoice(_ id: String, _ session: PostgresSession) throws -> Invoice? {
        guard let row = try session.execute("""
            SELECT account, date, currency, credit_applied_minor, status, issued_at, sent_at FROM invoices WHERE id = \(id)
            """).rows.first else { return nil }
        let (account, date, currency, credit, status, issuedAt, sentAt) =
            try row.decode((String, String, String, Int64, String, Int64, Int64?).self)
        let lines = try session.jsonRows(InvoiceLineRow.self, """
            SELECT coalesce(json_agg(json_build_object('kind', kind, 'plan', plan, 'count', count, 'span_start', span_start,
                'span_end', span_end, 'period_days', period_days, 'amount_minor', amount_minor) ORDER BY position), '[]')::text
            FROM invoice_lines WHERE invoice = \(id)
            """).map { line in
            InvoiceLine(kind: try decode(InvoiceLine.Kind.self, line.kind, "invoice line kind"), plan: line.plan, count: line.count,
                        span: BillingSpan(start: try day(line.span_start), end: try day(line.span_end)), periodDays: line.period_days,
                        amount: Money(minorUnits: line.amount_minor, currency: currency))
        }
        let reference = try session.execute("SELECT method_reference FROM payments WHERE invoice = \(id) ORDER BY id DESC LIMIT 1")
            .rows.first?.decode(String.self)
        return Invoice(id: id, account: account, date: try day(date), currency: currency, lines: lines,
                       creditApplied: Money(minorUnits: credit, currency: currency),
                       status: try decode(InvoiceStatus.self, status, "invoice status"),
                       issuedAt: self.date(issuedAt), sentAt: sentAt.map(self.date), paymentReference: reference)
    }
}
