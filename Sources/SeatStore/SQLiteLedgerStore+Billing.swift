import Foundation
import GRDB
import SeatCore

/// Billing records in SQLite (tables of migration "v2", see
/// ``LedgerSchema/billingTables``). Plain SQL, one statement per kind of
/// row, so another store can mirror it statement by statement.
extension SQLiteLedgerStore: BillingStore {
    // MARK: Snapshot and apply

    /// The account's billing records with three queries, or nil (one
    /// query) for an account that has none yet (written before "v2", or by
    /// an apply that recorded no billing).
    /// `expectedLicenses` sizes the license records' arrays once (one
    /// record per license the snapshot read).
    /// `isAlone`: the ledger holds no other account, so the records are
    /// read in storage order (see `readSnapshot`).
    static func readBilling(_ account: LedgerAccount, expectedLicenses: Int = 0, isAlone: Bool = false,
                            _ db: Database) throws -> AccountBilling? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT anchor, currency, credit_balance_minor, last_invoice_date, usage_gb, usage_recorded_at
            FROM account_billing WHERE account = ?
            """), arguments: [account.id]) else { return nil }
        let currency: String = try row.decode(atIndex: 1)
        var billing = AccountBilling(
            anchor: try decodeDay(row, 0, optional: false)!, currency: currency,
            creditBalance: Money(minorUnits: try row.decode(atIndex: 2), currency: currency),
            lastInvoiceDate: try decodeDay(row, 3, optional: true), usageGB: try row.decode(atIndex: 4),
            usageRecordedAt: (try row.decode(atIndex: 5) as Int64?).map(StoredValue.date(milliseconds:)))
        billing.licenses.reserveCapacity(expectedLicenses)
        var billedDays = RecentText<Day>.days(), invoices = RecentText<String>.strings()
        let invoiceStates = StoredEnum<InvoiceState>("invoice state")
        try BulkStatement(db.cachedStatement(sql: """
            SELECT code, billed_until, paid_minor, invoice_state, invoice FROM license_billing \(isAlone ? "NOT INDEXED " : "")WHERE account = ?
            """)).forEachRow(.text(account.id)) { row in
                billing.licenses.append(row.text(0), LicenseBilling(
                    billedUntil: try billedDays.value(row.utf8(1)), paid: Money(minorUnits: row.integer(2), currency: currency),
                    invoiceState: row.isNull(3) ? nil : invoiceStates.valueIfKnown(row.utf8(3)),
                    invoice: row.isNull(4) ? nil : try invoices.value(row.utf8(4))))
            }
        let adjustmentRows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT kind, plan, count, span_start, span_end, period_days, amount_minor, currency, at
            FROM adjustments WHERE account = ? AND invoice IS NULL ORDER BY id
            """), arguments: [account.id])
        while let row = try adjustmentRows.next() {
            billing.pendingAdjustments.append(Adjustment(
                kind: try decode(Adjustment.Kind.self, row, 0, "adjustment kind"), plan: try row.decode(atIndex: 1),
                count: try row.decode(atIndex: 2),
                span: BillingSpan(start: try decodeDay(row, 3, optional: false)!, end: try decodeDay(row, 4, optional: false)!),
                periodDays: try row.decode(atIndex: 5),
                amount: Money(minorUnits: try row.decode(atIndex: 6), currency: try row.decode(atIndex: 7)),
                at: StoredValue.date(milliseconds: try row.decode(atIndex: 8))))
        }
        return billing
    }

    /// Persists an apply's billing writes inside its transaction.
    /// `licenses`: the license rows the apply writes, in the order written.
    static func persistBilling(_ writes: BillingWrites, licenses: [License], account id: String, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO account_billing (account, anchor, currency, credit_balance_minor) VALUES (?, ?, ?, ?)
            ON CONFLICT (account) DO UPDATE SET credit_balance_minor = excluded.credit_balance_minor
            """).execute(arguments: [id, StoredValue.text(writes.anchor), writes.currency, writes.creditBalance.minorUnits])
        try upsertLicenseBilling(writes.records(inOrderOf: licenses), account: id, db)
        if !writes.adjustments.isEmpty {
            let statement = try db.cachedStatement(sql: """
                INSERT INTO adjustments (account, kind, plan, count, span_start, span_end, period_days, amount_minor, currency, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for adjustment in writes.adjustments {
                statement.setUncheckedArguments([
                    id, adjustment.kind.rawValue, adjustment.plan, adjustment.count, StoredValue.text(adjustment.span.start),
                    StoredValue.text(adjustment.span.end), adjustment.periodDays, adjustment.amount.minorUnits,
                    adjustment.amount.currency, StoredValue.milliseconds(adjustment.at),
                ])
                try statement.execute()
            }
        }
    }

    /// Inserts or updates `records`, new ones in their order.
    static func upsertLicenseBilling(_ records: LicenseRecords, account id: String, _ db: Database) throws {
        guard !records.isEmpty else { return }
        // Most licenses share a handful of billed-until days: format each once in a row.
        var lastDay: (day: Day, text: String)?
        try BulkInsert(db, "INSERT INTO license_billing (code, account, billed_until, paid_minor, invoice_state, invoice) VALUES",
                       columns: 6, tail: """
            ON CONFLICT (code) DO UPDATE SET billed_until = excluded.billed_until, paid_minor = excluded.paid_minor,
                invoice_state = excluded.invoice_state, invoice = excluded.invoice
            WHERE license_billing.account = excluded.account
            """).run(count: records.count) { index in
                let (code, record) = (records.codes[index], records.records[index])
                let day: String
                if let lastDay, lastDay.day == record.billedUntil { day = lastDay.text } else {
                    day = StoredValue.text(record.billedUntil)
                    lastDay = (record.billedUntil, day)
                }
                return [.text(code), .text(id), .text(day), .integer(record.paid.minorUnits), .text(record.invoiceState?.rawValue),
                        .text(record.invoice)]
            }
    }

    // MARK: BillingStore

    public func invoices(account: String) throws -> [Invoice] {
        try translating {
            try writer.read { db in
                let ids = try String.fetchAll(db, sql: "SELECT id FROM invoices WHERE account = ? ORDER BY date", arguments: [account])
                return try ids.compactMap { try Self.readInvoice($0, db) }
            }
        }
    }

    public func invoice(id: String) throws -> Invoice? {
        try translating { try writer.read { db in try Self.readInvoice(id, db) } }
    }

    public func issueInvoices(
        account: String, actor: String, at: Date,
        _ issue: (LedgerSnapshot) throws -> (invoices: [(invoice: Invoice, billed: [String: LicenseBilling])], billing: AccountBilling)
    ) throws -> [Invoice] {
        try write { db in
            let snapshot = try Self.readSnapshot(account: account, db)
            guard let ledgerAccount = snapshot.account else { throw BillingStoreError.noAccount(account) }
            let (issued, billing) = try issue(snapshot)
            guard !issued.isEmpty else { return [] }
            try db.cachedStatement(sql: """
                INSERT INTO account_billing (account, anchor, currency, credit_balance_minor, last_invoice_date) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (account) DO UPDATE SET credit_balance_minor = excluded.credit_balance_minor,
                    last_invoice_date = excluded.last_invoice_date
                """).execute(arguments: [account, StoredValue.text(billing.anchor), billing.currency,
                                         billing.creditBalance.minorUnits, billing.lastInvoiceDate.map(StoredValue.text)])
            var journal: [JournalEntry] = []
            for (index, entry) in issued.enumerated() {
                try Self.insertInvoice(entry.invoice, issuedAt: at, db)
                try Self.upsertLicenseBilling(LicenseRecords(entry.billed), account: account, db)
                if index == 0 {
                    // The first invoice lists every adjustment pending until now.
                    try db.execute(sql: "UPDATE adjustments SET invoice = ? WHERE account = ? AND invoice IS NULL",
                                   arguments: [entry.invoice.id, account])
                }
                journal.append(JournalEntry(at: at, account: account, actor: actor, action: "issue_invoice", subject: entry.invoice.id,
                                            from: nil, to: entry.invoice.total.formatted, serial: ledgerAccount.serial))
            }
            try Self.appendJournal(journal, db)
            return issued.map(\.invoice)
        }
    }

    public func recordPayment(invoice id: String, reference: String, actor: String, at: Date) throws -> Invoice {
        try write { db in
            guard var invoice = try Self.readInvoice(id, db) else { throw BillingStoreError.noInvoice(id) }
            guard invoice.status == .open else { throw BillingStoreError.alreadyPaid(id) }
            try db.execute(sql: """
                INSERT INTO payments (invoice, account, amount_minor, currency, method_reference, at, actor) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, invoice.account, invoice.total.minorUnits, invoice.currency, reference, StoredValue.milliseconds(at), actor])
            try db.execute(sql: "UPDATE invoices SET status = 'paid' WHERE id = ?", arguments: [id])
            try db.execute(sql: "UPDATE license_billing SET invoice_state = 'paid' WHERE invoice = ?", arguments: [id])
            let serial = try Int.fetchOne(db, sql: "SELECT serial FROM accounts WHERE id = ?", arguments: [invoice.account]) ?? 0
            try Self.appendJournal([.paidInvoice(invoice, reference: reference, actor: actor, at: at, serial: serial)], db)
            invoice.status = .paid
            invoice.paymentReference = reference
            return invoice
        }
    }

    public func recordDelivery(invoice id: String, licenses: [String], actor: String, at: Date) throws {
        try write { db in
            guard let invoice = try Self.readInvoice(id, db) else { throw BillingStoreError.noInvoice(id) }
            let statement = try db.cachedStatement(sql: "INSERT INTO invoice_deliveries (invoice, license, at, actor) VALUES (?, ?, ?, ?)")
            for license in licenses {
                try statement.execute(arguments: [id, license, StoredValue.milliseconds(at), actor])
            }
            try db.execute(sql: "UPDATE invoices SET sent_at = ? WHERE id = ?", arguments: [StoredValue.milliseconds(at), id])
            let serial = try Int.fetchOne(db, sql: "SELECT serial FROM accounts WHERE id = ?", arguments: [invoice.account]) ?? 0
            try Self.appendJournal(licenses.map {
                JournalEntry(at: at, account: invoice.account, actor: actor, action: "send_invoice", subject: id, from: nil, to: $0, serial: serial)
            }, db)
        }
    }

    public func recordUsage(account: String, gigabytes: Int, actor: String, at: Date) throws {
        try write { db in
            let snapshot = try Self.readSnapshot(account: account, db)
            guard let ledgerAccount = snapshot.account else { throw BillingStoreError.noAccount(account) }
            let billing = try snapshot.billing ?? AccountBilling.initial(for: ledgerAccount, currency: Self.readCatalog(db)?.currency ?? "USD")
            try db.execute(sql: """
                INSERT INTO account_billing (account, anchor, currency, credit_balance_minor, usage_gb, usage_recorded_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (account) DO UPDATE SET usage_gb = excluded.usage_gb, usage_recorded_at = excluded.usage_recorded_at
                """, arguments: [account, StoredValue.text(billing.anchor), billing.currency, billing.creditBalance.minorUnits,
                                 gigabytes, StoredValue.milliseconds(at)])
            try Self.appendJournal([JournalEntry(at: at, account: account, actor: actor, action: "set_usage", subject: account,
                                                 from: billing.usageGB.map { "\($0) GB" }, to: "\(gigabytes) GB",
                                                 serial: ledgerAccount.serial)], db)
        }
    }

    // MARK: Invoices

    static func insertInvoice(_ invoice: Invoice, issuedAt: Date, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO invoices (id, account, date, currency, subtotal_minor, credit_applied_minor, total_minor, status, issued_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [invoice.id, invoice.account, StoredValue.text(invoice.date), invoice.currency,
                                     invoice.subtotal.minorUnits, invoice.creditApplied.minorUnits, invoice.total.minorUnits,
                                     invoice.status.rawValue, StoredValue.milliseconds(issuedAt)])
        let statement = try db.cachedStatement(sql: """
            INSERT INTO invoice_lines (invoice, position, kind, plan, count, span_start, span_end, period_days, amount_minor)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (position, line) in invoice.lines.enumerated() {
            statement.setUncheckedArguments([invoice.id, position, line.kind.rawValue, line.plan, line.count,
                                             StoredValue.text(line.span.start), StoredValue.text(line.span.end),
                                             line.periodDays, line.amount.minorUnits])
            try statement.execute()
        }
    }

    static func readInvoice(_ id: String, _ db: Database) throws -> Invoice? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT account, date, currency, credit_applied_minor, status, issued_at, sent_at FROM invoices WHERE id = ?
            """), arguments: [id]) else { return nil }
        let currency: String = try row.decode(atIndex: 2)
        var lines: [InvoiceLine] = []
        let lineRows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT kind, plan, count, span_start, span_end, period_days, amount_minor FROM invoice_lines WHERE invoice = ? ORDER BY position
            """), arguments: [id])
        while let line = try lineRows.next() {
            lines.append(InvoiceLine(
                kind: try decode(InvoiceLine.Kind.self, line, 0, "invoice line kind"), plan: try line.decode(atIndex: 1),
                count: try line.decode(atIndex: 2),
                span: BillingSpan(start: try decodeDay(line, 3, optional: false)!, end: try decodeDay(line, 4, optional: false)!),
                periodDays: try line.decode(atIndex: 5), amount: Money(minorUnits: try line.decode(atIndex: 6), currency: currency)))
        }
        let reference = try String.fetchOne(db, sql: "SELECT method_reference FROM payments WHERE invoice = ? ORDER BY id DESC LIMIT 1",
                                             arguments: [id])
        return Invoice(id: id, account: try row.decode(atIndex: 0), date: try decodeDay(row, 1, optional: false)!, currency: currency,
                       lines: lines, creditApplied: Money(minorUnits: try row.decode(atIndex: 3), currency: currency),
                       status: try decode(InvoiceStatus.self, row, 4, "invoice status"),
                       issuedAt: StoredValue.date(milliseconds: try row.decode(atIndex: 5)),
                       sentAt: try row.decode(Int64?.self, atIndex: 6).map(StoredValue.date(milliseconds:)),
                       paymentReference: reference)
    }
}
