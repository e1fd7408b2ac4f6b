import Foundation
import GRDB

/// Billing documents as stored rows (see ``BillingDocuments``): five
/// queries to read them all, one prepared statement per table to write them.
extension SQLiteLedgerStore {
    static func readBillingDocuments(_ db: Database) throws -> BillingDocuments {
        BillingDocuments(
            invoices: try Row.fetchAll(db, sql: """
                SELECT id, account, date, currency, subtotal_minor, credit_applied_minor, total_minor, status, issued_at, sent_at
                FROM invoices ORDER BY id
                """).map { row in
                BillingDocuments.InvoiceRow(
                    id: row[0], account: row[1], date: row[2], currency: row[3], subtotal_minor: row[4],
                    credit_applied_minor: row[5], total_minor: row[6], status: row[7], issued_at: row[8], sent_at: row[9])
            },
            invoiceLines: try Row.fetchAll(db, sql: """
                SELECT invoice, position, kind, plan, count, span_start, span_end, period_days, amount_minor
                FROM invoice_lines ORDER BY invoice, position
                """).map { row in
                BillingDocuments.InvoiceLineRow(
                    invoice: row[0], position: row[1], kind: row[2], plan: row[3], count: row[4], span_start: row[5],
                    span_end: row[6], period_days: row[7], amount_minor: row[8])
            },
            payments: try Row.fetchAll(db, sql: """
                SELECT id, invoice, account, amount_minor, currency, method_reference, at, actor FROM payments ORDER BY id
                """).map { row in
                BillingDocuments.PaymentRow(
                    id: row[0], invoice: row[1], account: row[2], amount_minor: row[3], currency: row[4],
                    method_reference: row[5], at: row[6], actor: row[7])
            },
            deliveries: try Row.fetchAll(db, sql: "SELECT id, invoice, license, at, actor FROM invoice_deliveries ORDER BY id").map { row in
                BillingDocuments.DeliveryRow(id: row[0], invoice: row[1], license: row[2], at: row[3], actor: row[4])
            },
            adjustments: try Row.fetchAll(db, sql: """
                SELECT id, account, kind, plan, count, span_start, span_end, period_days, amount_minor, currency, at, invoice
                FROM adjustments ORDER BY id
                """).map { row in
                BillingDocuments.AdjustmentRow(
                    id: row[0], account: row[1], kind: row[2], plan: row[3], count: row[4], span_start: row[5],
                    span_end: row[6], period_days: row[7], amount_minor: row[8], currency: row[9], at: row[10], invoice: row[11])
            })
    }

    /// Inserts the rows with their ids (AUTOINCREMENT then continues after the largest).
    static func writeBillingDocuments(_ documents: BillingDocuments, _ db: Database) throws {
        try insertRows(documents.invoices, db, sql: """
            INSERT INTO invoices (id, account, date, currency, subtotal_minor, credit_applied_minor, total_minor, status, issued_at, sent_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """) { [$0.id, $0.account, $0.date, $0.currency, $0.subtotal_minor, $0.credit_applied_minor, $0.total_minor,
                    $0.status, $0.issued_at, $0.sent_at] }
        try insertRows(documents.invoiceLines, db, sql: """
            INSERT INTO invoice_lines (invoice, position, kind, plan, count, span_start, span_end, period_days, amount_minor)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """) { [$0.invoice, $0.position, $0.kind, $0.plan, $0.count, $0.span_start, $0.span_end, $0.period_days, $0.amount_minor] }
        try insertRows(documents.payments, db, sql: """
            INSERT INTO payments (id, invoice, account, amount_minor, currency, method_reference, at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """) { [$0.id, $0.invoice, $0.account, $0.amount_minor, $0.currency, $0.method_reference, $0.at, $0.actor] }
        try insertRows(documents.deliveries, db, sql: """
            INSERT INTO invoice_deliveries (id, invoice, license, at, actor) VALUES (?, ?, ?, ?, ?)
            """) { [$0.id, $0.invoice, $0.license, $0.at, $0.actor] }
        try insertRows(documents.adjustments, db, sql: """
            INSERT INTO adjustments (id, account, kind, plan, count, span_start, span_end, period_days, amount_minor, currency, at, invoice)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """) { [$0.id, $0.account, $0.kind, $0.plan, $0.count, $0.span_start, $0.span_end, $0.period_days, $0.amount_minor,
                    $0.currency, $0.at, $0.invoice] }
    }

    private static func insertRows<Row>(_ rows: [Row], _ db: Database, sql: String,
                                        _ values: (Row) -> [(any DatabaseValueConvertible)?]) throws {
        guard !rows.isEmpty else { return }
        let statement = try db.cachedStatement(sql: sql)
        for row in rows {
            statement.setUncheckedArguments(StatementArguments(values(row)))
            try statement.execute()
        }
    }
}
