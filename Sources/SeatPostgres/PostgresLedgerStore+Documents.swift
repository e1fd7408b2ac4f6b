import Foundation
import PostgresNIO
import SeatStore

/// Billing documents as stored rows (see `BillingDocuments`): one query per
/// table to read them (each table as one JSON array built by the server),
/// and one statement per table and batch to write them, ids included.
extension PostgresLedgerStore {
    static func readBillingDocuments(_ session: PostgresSession) throws -> BillingDocuments {
        BillingDocuments(
            invoices: try session.jsonRows(BillingDocuments.InvoiceRow.self, #"""
                SELECT coalesce(json_agg(t ORDER BY t.id COLLATE "C"), '[]')::text FROM invoices t
                """#),
            invoiceLines: try session.jsonRows(BillingDocuments.InvoiceLineRow.self, #"""
                SELECT coalesce(json_agg(t ORDER BY t.invoice COLLATE "C", t.position), '[]')::text FROM invoice_lines t
                """#),
            payments: try session.jsonRows(BillingDocuments.PaymentRow.self, """
                SELECT coalesce(json_agg(t ORDER BY t.id), '[]')::text FROM payments t
                """),
            deliveries: try session.jsonRows(BillingDocuments.DeliveryRow.self, """
                SELECT coalesce(json_agg(t ORDER BY t.id), '[]')::text FROM invoice_deliveries t
                """),
            adjustments: try session.jsonRows(BillingDocuments.AdjustmentRow.self, """
                SELECT coalesce(json_agg(t ORDER BY t.id), '[]')::text FROM adjustments t
                """))
    }

    /// Inserts the rows with their ids, then moves each identity past the
    /// largest id so later rows get new ones.
    static func writeBillingDocuments(_ documents: BillingDocuments, _ session: PostgresSession) throws {
        try inBatches(documents.invoices) { json in
            try session.execute("""
                INSERT INTO invoices (id, account, date, currency, subtotal_minor, credit_applied_minor, total_minor, status, issued_at, sent_at)
                SELECT * FROM jsonb_to_recordset(\(json)::jsonb) AS r(id text, account text, date text, currency text,
                    subtotal_minor bigint, credit_applied_minor bigint, total_minor bigint, status text, issued_at bigint, sent_at bigint)
                """)
        }
        try inBatches(documents.invoiceLines) { json in
            try session.execute("""
                INSERT INTO invoice_lines (invoice, position, kind, plan, count, span_start, span_end, period_days, amount_minor)
                SELECT * FROM jsonb_to_recordset(\(json)::jsonb) AS r(invoice text, position int, kind text, plan text, count int,
                    span_start text, span_end text, period_days int, amount_minor bigint)
                """)
        }
        try inBatches(documents.payments) { json in
            try session.execute("""
                INSERT INTO payments (id, invoice, account, amount_minor, currency, method_reference, at, actor) OVERRIDING SYSTEM VALUE
                SELECT * FROM jsonb_to_recordset(\(json)::jsonb) AS r(id bigint, invoice text, account text, amount_minor bigint,
                    currency text, method_reference text, at bigint, actor text)
                """)
        }
        try inBatches(documents.deliveries) { json in
            try session.execute("""
                INSERT INTO invoice_deliveries (id, invoice, license, at, actor) OVERRIDING SYSTEM VALUE
                SELECT * FROM jsonb_to_recordset(\(json)::jsonb) AS r(id bigint, invoice text, license text, at bigint, actor text)
                """)
        }
        try inBatches(documents.adjustments) { json in
            try session.execute("""
                INSERT INTO adjustments (id, account, kind, plan, count, span_start, span_end, period_days, amount_minor, currency, at, invoice)
                OVERRIDING SYSTEM VALUE
                SELECT * FROM jsonb_to_recordset(\(json)::jsonb) AS r(id bigint, account text, kind text, plan text, count int,
                    span_start text, span_end text, period_days int, amount_minor bigint, currency text, at bigint, invoice text)
                """)
        }
        for table in ["payments", "invoice_deliveries", "adjustments"] {
            try session.execute(PostgresQuery(unsafeSQL: """
                SELECT setval(pg_get_serial_sequence('\(table)', 'id'), max(id)) FROM \(table) HAVING count(*) > 0
                """))
        }
    }
}
